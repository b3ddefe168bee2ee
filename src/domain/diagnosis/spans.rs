//! Stretches of time where a figure stayed beyond a threshold.

use chrono::{DateTime, Utc};

/// Consecutive polls where a condition held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// The first poll that met it.
    pub start: DateTime<Utc>,
    /// The last poll that met it.
    pub end: DateTime<Utc>,
    /// The figure's worst value in the span.
    pub peak: f64,
    /// The figure's mean over the span's polls.
    pub mean: f64,
    /// How many polls it lasted.
    pub polls: usize,
}

/// The spans where the figure was at or above `threshold` for at least
/// `min_polls` consecutive polls. A poll without the figure ends a span:
/// a gap is not evidence either way.
///
/// One poll over a threshold is noise (a burst, a GC pause, a tab in the
/// background); two or more polls (about 20 s at the SDK's interval) is
/// what a person in the call notices.
pub fn sustained(
    points: impl IntoIterator<Item = (DateTime<Utc>, Option<f64>)>,
    threshold: f64,
    min_polls: usize,
) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: Option<Span> = None;
    for (at, value) in points {
        match value.filter(|value| value.is_finite() && *value >= threshold) {
            Some(value) => {
                open = Some(match open {
                    None => Span { start: at, end: at, peak: value, mean: value, polls: 1 },
                    Some(span) => {
                        let polls = span.polls + 1;
                        Span {
                            end: at,
                            peak: span.peak.max(value),
                            mean: span.mean + (value - span.mean) / polls as f64,
                            polls,
                            ..span
                        }
                    }
                });
            }
            None => spans.extend(open.take()),
        }
    }
    spans.extend(open);
    spans.retain(|span| span.polls >= min_polls.max(1));
    spans
}

/// The spans where the figure was at or below `threshold` for at least
/// `min_polls` consecutive polls; `peak` is the lowest value.
pub fn sustained_below(
    points: impl IntoIterator<Item = (DateTime<Utc>, Option<f64>)>,
    threshold: f64,
    min_polls: usize,
) -> Vec<Span> {
    let negated = points.into_iter().map(|(at, value)| (at, value.map(|value| -value)));
    let mut spans = sustained(negated, -threshold, min_polls);
    for span in &mut spans {
        (span.peak, span.mean) = (-span.peak, -span.mean);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::at;

    fn series(values: &[Option<f64>]) -> Vec<(DateTime<Utc>, Option<f64>)> {
        values.iter().enumerate().map(|(i, value)| (at(10 * i as i64), *value)).collect()
    }

    #[test]
    fn a_span_runs_from_its_first_to_its_last_poll_over_the_threshold() {
        let points = series(&[Some(1.0), Some(6.0), Some(9.0), Some(5.0), Some(2.0)]);
        let spans = sustained(points.clone(), 5.0, 2);
        assert_eq!(spans.len(), 1);
        let span = spans[0];
        assert_eq!((span.start, span.end), (points[1].0, points[3].0));
        assert_eq!((span.peak, span.polls), (9.0, 3));
        assert!((span.mean - 20.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn one_poll_over_is_noise_and_a_gap_or_nan_ends_a_span() {
        assert!(sustained(series(&[Some(1.0), Some(9.0), Some(1.0)]), 5.0, 2).is_empty());
        let broken = series(&[Some(9.0), None, Some(9.0), Some(f64::NAN), Some(9.0)]);
        assert!(sustained(broken, 5.0, 2).is_empty(), "no two consecutive polls over");
    }

    #[test]
    fn spans_below_report_their_lowest_value() {
        let spans = sustained_below(series(&[Some(30.0), Some(8.0), Some(4.0), Some(30.0)]), 10.0, 2);
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].peak, spans[0].mean), (4.0, 6.0));
        assert!(sustained_below(series(&[Some(10.5), Some(10.5)]), 10.0, 2).is_empty());
    }

    #[test]
    fn the_threshold_itself_counts_as_over() {
        assert_eq!(sustained(series(&[Some(5.0), Some(5.0)]), 5.0, 2).len(), 1);
        assert!(sustained(series(&[Some(5.0), Some(4.999)]), 5.0, 2).is_empty());
    }
}
