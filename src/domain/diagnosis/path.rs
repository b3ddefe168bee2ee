//! The connection's path: relayed or TCP media, switches, ICE restarts,
//! disruptions, drops and slow setup.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::input::{CandidateType, EventKind, FabricSeries, PathPoint, finite};
use super::{Finding, IssueKind, Severity, network};

/// Setup delay (ms) from which setting up counts as slow: ICE over a
/// working network connects in well under a second, through a TURN relay
/// in one or two; people wait visibly from three.
pub const SLOW_SETUP_MS: f64 = 3_000.0;
/// Setup delay (ms) from which it is major: many give up and call again.
pub const MAJOR_SETUP_MS: f64 = 10_000.0;
/// A disruption this long (s) or longer is major: media was cut off.
pub const MAJOR_DISRUPTION_SECONDS: i64 = 10;

/// Path detectors of one fabric, the round-trip time included.
pub fn detect(fabric: &FabricSeries) -> Vec<Finding> {
    let mut findings = network::round_trip(fabric);
    findings.extend(over_path(&fabric.path, IssueKind::Relayed, relayed));
    findings.extend(over_path(&fabric.path, IssueKind::TcpTransport, over_tcp));
    findings.extend(switches(&fabric.path));
    findings.extend(restarts(fabric));
    findings.extend(disruptions(fabric));
    findings.extend(slow_setup(fabric));
    findings.extend(setup_failed(fabric));
    findings
}

/// A connection never set up: major (nobody heard anyone through it), at
/// the moment it failed, with what failed.
fn setup_failed(fabric: &FabricSeries) -> Option<Finding> {
    let (at, why) = fabric.setup_failure.clone()?;
    let mut finding = Finding::new(IssueKind::SetupFailed, Severity::Major, at, at);
    finding.detail = why;
    Some(finding)
}

fn relayed(point: &PathPoint) -> bool {
    point.local_type == Some(CandidateType::Relay) || point.remote_type == Some(CandidateType::Relay)
}

/// TCP to the peer, or TCP/TLS to the TURN server: a lost packet holds up
/// every packet behind it, which real-time media cannot wait for.
fn over_tcp(point: &PathPoint) -> bool {
    let tcp = |protocol: &Option<Arc<str>>| matches!(protocol.as_deref(), Some("tcp" | "tls"));
    tcp(&point.protocol) || (point.local_type == Some(CandidateType::Relay) && tcp(&point.relay_protocol))
}

/// From the first to the last poll whose path is `matching`; minor (the
/// call may be fine, but it is the first suspect when it is not).
fn over_path(path: &[PathPoint], kind: IssueKind, matching: fn(&PathPoint) -> bool) -> Option<Finding> {
    let first = path.iter().find(|point| matching(point))?;
    let last = path.iter().rev().find(|point| matching(point))?;
    Some(Finding::new(kind, Severity::Minor, first.at, last.at))
}

/// Changes of the selected candidate pair between polls, counted.
fn switches(path: &[PathPoint]) -> Option<Finding> {
    let moments: Vec<_> = path
        .windows(2)
        .filter(|pair| !pair[0].pair_id.is_empty() && !pair[1].pair_id.is_empty() && pair[0].pair_id != pair[1].pair_id)
        .map(|pair| pair[1].at)
        .collect();
    counted(IssueKind::PathSwitch, &moments)
}

fn restarts(fabric: &FabricSeries) -> Option<Finding> {
    let moments: Vec<_> =
        fabric.events.iter().filter(|event| event.kind == EventKind::IceRestarted).map(|event| event.at).collect();
    counted(IssueKind::IceRestart, &moments)
}

/// One minor finding from the first moment to the last, with their count.
fn counted(kind: IssueKind, moments: &[DateTime<Utc>]) -> Option<Finding> {
    let (first, last) = (moments.first()?, moments.last()?);
    let count = u32::try_from(moments.len()).unwrap_or(u32::MAX);
    Some(Finding::new(kind, Severity::Minor, *first, *last).figures(None, None, Some(count)))
}

/// A connection that went down after it was up: back up again is a
/// disruption (seconds as its figure), never back and failed is a drop.
fn disruptions(fabric: &FabricSeries) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut was_up = false;
    let mut down_since: Option<DateTime<Utc>> = None;
    for event in &fabric.events {
        match event.kind {
            EventKind::Setup | EventKind::Connected => {
                if let Some(start) = down_since.take() {
                    let seconds = (event.at - start).num_milliseconds() as f64 / 1000.0;
                    let long = event.at - start >= TimeDelta::seconds(MAJOR_DISRUPTION_SECONDS);
                    let severity = if long { Severity::Major } else { Severity::Minor };
                    findings.push(Finding::new(IssueKind::Disconnection, severity, start, event.at).figures(
                        Some(seconds),
                        None,
                        None,
                    ));
                }
                was_up = true;
            }
            EventKind::Disconnected if was_up => {
                down_since.get_or_insert(event.at);
            }
            EventKind::IceFailed if was_up => {
                let start = down_since.take().unwrap_or(event.at);
                findings.push(Finding::new(IssueKind::Dropped, Severity::Major, start, event.at));
                was_up = false;
            }
            EventKind::Terminated => {
                (was_up, down_since) = (false, None);
            }
            _ => {}
        }
    }
    findings
}

