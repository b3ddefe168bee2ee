//! What an endpoint could send: limited by its CPU or by the network,
//! far below what the network would carry, or at a lower resolution.

use chrono::{DateTime, TimeDelta, Utc};

use super::input::{Direction, Limitation, PathPoint, Track, finite};
use super::spans::{sustained, sustained_below};
use super::{Finding, IssueKind, Severity};
use crate::domain::quality::MediaKind;
use crate::domain::stats::percentile;

/// A limitation that lasts this long (s) is major: a minute of lowered
/// video is a visibly worse call, not a dip.
pub const MAJOR_LIMITATION_SECONDS: i64 = 60;
/// Sent video bitrate at or below this share of the estimated available
/// bitrate counts as far below it: the network would carry five times more.
pub const LOW_BITRATE_SHARE: f64 = 0.2;
/// …when the estimate is at least this (bps): below it, there is little
/// to use anyway.
pub const LOW_BITRATE_MIN_AVAILABLE_BPS: f64 = 500_000.0;
/// A frame height at or below this share of the stream's median height
/// counts as a resolution drop (720p to 360p, say).
pub const RESOLUTION_DROP_SHARE: f64 = 0.5;
/// …of a stream whose median is at least this tall (px); smaller video
/// has little to drop.
pub const RESOLUTION_MIN_MEDIAN_PX: f64 = 360.0;
/// A drop to this height or less (px) is major: barely a thumbnail.
pub const MAJOR_RESOLUTION_PX: f64 = 180.0;
/// How far apart (s) a stream's poll and the path's poll may be to be
/// read together.
const SAME_POLL_SECONDS: i64 = 5;

/// Sending and resolution detectors of one video stream.
pub fn detect(track: &Track, path: &[PathPoint]) -> Vec<Finding> {
    if track.kind != MediaKind::Video {
        return Vec::new();
    }
    let mut findings = resolution_drop(track);
    if track.direction == Direction::Outbound {
        findings.extend(limitation(track, Limitation::Cpu, IssueKind::CpuLimited));
        findings.extend(limitation(track, Limitation::Bandwidth, IssueKind::BandwidthLimited));
        findings.extend(low_bitrate(track, path));
    }
    findings
}

/// Two polls or more whose `qualityLimitationReason` is `reason`.
fn limitation(track: &Track, reason: Limitation, kind: IssueKind) -> Vec<Finding> {
    let flags = track
        .points
        .iter()
        .map(|point| (point.at, point.limitation.map(|limitation| if limitation == reason { 1.0 } else { 0.0 })));
    sustained(flags, 1.0, 2)
        .into_iter()
        .map(|span| {
            let long = span.end - span.start >= TimeDelta::seconds(MAJOR_LIMITATION_SECONDS);
            let severity = if long { Severity::Major } else { Severity::Minor };
            Finding::new(kind, severity, span.start, span.end).on(track)
        })
        .collect()
}

/// Two polls or more sending at most [`LOW_BITRATE_SHARE`] of the
/// estimated available bitrate. Figures: the lowest share (%), and the
/// mean share.
fn low_bitrate(track: &Track, path: &[PathPoint]) -> Vec<Finding> {
    let shares = track.points.iter().map(|point| {
        let available = nearest(path, point.at)
            .and_then(|path_point| finite(path_point.available_outgoing_bps))
            .filter(|available| *available >= LOW_BITRATE_MIN_AVAILABLE_BPS);
        let share = finite(point.bitrate_bps).zip(available).map(|(sent, available)| sent * 100.0 / available);
        (point.at, share)
    });
    sustained_below(shares, LOW_BITRATE_SHARE * 100.0, 2)
        .into_iter()
        .map(|span| {
            Finding::new(IssueKind::LowBitrate, Severity::Minor, span.start, span.end).on(track).figures(
                Some(span.peak),
                Some(span.mean),
                None,
            )
        })
        .collect()
}

/// Two polls or more at most half the stream's median height. Figures:
/// the lowest height and the median.
fn resolution_drop(track: &Track) -> Vec<Finding> {
    let mut heights: Vec<f64> = track.points.iter().filter_map(|point| finite(point.frame_height)).collect();
    heights.sort_by(f64::total_cmp);
    let Some(median) = percentile(&heights, 0.5).filter(|median| *median >= RESOLUTION_MIN_MEDIAN_PX) else {
        return Vec::new();
    };
    let points = track.points.iter().map(|point| (point.at, finite(point.frame_height)));
    sustained_below(points, median * RESOLUTION_DROP_SHARE, 2)
        .into_iter()
        .map(|span| {
            let severity = if span.peak <= MAJOR_RESOLUTION_PX { Severity::Major } else { Severity::Minor };
            Finding::new(IssueKind::ResolutionDrop, severity, span.start, span.end).on(track).figures(
                Some(span.peak),
                Some(median),
                None,
            )
        })
        .collect()
}

