//! The network between the two ends: packet loss, jitter and delay
//! sustained beyond what people in a call tolerate.

use super::input::{Direction, FabricSeries, Track, finite, growth};
use super::spans::{Span, sustained};
use super::{Finding, IssueKind, Severity};
use crate::domain::quality::MediaKind;

/// Share of packets lost (%) from which a stream is degraded: Opus's
/// in-band FEC and video's retransmissions hide a few per cent; from 5 %
/// audio crackles and video shows artefacts or stalls.
pub const LOSS_PERCENT: f64 = 5.0;
/// Mean loss (%) from which it is major: one packet in ten.
pub const MAJOR_LOSS_PERCENT: f64 = 10.0;
/// Audio jitter (ms) from which the jitter buffer adds audible delay or
/// drops late packets (30 ms is the usual limit for voice networks).
pub const JITTER_MS: f64 = 30.0;
/// Mean jitter (ms) from which it is major.
pub const MAJOR_JITTER_MS: f64 = 60.0;
/// Round-trip time (ms) from which talking over each other starts: ITU-T
/// G.114 puts the limit of good interactivity at 150 ms one way.
pub const RTT_MS: f64 = 300.0;
/// Mean round-trip time (ms) from which a conversation breaks down
/// (300 ms one way, where G.114's users are dissatisfied).
pub const MAJOR_RTT_MS: f64 = 600.0;

/// Loss and jitter of one stream. On an inbound stream they are what this
/// endpoint received; on an outbound one, what its peer reported back.
pub fn detect(track: &Track) -> Vec<Finding> {
    let mut findings = loss(track);
    // Video's interarrival jitter follows frame pacing (a frame is a burst
    // of packets), so only audio's is read as the network's.
    if track.kind == MediaKind::Audio {
        let points = track.points.iter().map(|point| (point.at, finite(point.jitter_ms)));
        findings.extend(spans(IssueKind::Jitter, sustained(points, JITTER_MS, 2), MAJOR_JITTER_MS, Some(track)));
    }
    findings
}

/// Sustained round-trip time of the fabric: from its selected candidate
/// pair's polls, else from its first outbound stream that reports one.
pub fn round_trip(fabric: &FabricSeries) -> Vec<Finding> {
    let points: Vec<_> = if fabric.path.iter().any(|point| finite(point.rtt_ms).is_some()) {
        fabric.path.iter().map(|point| (point.at, finite(point.rtt_ms))).collect()
    } else {
        let reporting = fabric.tracks.iter().find(|track| {
            track.direction == Direction::Outbound && track.points.iter().any(|point| finite(point.rtt_ms).is_some())
        });
        reporting
            .map_or_else(Vec::new, |track| track.points.iter().map(|point| (point.at, finite(point.rtt_ms))).collect())
    };
    spans(IssueKind::RoundTripTime, sustained(points, RTT_MS, 2), MAJOR_RTT_MS, None)
}

/// Share of packets lost per poll (%): of those expected by the receiver
/// (lost + received) on an inbound stream, of those sent on an outbound.
fn loss(track: &Track) -> Vec<Finding> {
    let shares = track.points.windows(2).map(|pair| {
        let (before, after) = (&pair[0], &pair[1]);
        let lost = growth(before.packets_lost, after.packets_lost);
        let carried = match track.direction {
            Direction::Inbound => growth(before.packets_received, after.packets_received),
            Direction::Outbound => growth(before.packets_sent, after.packets_sent),
        };
        let share = lost.zip(carried).and_then(|(lost, carried)| {
            let expected = if track.direction == Direction::Inbound { lost + carried } else { carried };
            (expected > 0.0).then(|| (lost * 100.0 / expected).min(100.0))
        });
        (after.at, share)
    });
    spans(IssueKind::PacketLoss, sustained(shares, LOSS_PERCENT, 2), MAJOR_LOSS_PERCENT, Some(track))
}

