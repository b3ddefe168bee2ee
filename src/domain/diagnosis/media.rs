//! What the people in the call saw and heard: media that never came or
//! stopped, frozen or slowed video, concealed audio.

use chrono::{DateTime, TimeDelta, Utc};

use super::input::{Direction, FabricSeries, Track, finite, growth};
use super::spans::{sustained, sustained_below};
use super::{Finding, IssueKind, Severity};
use crate::domain::quality::MediaKind;
use crate::domain::stats::percentile;

/// How long an inbound stream must go without a packet, while the
/// connection is up, to count as missing or dry. Opus with DTX still sends
/// a packet every 400 ms of silence, and a paused camera still sends a
/// frame a second, so 15 s of nothing is not silence or a pause: the
/// sender stopped, or the path lost the stream.
pub const NO_PACKETS_SECONDS: i64 = 15;
/// Freezes clustered in one finding when less than this apart.
pub const FREEZE_CLUSTER_SECONDS: i64 = 30;
/// A cluster of freezes is major from this many freezes…
pub const MAJOR_FREEZES: u32 = 3;
/// …or from this much frozen time (s): a viewer gives up on a picture that
/// stops for seconds, whatever the count.
pub const MAJOR_FROZEN_SECONDS: f64 = 2.0;
/// A frame rate counts as collapsed at or below this share of the
/// stream's own median rate…
pub const FRAME_RATE_COLLAPSE_SHARE: f64 = 0.5;
/// …and at or below this rate (fps), where motion visibly stutters.
pub const FRAME_RATE_COLLAPSE_FPS: f64 = 10.0;
/// Share of audio samples concealed from which speech sounds robotic or
/// choppy. Concealment fills in for lost or late packets; a few per cent
/// go unnoticed, beyond 5 % listeners hear it.
pub const CONCEALMENT_SHARE: f64 = 0.05;
/// Mean concealed share from which the issue is major: a sixth of the
/// sound is made up.
pub const MAJOR_CONCEALMENT_SHARE: f64 = 0.15;

/// Media detectors of one stream of `fabric`.
pub fn detect(track: &Track, fabric: &FabricSeries) -> Vec<Finding> {
    if track.direction != Direction::Inbound {
        return Vec::new();
    }
    let mut findings = Vec::new();
    findings.extend(no_packets(track, fabric));
    if track.kind == MediaKind::Video {
        findings.extend(freezes(track));
        findings.extend(frame_rate_collapse(track));
    } else {
        findings.extend(concealment(track));
    }
    findings
}

/// Whether the connection was up at `at`, from the fabric's events. With no
/// events at all, it is taken as up: the polls themselves say it was there.
pub fn connected_at(fabric: &FabricSeries, at: DateTime<Utc>) -> bool {
    use super::EventKind::*;
    if fabric.events.is_empty() {
        return true;
    }
    fabric.events.iter().take_while(|event| event.at <= at).fold(false, |up, event| match event.kind {
        Setup | Connected => true,
        SetupFailed | Terminated | IceFailed | Disconnected => false,
        IceRestarted => up,
    })
}

/// An inbound stream that never received a packet (`noMedia`), or that
/// received and then stopped (`dryTrack`), for at least
/// [`NO_PACKETS_SECONDS`] while the connection was up.
fn no_packets(track: &Track, fabric: &FabricSeries) -> Option<Finding> {
    let mut received_before = false;
    let mut idle_since: Option<DateTime<Utc>> = None;
    let mut found: Option<Finding> = None;
    for pair in track.points.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        received_before |= finite(before.packets_received).is_some_and(|received| received > 0.0);
        let idle = growth(before.packets_received, after.packets_received) == Some(0.0)
            && connected_at(fabric, before.at)
            && connected_at(fabric, after.at);
        if !idle {
            idle_since = None;
            continue;
        }
        let start = *idle_since.get_or_insert(before.at);
        if after.at - start >= TimeDelta::seconds(NO_PACKETS_SECONDS) {
            let kind = if received_before { IssueKind::DryTrack } else { IssueKind::NoMedia };
            found = match found {
                Some(finding) if finding.start == start => Some(Finding { end: after.at, ..finding }),
                // An earlier span was found: the first is the one to tell.
                Some(finding) => Some(finding),
                None => Some(Finding::new(kind, Severity::Major, start, after.at).on(track)),
            };
        }
    }
    found
}

