//! The fabric page's chart lines, from the per-bucket minima and maxima
//! that `db::dashboard::series` reads.
//!
//! Each bucket of a stream becomes one point (when its lowest and highest
//! value agree) or two (lowest and highest, at the first and last sample
//! read), so a line keeps the envelope of the series: a single bad second
//! shows however long the call. Lines break where the stream has a gap.

use chrono::{DateTime, TimeDelta, Utc};

use crate::server::charts::{MAX_SERIES, Point};
use crate::server::db::dashboard::series::{Bounds, BucketRow};

/// Time buckets per chart: about one per five pixels of the plot, each
/// drawn as its minimum and maximum (a point every two or three pixels).
/// Measured on a flooded fabric (docs/benchmarks.md), when the page still
/// carried its charts: 200 buckets made a 381 KB page at p99 86 ms, 120 a
/// 302 KB page at p99 34 ms.
pub(super) const BUCKETS: i32 = 120;
/// Samples read per bucket, at most (see `db::dashboard::series`).
pub(super) const ROWS_PER_BUCKET: i64 = 256;
/// How many median intervals apart two samples may be before the line
/// between them is broken (as for raw samples in `charts`).
const GAP_FACTOR: i64 = 3;

/// How the chart range `range` is read: [`BUCKETS`] equal buckets covering it.
pub(super) fn bounds(range: (DateTime<Utc>, DateTime<Utc>)) -> Bounds {
    let span_us = (range.1 - range.0).num_microseconds().unwrap_or(i64::MAX).max(1);
    let buckets = i64::from(BUCKETS);
    let width_us = (span_us.saturating_add(buckets - 1) / buckets).max(1);
    Bounds {
        start: range.0,
        width: TimeDelta::microseconds(width_us),
        buckets: BUCKETS,
        rows_per_bucket: ROWS_PER_BUCKET,
        streams: MAX_SERIES as i64,
    }
}

/// The lowest and highest value of one figure in a bucket, given the
/// stream's previous bucket.
pub(super) type Figure = fn(&BucketRow, Option<&BucketRow>) -> Option<(f64, f64)>;

/// Both ends, when both were measured.
pub(super) fn pair((low, high): (Option<f64>, Option<f64>)) -> Option<(f64, f64)> {
    Some((low?, high?))
}

/// Loss in percent: the reported fraction's range, else the share of
/// packets lost since the previous bucket (or, in the first, within it),
/// from the cumulative counters, which only grow, so their maximum is the
/// last value read.
pub(super) fn loss_percent(bucket: &BucketRow, previous: Option<&BucketRow>) -> Option<(f64, f64)> {
    if let Some((low, high)) = pair(bucket.fraction_lost) {
        return Some((low * 100.0, high * 100.0));
    }
    let (lost_before, received_before) = match previous {
        Some(previous) => (previous.packets_lost.1?, previous.packets_received.1?),
        None if bucket.samples > 1 => (bucket.packets_lost.0?, bucket.packets_received.0?),
        None => return None,
    };
    let lost = (bucket.packets_lost.1? - lost_before).max(0);
    let received = (bucket.packets_received.1? - received_before).max(0);
    let total = lost + received;
    (total > 0).then(|| {
        let percent = lost as f64 * 100.0 / total as f64;
        (percent, percent)
    })
}

/// The runs of one stream's line for `figure`; `buckets` are the stream's,
/// in time order.
pub(super) fn runs(buckets: &[&BucketRow], figure: Figure) -> Vec<Vec<Point>> {
    let mut runs: Vec<Vec<Point>> = Vec::new();
    let mut last_run = None;
    for (index, (bucket, run)) in buckets.iter().zip(run_numbers(buckets)).enumerate() {
        let previous = index.checked_sub(1).map(|i| buckets[i]);
        let Some((low, high)) = figure(bucket, previous) else { continue };
        if last_run != Some(run) {
            runs.push(Vec::new());
            last_run = Some(run);
        }
        let Some(points) = runs.last_mut() else { continue };
        if low == high || bucket.samples < 2 {
            points.push(Point { at: bucket.first_at, value: low });
            continue;
        }
        // Start from the end nearer the line's last value, so the line
        // zig-zags as little as the envelope allows.
        let from_high = points.last().is_some_and(|last| last.value > (low + high) / 2.0);
        let (first, second) = if from_high { (high, low) } else { (low, high) };
        points.push(Point { at: bucket.first_at, value: first });
        points.push(Point { at: bucket.last_at, value: second });
    }
    runs
}