/// A finding per span, major when its mean reaches `major`.
fn spans(kind: IssueKind, spans: Vec<Span>, major: f64, track: Option<&Track>) -> Vec<Finding> {
    spans
        .into_iter()
        .map(|span| {
            let severity = if span.mean >= major { Severity::Major } else { Severity::Minor };
            let finding =
                Finding::new(kind, severity, span.start, span.end).figures(Some(span.peak), Some(span.mean), None);
            match track {
                Some(track) => finding.on(track),
                None => finding,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::PathPoint;
    use crate::domain::diagnosis::testing::{at, inbound, outbound};

    /// An inbound stream receiving `received` packets a poll, losing `lost[i]` in poll i.
    fn losing(received: f64, lost: &[f64]) -> Track {
        inbound(MediaKind::Video, lost.len() + 1, |i, point| {
            point.packets_received = Some(received * i as f64);
            point.packets_lost = Some(lost[..i].iter().sum());
        })
    }

    #[test]
    fn loss_is_measured_against_what_was_expected_and_split_by_severity() {
        // 25 lost of 125 expected = 20 %, twice.
        let found = loss(&losing(100.0, &[0.0, 25.0, 25.0, 0.0]));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end, found[0].severity), (at(20), at(30), Severity::Major));
        assert_eq!(found[0].peak, Some(20.0));
        // Exactly 5 % (boundary) is minor; just below is nothing; one poll is noise.
        assert_eq!(loss(&losing(95.0, &[5.0, 5.0]))[0].severity, Severity::Minor, "5 of 100");
        assert!(loss(&losing(100.0, &[5.0, 5.0])).is_empty(), "5 of 105 is under 5 %");
        assert!(loss(&losing(100.0, &[0.0, 50.0, 0.0])).is_empty());
    }

    #[test]
    fn outbound_loss_is_what_the_peer_reported_of_what_was_sent() {
        let track = outbound(MediaKind::Audio, 3, |i, point| {
            point.packets_sent = Some(100.0 * i as f64);
            point.packets_lost = Some(12.0 * i as f64);
        });
        let found = loss(&track);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].peak, Some(12.0));
        assert_eq!(found[0].stream.map(|stream| stream.direction), Some(Direction::Outbound));
    }

    #[test]
    fn audio_jitter_over_thirty_ms_is_found_and_video_jitter_is_not() {
        let jitter = [10.0, 45.0, 80.0, 70.0, 10.0];
        let found = detect(&inbound(MediaKind::Audio, 5, |i, point| point.jitter_ms = Some(jitter[i])));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].kind, found[0].severity, found[0].peak), (IssueKind::Jitter, Severity::Major, Some(80.0)));
        assert!(detect(&inbound(MediaKind::Video, 5, |i, point| point.jitter_ms = Some(jitter[i]))).is_empty());
        let found = detect(&inbound(MediaKind::Audio, 3, |_, point| point.jitter_ms = Some(29.9)));
        assert!(found.is_empty(), "under the threshold");
    }

    #[test]
    fn round_trip_time_comes_from_the_path_else_from_an_outbound_stream() {
        let rtts = [100.0, 350.0, 400.0, 100.0];
        let path = (0..4).map(|i| PathPoint { at: at(10 * i), rtt_ms: Some(rtts[i as usize]), ..PathPoint::default() });
        let fabric = FabricSeries { path: path.collect(), ..FabricSeries::default() };
        let found = round_trip(&fabric);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end, found[0].severity), (at(10), at(20), Severity::Minor));
        assert_eq!(found[0].stream, None);

        let track = outbound(MediaKind::Audio, 3, |_, point| point.rtt_ms = Some(700.0));
        let fabric = FabricSeries { tracks: vec![track], ..FabricSeries::default() };
        assert_eq!(round_trip(&fabric)[0].severity, Severity::Major);
        let fast = outbound(MediaKind::Audio, 3, |_, point| point.rtt_ms = Some(299.0));
        assert!(round_trip(&FabricSeries { tracks: vec![fast], ..FabricSeries::default() }).is_empty());
    }
}
