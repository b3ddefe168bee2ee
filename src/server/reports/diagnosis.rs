//! The conference page's diagnosis: the issues the detectors stored,
//! merged into one sentence per problem and ranked by impact.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::api::{DiagnosisLine, FabricRow, Participant};
use crate::server::AppError;
use crate::server::db::dashboard::conference::{self as db, IssueRow};

/// Issues read for one page: far more than a conference of normal size
/// has, so only a flood is cut.
const ISSUES_READ: i64 = 1_000;
/// Sentences shown: the worst problems, not a log.
const LINES_SHOWN: usize = 20;
/// The media of a problem seen on both audio and video streams.
const BOTH_MEDIA: &str = "audio and video";

/// The instance's diagnosis, naming people as `participants` and
/// `fabrics` do for this viewer (names for support, aliases otherwise).
pub(super) async fn diagnosis(
    pool: &PgPool,
    id: i64,
    participants: &[Participant],
    fabrics: &[FabricRow],
) -> Result<Vec<DiagnosisLine>, AppError> {
    let issues = db::issues(pool, id, None, ISSUES_READ).await?;
    let mut names: HashMap<&str, String> = HashMap::new();
    for fabric in fabrics {
        names.insert(&fabric.local.user_id, fabric.local.label());
        names.insert(&fabric.remote.user_id, fabric.remote.label());
    }
    for participant in participants {
        names.insert(&participant.person.user_id, participant.person.label());
    }
    let name = |key: &str| {
        names.get(key).cloned().unwrap_or_else(|| if key.is_empty() { "unknown".into() } else { key.into() })
    };
    Ok(problems(issues).into_iter().take(LINES_SHOWN).map(|issue| line(&issue, &name)).collect())
}

/// Issues of one kind on one side, across fabrics, time and media kinds,
/// merged into one problem ("audio and video" when both); worst first
/// (major, then longest).
fn problems(issues: Vec<IssueRow>) -> Vec<IssueRow> {
    let mut merged: Vec<IssueRow> = Vec::new();
    for issue in issues {
        let same = |other: &&mut IssueRow| {
            (&other.kind, &other.side, &other.who, &other.peer) == (&issue.kind, &issue.side, &issue.who, &issue.peer)
        };
        match merged.iter_mut().find(same) {
            Some(problem) => {
                if problem.media_kind != issue.media_kind {
                    problem.media_kind = Some(BOTH_MEDIA.to_owned());
                }
                if issue.started_at < problem.started_at {
                    (problem.started_at, problem.fabric_id) = (issue.started_at, issue.fabric_id);
                }
                problem.ended_at = problem.ended_at.max(issue.ended_at);
                problem.peak = worst(&issue.kind, problem.peak, issue.peak);
                problem.count = match (problem.count, issue.count) {
                    (Some(a), Some(b)) => Some(a.saturating_add(b)),
                    (a, b) => a.or(b),
                };
                if issue.severity == "major" {
                    problem.severity = issue.severity;
                }
            }
            None => merged.push(issue),
        }
    }
    merged.sort_by_key(|problem| (problem.severity != "major", -(problem.ended_at - problem.started_at).num_seconds()));
    merged
}

/// Kinds whose figure is the lowest value reached (a rate or size that fell).
fn fell(kind: &str) -> bool {
    matches!(kind, "frameRateCollapse" | "resolutionDrop" | "lowBitrate")
}

fn worst(kind: &str, a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if fell(kind) { a.min(b) } else { a.max(b) }),
        (a, b) => a.or(b),
    }
}

fn line(issue: &IssueRow, name: &impl Fn(&str) -> String) -> DiagnosisLine {
    DiagnosisLine {
        severity: issue.severity.clone(),
        sentence: sentence(issue, name),
        fabric_id: issue.fabric_id,
        at: issue.started_at,
    }
}