fn slow_setup(fabric: &FabricSeries) -> Option<Finding> {
    let delay = finite(fabric.setup_delay_ms).filter(|delay| *delay >= SLOW_SETUP_MS)?;
    let start = fabric.added_at?;
    let end = start + TimeDelta::milliseconds(delay.min(1e12) as i64);
    let severity = if delay >= MAJOR_SETUP_MS { Severity::Major } else { Severity::Minor };
    Some(Finding::new(IssueKind::SlowSetup, severity, start, end).figures(Some(delay), None, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::{at, events};

    fn path(polls: &[(&str, Option<CandidateType>, &str, &str)]) -> Vec<PathPoint> {
        let text = |text: &str| (!text.is_empty()).then(|| Arc::from(text));
        polls
            .iter()
            .enumerate()
            .map(|(i, (id, local, protocol, relay))| PathPoint {
                at: at(10 * i as i64),
                pair_id: Arc::from(*id),
                local_type: *local,
                remote_type: Some(CandidateType::Host),
                protocol: text(protocol),
                relay_protocol: text(relay),
                ..PathPoint::default()
            })
            .collect()
    }

    fn found(fabric: &FabricSeries) -> Vec<(IssueKind, Severity, i64, i64, Option<u32>)> {
        let seconds = |time: DateTime<Utc>| (time - at(0)).num_seconds();
        detect(fabric)
            .into_iter()
            .map(|finding| {
                (finding.kind, finding.severity, seconds(finding.start), seconds(finding.end), finding.count)
            })
            .collect()
    }

    #[test]
    fn a_direct_udp_path_without_events_has_no_issue() {
        let direct = path(&[
            ("a", Some(CandidateType::Host), "udp", ""),
            ("a", Some(CandidateType::ServerReflexive), "udp", ""),
        ]);
        assert_eq!(found(&FabricSeries { path: direct, ..FabricSeries::default() }), []);
    }

    #[test]
    fn relayed_tcp_paths_and_switches_are_found() {
        let relay = Some(CandidateType::Relay);
        let polls = path(&[
            ("a", Some(CandidateType::Host), "udp", ""),
            ("b", relay, "udp", "udp"),
            ("b", relay, "udp", "tls"),
            ("c", Some(CandidateType::Host), "tcp", ""),
        ]);
        let fabric = FabricSeries { path: polls, ..FabricSeries::default() };
        assert_eq!(
            found(&fabric),
            [
                (IssueKind::Relayed, Severity::Minor, 10, 20, None),
                (IssueKind::TcpTransport, Severity::Minor, 20, 30, None),
                (IssueKind::PathSwitch, Severity::Minor, 10, 30, Some(2)),
            ]
        );
    }

    #[test]
    fn disruptions_recoveries_drops_and_restarts_are_told_apart() {
        use EventKind::*;
        let list = [
            (0, Setup),
            (30, Disconnected),
            (35, Connected),
            (100, Disconnected),
            (110, Connected),
            (200, IceRestarted),
            (300, Disconnected),
            (320, IceFailed),
        ];
        let fabric = FabricSeries { events: events(&list), ..FabricSeries::default() };
        assert_eq!(
            found(&fabric),
            [
                (IssueKind::IceRestart, Severity::Minor, 200, 200, Some(1)),
                (IssueKind::Disconnection, Severity::Minor, 30, 35, None),
                (IssueKind::Disconnection, Severity::Major, 100, 110, None),
                (IssueKind::Dropped, Severity::Major, 300, 320, None),
            ]
        );
        // Failing before it was ever up is a setup failure, not a drop.
        let never = FabricSeries { events: events(&[(0, Disconnected), (10, IceFailed)]), ..FabricSeries::default() };
        assert_eq!(found(&never), []);
    }

    #[test]
    fn setup_from_three_seconds_is_slow_and_from_ten_major() {
        let fabric =
            |delay| FabricSeries { added_at: Some(at(0)), setup_delay_ms: Some(delay), ..FabricSeries::default() };
        assert_eq!(found(&fabric(2_999.0)), []);
        assert_eq!(found(&fabric(3_000.0)), [(IssueKind::SlowSetup, Severity::Minor, 0, 3, None)]);
        assert_eq!(found(&fabric(10_000.0)), [(IssueKind::SlowSetup, Severity::Major, 0, 10, None)]);
    }

    #[test]
    fn a_connection_never_set_up_is_a_major_failure_with_what_failed() {
        let failed = FabricSeries {
            setup_failure: Some((at(12), Some("setRemoteDescription".into()))),
            ..FabricSeries::default()
        };
        assert_eq!(found(&failed), [(IssueKind::SetupFailed, Severity::Major, 12, 12, None)]);
        assert_eq!(detect(&failed)[0].detail.as_deref(), Some("setRemoteDescription"));
        // Boundary: nothing said why; still a failure.
        let unexplained = FabricSeries { setup_failure: Some((at(3), None)), ..FabricSeries::default() };
        assert_eq!(detect(&unexplained)[0].detail, None);
        // Set up (or not failed yet): nothing.
        let set_up = FabricSeries { setup_delay_ms: Some(400.0), ..FabricSeries::default() };
        assert_eq!(found(&set_up), []);
    }
}