/// The path's poll nearest to `at`, if within [`SAME_POLL_SECONDS`].
fn nearest(path: &[PathPoint], at: DateTime<Utc>) -> Option<&PathPoint> {
    let index = path.partition_point(|point| point.at < at);
    let candidates = [index.checked_sub(1), Some(index)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|i| path.get(i))
        .min_by_key(|point| (point.at - at).abs())
        .filter(|point| (point.at - at).abs() <= TimeDelta::seconds(SAME_POLL_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::{at, inbound, outbound};

    #[test]
    fn cpu_and_bandwidth_limitations_are_told_apart_and_long_ones_are_major() {
        let reasons =
            [Limitation::None, Limitation::Cpu, Limitation::Cpu, Limitation::Bandwidth, Limitation::Bandwidth];
        let track = outbound(MediaKind::Video, 5, |i, point| point.limitation = Some(reasons[i]));
        let found = detect(&track, &[]);
        let kinds: Vec<_> = found.iter().map(|finding| (finding.kind, finding.start, finding.end)).collect();
        assert_eq!(kinds, [(IssueKind::CpuLimited, at(10), at(20)), (IssueKind::BandwidthLimited, at(30), at(40))]);
        // Seven polls, 60 s (boundary): major. One poll: nothing.
        let long = outbound(MediaKind::Video, 7, |_, point| point.limitation = Some(Limitation::Cpu));
        assert_eq!(detect(&long, &[])[0].severity, Severity::Major);
        let short = outbound(MediaKind::Video, 3, |i, point| {
            point.limitation = Some(if i == 1 { Limitation::Cpu } else { Limitation::None })
        });
        assert!(detect(&short, &[]).is_empty());
    }

    #[test]
    fn sending_a_fifth_or_less_of_the_available_bitrate_is_low() {
        let path: Vec<_> = (0..4)
            .map(|i| PathPoint { at: at(10 * i), available_outgoing_bps: Some(2_000_000.0), ..PathPoint::default() })
            .collect();
        let sent = [1_500_000.0, 400_000.0, 300_000.0, 1_500_000.0];
        let track = outbound(MediaKind::Video, 4, |i, point| point.bitrate_bps = Some(sent[i]));
        let found = low_bitrate(&track, &path);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end, found[0].peak), (at(10), at(20), Some(15.0)));
        // An estimate under 500 kbps leaves nothing to compare with.
        let poor: Vec<_> =
            path.iter().map(|point| PathPoint { available_outgoing_bps: Some(400_000.0), ..point.clone() }).collect();
        let track = outbound(MediaKind::Video, 4, |_, point| point.bitrate_bps = Some(10_000.0));
        assert!(low_bitrate(&track, &poor).is_empty());
        // 20 % and a bit is not low.
        let track = outbound(MediaKind::Video, 4, |_, point| point.bitrate_bps = Some(401_000.0));
        assert!(low_bitrate(&track, &path).is_empty());
    }

    #[test]
    fn a_drop_to_half_the_median_height_is_found() {
        let heights = [720.0, 720.0, 720.0, 360.0, 180.0, 720.0, 720.0];
        let track = inbound(MediaKind::Video, 7, |i, point| point.frame_height = Some(heights[i]));
        let found = detect(&track, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].kind, found[0].start, found[0].end), (IssueKind::ResolutionDrop, at(30), at(40)));
        assert_eq!((found[0].peak, found[0].typical, found[0].severity), (Some(180.0), Some(720.0), Severity::Major));
        let mild = [720.0, 720.0, 720.0, 361.0, 361.0, 720.0];
        assert!(detect(&inbound(MediaKind::Video, 6, |i, point| point.frame_height = Some(mild[i])), &[]).is_empty());
        let small = [240.0, 240.0, 240.0, 90.0, 90.0];
        assert!(detect(&inbound(MediaKind::Video, 5, |i, point| point.frame_height = Some(small[i])), &[]).is_empty());
    }
}
