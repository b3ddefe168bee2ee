//! Where a series has holes: missed polls, outages, a paused connection.
//!
//! A line drawn straight across a hole would show values nobody measured,
//! so a chart breaks the line wherever two consecutive points are further
//! apart than [`GAP_FACTOR`] times the series' median interval.

use super::Point;

/// How many median intervals two consecutive points may be apart before
/// the line between them is broken. The SDK polls every 10 s, so one
/// missed poll stays joined and two in a row (30 s apart) break the line.
const GAP_FACTOR: i64 = 3;

/// Cuts a time-sorted series into runs without gaps; empty input gives no
/// runs. A series with fewer than two distinct timestamps is one run.
pub(super) fn split_at_gaps(points: &[Point]) -> Vec<&[Point]> {
    if points.is_empty() {
        return Vec::new();
    }
    let Some(median) = median_interval_ms(points) else {
        return vec![points];
    };
    let limit = median.saturating_mul(GAP_FACTOR);
    let mut runs = Vec::new();
    let mut start = 0;
    for (index, pair) in points.windows(2).enumerate() {
        if (pair[1].at - pair[0].at).num_milliseconds() > limit {
            runs.push(&points[start..=index]);
            start = index + 1;
        }
    }
    runs.push(&points[start..]);
    runs
}

/// The median of the positive intervals between consecutive points, in
/// milliseconds. Repeated timestamps are left out: they say nothing about
/// the cadence and would make every real interval look like a gap.
fn median_interval_ms(points: &[Point]) -> Option<i64> {
    let mut intervals: Vec<i64> = points
        .windows(2)
        .map(|pair| (pair[1].at - pair[0].at).num_milliseconds())
        .filter(|interval| *interval > 0)
        .collect();
    if intervals.is_empty() {
        return None;
    }
    intervals.sort_unstable();
    let middle = intervals.len() / 2;
    Some(if intervals.len().is_multiple_of(2) {
        (intervals[middle - 1] + intervals[middle]) / 2
    } else {
        intervals[middle]
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta};

    use super::*;

    fn at_seconds(seconds: &[i64]) -> Vec<Point> {
        let t0 = DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp");
        seconds.iter().map(|s| Point { at: t0 + TimeDelta::seconds(*s), value: 1.0 }).collect()
    }

    fn run_lengths(points: &[Point]) -> Vec<usize> {
        split_at_gaps(points).iter().map(|run| run.len()).collect()
    }

    #[test]
    fn a_regular_series_is_one_run() {
        assert_eq!(run_lengths(&at_seconds(&[0, 10, 20, 30, 40])), [5]);
    }

    #[test]
    fn one_missed_poll_keeps_the_line_but_an_outage_breaks_it() {
        // 20 s (one missed poll) and exactly 3 × 10 s stay joined; 31 s and
        // five minutes do not.
        assert_eq!(run_lengths(&at_seconds(&[0, 10, 20, 40, 50, 60, 90, 100, 110])), [9]);
        assert_eq!(run_lengths(&at_seconds(&[0, 10, 20, 30, 61, 71, 81, 381, 391])), [4, 3, 2]);
    }

    #[test]
    fn a_point_alone_between_gaps_is_its_own_run() {
        assert_eq!(run_lengths(&at_seconds(&[0, 10, 20, 300, 600, 610, 620])), [3, 1, 3]);
    }

    #[test]
    fn repeated_timestamps_do_not_make_every_interval_a_gap() {
        assert_eq!(run_lengths(&at_seconds(&[0, 0, 0, 0, 10, 10, 20, 20])), [8]);
        assert_eq!(run_lengths(&at_seconds(&[5, 5, 5])), [3]);
    }

    #[test]
    fn tiny_series_are_one_run_or_none() {
        assert!(split_at_gaps(&[]).is_empty());
        assert_eq!(run_lengths(&at_seconds(&[7])), [1]);
        assert_eq!(run_lengths(&at_seconds(&[7, 5000])), [2]);
    }
}