/// "Bob (bob-1)'s uplink: up to 18 % of video packets lost (mean 12 %),
/// from 10:31:40 for 2 min."
fn sentence(issue: &IssueRow, name: &impl Fn(&str) -> String) -> String {
    let who = name(&issue.who);
    let peer = issue.peer.as_deref().map(name).unwrap_or_else(|| "its peer".into());
    let subject = match (issue.side.as_str(), issue.media_kind.is_some()) {
        ("participant", _) => who,
        ("uplink", _) => format!("{who}'s uplink"),
        ("downlink", _) => format!("{who}'s downlink"),
        ("device", _) => format!("{who}'s device"),
        (_, true) => format!("From {peer} to {who}"),
        (_, false) => format!("{who}'s connection to {peer}"),
    };
    format!("{subject}: {}, {}.", what(issue), when(issue.started_at, issue.ended_at))
}

/// What happened, without who or when: "up to 18 % of video packets lost (mean 12 %)".
pub(super) fn what(issue: &IssueRow) -> String {
    let media = issue.media_kind.as_deref().unwrap_or("media");
    let number = |value: Option<f64>| value.map_or("?".to_owned(), |value| format!("{value:.0}"));
    let (peak, typical) = (number(issue.peak), number(issue.typical));
    let count = issue.count.unwrap_or(0);
    match issue.kind.as_str() {
        "noMedia" => format!("no {media} arrived"),
        "dryTrack" => format!("{media} stopped arriving"),
        "videoFreezes" => {
            format!("video froze {count} times ({:.1} s in all)", issue.peak.unwrap_or(0.0))
        }
        "frameRateCollapse" => format!("video fell to {peak} fps (usually {typical})"),
        "audioConcealment" => format!("up to {peak} % of the audio was concealed (robotic or choppy)"),
        "packetLoss" => format!("up to {peak} % of {media} packets lost (mean {typical} %)"),
        "jitter" => format!("audio jitter up to {peak} ms (mean {typical} ms)"),
        "roundTripTime" => format!("round-trip time up to {peak} ms (mean {typical} ms)"),
        "cpuLimited" => format!("{media} sending limited by the CPU"),
        "bandwidthLimited" => format!("{media} sending limited by the estimated bandwidth"),
        "lowBitrate" => format!("{media} sent at {peak} % of the available bitrate"),
        "resolutionDrop" => format!("{media} resolution fell to {peak}p (usually {typical}p)"),
        "relayed" => "media relayed through a TURN server".into(),
        "tcpTransport" => "media carried over TCP".into(),
        "pathSwitch" => format!("the network path changed {count} times"),
        "iceRestart" => format!("ICE restarted {count} times"),
        "disconnection" => format!("the connection was lost for {peak} s and came back"),
        "dropped" => "the connection was lost and did not come back".into(),
        "slowSetup" => format!("setting up took {:.1} s", issue.peak.unwrap_or(0.0) / 1000.0),
        "setupFailed" => match issue.detail.as_deref() {
            Some(failed) => format!("the connection was never set up (reported: {failed})"),
            None => "the connection was never set up".into(),
        },
        "neverConnected" if count == 1 => "never connected to anyone (1 connection tried)".into(),
        "neverConnected" => format!("never connected to anyone ({count} connections tried)"),
        "churn" if count == 1 => "left and re-joined".into(),
        "churn" => format!("left and re-joined {count} times"),
        other => other.to_owned(),
    }
}