/// Freezes of received video, clustered when close together: how many and
/// how long the picture stood still.
fn freezes(track: &Track) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for pair in track.points.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let count = growth(before.freeze_count, after.freeze_count).unwrap_or(0.0);
        if count < 1.0 {
            continue;
        }
        let seconds = growth(before.freeze_seconds, after.freeze_seconds).unwrap_or(0.0);
        // Counts within a poll are small; saturating keeps a lie harmless.
        let count = count.min(f64::from(u32::MAX)) as u32;
        match findings.last_mut() {
            Some(last) if after.at - last.end < TimeDelta::seconds(FREEZE_CLUSTER_SECONDS) => {
                last.end = after.at;
                last.count = Some(last.count.unwrap_or(0).saturating_add(count));
                last.peak = Some(last.peak.unwrap_or(0.0) + seconds);
            }
            _ => findings.push(
                Finding::new(IssueKind::VideoFreezes, Severity::Minor, before.at, after.at).on(track).figures(
                    Some(seconds),
                    None,
                    Some(count),
                ),
            ),
        }
    }
    for finding in &mut findings {
        if finding.count.unwrap_or(0) >= MAJOR_FREEZES || finding.peak.unwrap_or(0.0) >= MAJOR_FROZEN_SECONDS {
            finding.severity = Severity::Major;
        }
    }
    findings
}

/// Received video whose frame rate fell to half its own median or less,
/// and to [`FRAME_RATE_COLLAPSE_FPS`] or less, for two polls or more. A
/// stream that was always slow (a screen share at 5 fps) has a low median
/// and does not collapse.
fn frame_rate_collapse(track: &Track) -> Vec<Finding> {
    let mut rates: Vec<f64> = track.points.iter().filter_map(|point| finite(point.frame_rate)).collect();
    rates.sort_by(f64::total_cmp);
    let Some(median) = percentile(&rates, 0.5) else { return Vec::new() };
    let limit = (median * FRAME_RATE_COLLAPSE_SHARE).min(FRAME_RATE_COLLAPSE_FPS);
    if median <= FRAME_RATE_COLLAPSE_FPS {
        return Vec::new();
    }
    let points = track.points.iter().map(|point| (point.at, finite(point.frame_rate)));
    sustained_below(points, limit, 2)
        .into_iter()
        .map(|span| {
            let severity = if span.peak <= 1.0 { Severity::Major } else { Severity::Minor };
            Finding::new(IssueKind::FrameRateCollapse, severity, span.start, span.end).on(track).figures(
                Some(span.peak),
                Some(median),
                None,
            )
        })
        .collect()
}