/// Which run each bucket of a stream belongs to. The cadence is the median
/// of the intervals the buckets show (the mean interval inside a bucket,
/// and from one bucket's last sample to the next one's first); a step more
/// than [`GAP_FACTOR`] cadences long starts a new run. After a bucket whose
/// samples were not all read, only an empty bucket in between is a gap.
fn run_numbers(buckets: &[&BucketRow]) -> Vec<usize> {
    let inside =
        buckets.iter().filter(|b| b.samples > 1).map(|b| (b.last_at - b.first_at).num_milliseconds() / (b.samples - 1));
    let between = buckets.windows(2).filter(|pair| !pair[0].full).map(|pair| step_ms(pair[0], pair[1]));
    let mut intervals: Vec<i64> = inside.chain(between).filter(|ms| *ms > 0).collect();
    intervals.sort_unstable();
    let limit = intervals.get(intervals.len() / 2).map(|median| median.saturating_mul(GAP_FACTOR));
    let mut run = 0;
    let mut numbers = Vec::with_capacity(buckets.len());
    for (index, bucket) in buckets.iter().enumerate() {
        if let Some(previous) = index.checked_sub(1).map(|i| buckets[i]) {
            let gap = if previous.full {
                bucket.bucket > previous.bucket + 1
            } else {
                limit.is_some_and(|limit| step_ms(previous, bucket) > limit)
            };
            run += usize::from(gap);
        }
        numbers.push(run);
    }
    numbers
}

fn step_ms(before: &BucketRow, after: &BucketRow) -> i64 {
    (after.first_at - before.last_at).num_milliseconds()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2024-03-01T10:00:00Z".parse().expect("valid time")
    }

    /// A bucket of `samples` RTT samples 10 s apart from `first_s`.
    fn bucket(number: i32, first_s: i64, samples: i64, rtt: (f64, f64)) -> BucketRow {
        BucketRow {
            stream: 1,
            streams: 1,
            connection: true,
            direction: String::new(),
            kind: String::new(),
            ssrc: None,
            bucket: number,
            samples,
            full: false,
            first_at: t0() + TimeDelta::seconds(first_s),
            last_at: t0() + TimeDelta::seconds(first_s + 10 * (samples - 1)),
            rtt_ms: (Some(rtt.0), Some(rtt.1)),
            jitter_ms: (None, None),
            fraction_lost: (None, None),
            packets_lost: (None, None),
            packets_received: (None, None),
            bitrate_bps: (None, None),
            frame_rate: (None, None),
            frame_height: (None, None),
        }
    }

    fn rtt(bucket: &BucketRow, _: Option<&BucketRow>) -> Option<(f64, f64)> {
        pair(bucket.rtt_ms)
    }

    #[test]
    fn each_bucket_keeps_its_lowest_and_highest_value() {
        let rows = [bucket(0, 0, 2, (40.0, 900.0)), bucket(1, 20, 2, (41.0, 41.0)), bucket(2, 40, 1, (7.0, 7.0))];
        let refs: Vec<&BucketRow> = rows.iter().collect();
        let runs = runs(&refs, rtt);
        assert_eq!(runs.len(), 1, "{runs:?}");
        let values: Vec<f64> = runs[0].iter().map(|p| p.value).collect();
        assert_eq!(values, [40.0, 900.0, 41.0, 7.0], "the spike and the lowest value survive");
    }

    #[test]
    fn a_gap_between_buckets_breaks_the_line_and_a_missed_poll_does_not() {
        // 10 s cadence; a 20 s step stays joined, a 5 min step breaks.
        let rows = [bucket(0, 0, 2, (1.0, 2.0)), bucket(1, 30, 2, (1.0, 2.0)), bucket(9, 340, 2, (1.0, 2.0))];
        let refs: Vec<&BucketRow> = rows.iter().collect();
        assert_eq!(runs(&refs, rtt).iter().map(Vec::len).collect::<Vec<_>>(), [4, 2]);
    }

    #[test]
    fn after_a_bucket_read_only_in_part_only_an_empty_bucket_is_a_gap() {
        let mut rows = [bucket(0, 0, 2, (1.0, 2.0)), bucket(1, 300, 2, (1.0, 2.0)), bucket(3, 900, 2, (1.0, 2.0))];
        rows[0].full = true;
        rows[1].full = true;
        let refs: Vec<&BucketRow> = rows.iter().collect();
        assert_eq!(runs(&refs, rtt).len(), 2, "buckets 0 and 1 are adjacent; bucket 2 is empty");
    }

    #[test]
    fn loss_comes_from_the_fraction_or_else_from_counter_deltas() {
        let mut first = bucket(0, 0, 1, (1.0, 1.0));
        first.packets_lost = (Some(10), Some(10));
        first.packets_received = (Some(100), Some(100));
        assert_eq!(loss_percent(&first, None), None, "one sample says nothing about loss");
        let mut second = bucket(1, 10, 1, (1.0, 1.0));
        second.packets_lost = (Some(15), Some(15));
        second.packets_received = (Some(195), Some(195));
        assert_eq!(loss_percent(&second, Some(&first)), Some((5.0, 5.0)));
        second.fraction_lost = (Some(0.25), Some(0.5));
        assert_eq!(loss_percent(&second, Some(&first)), Some((25.0, 50.0)));
    }

    #[test]
    fn the_buckets_cover_the_range() {
        let range = (t0(), t0() + TimeDelta::minutes(61));
        let bounds = bounds(range);
        assert!(bounds.start + bounds.width * BUCKETS >= range.1);
        assert_eq!(bounds.buckets, BUCKETS);
    }
}