/// "from 10:31:40 for 2 min", or "at 10:31:40" for a moment.
fn when(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let clock = start.format("%H:%M:%S");
    let seconds = (end - start).num_seconds();
    match seconds {
        ..1 => format!("at {clock}"),
        1..60 => format!("from {clock} for {seconds} s"),
        60..3600 => format!("from {clock} for {} min", (seconds + 30) / 60),
        _ => format!("from {clock} for {} h {} min", seconds / 3600, seconds / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;

    fn issue(kind: &str, side: &str, from: i64, seconds: i64) -> IssueRow {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 10, 31, 40).unwrap() + TimeDelta::seconds(from);
        IssueRow {
            fabric_id: Some(7),
            kind: kind.into(),
            severity: "major".into(),
            started_at: start,
            ended_at: start + TimeDelta::seconds(seconds),
            direction: Some("inbound".into()),
            media_kind: Some("video".into()),
            side: side.into(),
            who: "bob-1".into(),
            peer: None,
            peak: Some(18.0),
            typical: Some(12.0),
            count: None,
            detail: None,
        }
    }

    fn named(key: &str) -> String {
        match key {
            "bob-1" => "Bob (bob-1)".into(),
            "alice-1" => "alice-1".into(),
            other => other.into(),
        }
    }

    #[test]
    fn a_sentence_says_whose_side_what_when_and_how_long() {
        let loss = issue("packetLoss", "uplink", 0, 120);
        assert_eq!(
            sentence(&loss, &named),
            "Bob (bob-1)'s uplink: up to 18 % of video packets lost (mean 12 %), from 10:31:40 for 2 min."
        );
        let between = IssueRow { side: "between".into(), peer: Some("alice-1".into()), ..issue("dryTrack", "", 0, 30) };
        assert_eq!(
            sentence(&between, &named),
            "From alice-1 to Bob (bob-1): video stopped arriving, from 10:31:40 for 30 s."
        );
        let relay = IssueRow { media_kind: None, peer: Some("alice-1".into()), ..issue("relayed", "between", 0, 0) };
        assert_eq!(
            sentence(&relay, &named),
            "Bob (bob-1)'s connection to alice-1: media relayed through a TURN server, at 10:31:40."
        );
        let churn = IssueRow { count: Some(3), media_kind: None, ..issue("churn", "participant", 0, 90) };
        assert_eq!(sentence(&churn, &named), "Bob (bob-1): left and re-joined 3 times, from 10:31:40 for 2 min.");
        let failed = IssueRow {
            detail: Some("setRemoteDescription".into()),
            media_kind: None,
            peer: Some("alice-1".into()),
            ..issue("setupFailed", "between", 0, 0)
        };
        assert_eq!(
            sentence(&failed, &named),
            "Bob (bob-1)'s connection to alice-1: the connection was never set up (reported: setRemoteDescription), \
             at 10:31:40."
        );
    }

    #[test]
    fn the_same_problem_on_several_fabrics_is_one_line_and_majors_come_first() {
        let mut minor = issue("relayed", "between", 0, 600);
        minor.severity = "minor".into();
        let first = issue("packetLoss", "uplink", 60, 60);
        let second = IssueRow { fabric_id: Some(9), peak: Some(25.0), ..issue("packetLoss", "uplink", 0, 30) };
        let merged = problems(vec![minor, first, second]);
        assert_eq!(merged.len(), 2);
        let loss = &merged[0];
        assert_eq!((loss.kind.as_str(), loss.fabric_id, loss.peak), ("packetLoss", Some(9), Some(25.0)));
        assert_eq!((loss.ended_at - loss.started_at).num_seconds(), 120, "from the first start to the last end");
        assert_eq!(merged[1].kind, "relayed", "minor after major, however long");
        // The same loss on audio and video is one problem of both.
        let audio =
            IssueRow { media_kind: Some("audio".into()), peak: Some(30.0), ..issue("packetLoss", "uplink", 0, 30) };
        let both = problems(vec![issue("packetLoss", "uplink", 0, 30), audio]);
        assert_eq!(both.len(), 1);
        assert_eq!(
            sentence(&both[0], &named),
            "Bob (bob-1)'s uplink: up to 30 % of audio and video packets lost (mean 12 %), from 10:31:40 for 30 s."
        );
        // A figure that fell keeps its lowest value.
        let drop = |peak| IssueRow { peak: Some(peak), ..issue("resolutionDrop", "uplink", 0, 30) };
        assert_eq!(problems(vec![drop(360.0), drop(180.0)])[0].peak, Some(180.0));
    }
}
