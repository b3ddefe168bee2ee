//! One line of a chart, already cut where it must not be joined.

use super::Point;
use super::gaps::split_at_gaps;

/// One line of a chart: e.g. the RTT of one SSRC in one direction, as
/// runs of points; the line is drawn through each run and broken between
/// runs (a gap in the samples must not be bridged).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Shown in the legend, e.g. "alice · camera · inbound". Any text is
    /// safe: it is escaped.
    pub label: String,
    /// Runs of points, each sorted by time, in time order.
    pub runs: Vec<Vec<Point>>,
}

impl Series {
    /// A series of raw samples sorted by time, broken where consecutive
    /// samples are more than three median intervals apart (the samples'
    /// own cadence says what a gap is).
    pub fn from_points(label: impl Into<String>, points: &[Point]) -> Self {
        let runs = split_at_gaps(points).into_iter().map(<[Point]>::to_vec).collect();
        Series { label: label.into(), runs }
    }

    /// A series whose caller found the gaps (e.g. from time buckets).
    pub fn from_runs(label: impl Into<String>, runs: Vec<Vec<Point>>) -> Self {
        Series { label: label.into(), runs: runs.into_iter().filter(|run| !run.is_empty()).collect() }
    }

    /// Points in all runs.
    pub fn len(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }

    /// Whether there is no point at all.
    pub fn is_empty(&self) -> bool {
        self.runs.iter().all(Vec::is_empty)
    }
}