/// Received audio with [`CONCEALMENT_SHARE`] or more of its samples
/// concealed for two polls or more. Figures in per cent.
fn concealment(track: &Track) -> Vec<Finding> {
    let shares = track.points.windows(2).map(|pair| {
        let (before, after) = (&pair[0], &pair[1]);
        let concealed = growth(before.concealed_samples, after.concealed_samples);
        let total = growth(before.total_samples, after.total_samples).filter(|total| *total > 0.0);
        let share = concealed.zip(total).map(|(concealed, total)| (concealed * 100.0 / total).min(100.0));
        (after.at, share)
    });
    sustained(shares, CONCEALMENT_SHARE * 100.0, 2)
        .into_iter()
        .map(|span| {
            let severity = if span.mean >= MAJOR_CONCEALMENT_SHARE * 100.0 { Severity::Major } else { Severity::Minor };
            Finding::new(IssueKind::AudioConcealment, severity, span.start, span.end).on(track).figures(
                Some(span.peak),
                Some(span.mean),
                None,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::{at, events, inbound};
    use crate::domain::diagnosis::{EventKind, TrackPoint};

    fn received(counts: &[f64]) -> Track {
        inbound(MediaKind::Audio, counts.len(), |i, point| point.packets_received = Some(counts[i]))
    }

    fn fabric_up_from(seconds: i64) -> FabricSeries {
        FabricSeries { events: events(&[(seconds, EventKind::Setup)]), ..FabricSeries::default() }
    }

    #[test]
    fn a_stream_that_never_receives_while_connected_is_no_media() {
        let track = received(&[0.0, 0.0, 0.0, 0.0]);
        let found = no_packets(&track, &fabric_up_from(0)).expect("found");
        assert_eq!(found.kind, IssueKind::NoMedia);
        assert_eq!((found.start, found.end), (at(0), at(30)));
    }

    #[test]
    fn a_stream_that_stops_is_dry_from_its_last_packet() {
        let track = received(&[10.0, 500.0, 500.0, 500.0, 500.0, 900.0]);
        let found = no_packets(&track, &fabric_up_from(0)).expect("found");
        assert_eq!(found.kind, IssueKind::DryTrack);
        assert_eq!((found.start, found.end), (at(10), at(40)));
    }

    #[test]
    fn fewer_than_fifteen_idle_seconds_or_a_down_connection_is_no_issue() {
        // Polls 10 s apart: one idle interval is 10 s.
        assert_eq!(no_packets(&received(&[10.0, 500.0, 500.0, 900.0]), &fabric_up_from(0)), None);
        // Exactly 15 s idle counts (boundary).
        let mut track = received(&[10.0, 500.0, 500.0]);
        track.points[2].at = at(25);
        assert!(no_packets(&track, &fabric_up_from(0)).is_some());
        // Idle before the connection was set up is not the media's fault.
        assert_eq!(no_packets(&received(&[0.0, 0.0, 0.0, 0.0]), &fabric_up_from(100)), None);
    }

    #[test]
    fn freezes_close_together_are_one_finding_with_their_count_and_time() {
        let counts = [0.0, 1.0, 3.0, 3.0, 3.0, 3.0, 3.0, 4.0];
        let seconds = [0.0, 0.5, 1.8, 1.8, 1.8, 1.8, 1.8, 2.0];
        let track = inbound(MediaKind::Video, counts.len(), |i, point| {
            point.freeze_count = Some(counts[i]);
            point.freeze_seconds = Some(seconds[i]);
        });
        let found = freezes(&track);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].count, found[0].severity), (Some(3), Severity::Major));
        assert!((found[0].peak.expect("peak") - 1.8).abs() < 1e-9);
        assert_eq!((found[1].count, found[1].severity), (Some(1), Severity::Minor));
        assert!(freezes(&inbound(MediaKind::Video, 5, |_, point| point.freeze_count = Some(2.0))).is_empty());
    }

    #[test]
    fn a_frame_rate_at_half_its_median_and_ten_fps_collapsed() {
        let rates = [30.0, 30.0, 30.0, 30.0, 9.0, 2.0, 30.0, 30.0];
        let found = frame_rate_collapse(&inbound(MediaKind::Video, rates.len(), |i, point| {
            point.frame_rate = Some(rates[i]);
        }));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (at(40), at(50)));
        assert_eq!((found[0].peak, found[0].typical), (Some(2.0), Some(30.0)));
        // 11 fps is above the floor; a stream always at 5 fps never collapses.
        let rates = [30.0, 30.0, 30.0, 11.0, 11.0, 30.0];
        let track = inbound(MediaKind::Video, rates.len(), |i, point| point.frame_rate = Some(rates[i]));
        assert!(frame_rate_collapse(&track).is_empty());
        let track = inbound(MediaKind::Video, 6, |_, point: &mut TrackPoint| point.frame_rate = Some(5.0));
        assert!(frame_rate_collapse(&track).is_empty());
    }

    #[test]
    fn concealment_above_five_per_cent_for_two_polls_is_found() {
        // Per poll: 48,000 samples; concealed grows by 960 (2 %), then 9,600 (20 %).
        let concealed = [0.0, 960.0, 10_560.0, 20_160.0, 21_120.0];
        let track = inbound(MediaKind::Audio, concealed.len(), |i, point| {
            point.concealed_samples = Some(concealed[i]);
            point.total_samples = Some(48_000.0 * i as f64);
        });
        let found = concealment(&track);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end, found[0].severity), (at(20), at(30), Severity::Major));
        assert!((found[0].peak.expect("peak") - 20.0).abs() < 1e-9);
        // Exactly 5 % for two polls is found (boundary); 4.9 % is not.
        for (per_poll, expected) in [(2_400.0, 1), (2_352.0, 0)] {
            let track = inbound(MediaKind::Audio, 3, |i, point| {
                point.concealed_samples = Some(per_poll * i as f64);
                point.total_samples = Some(48_000.0 * i as f64);
            });
            assert_eq!(concealment(&track).len(), expected, "{per_poll}");
        }
    }
}
