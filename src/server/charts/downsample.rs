//! Min/max downsampling: shrinks a long series while keeping its extremes.
//!
//! Averaging would flatten a single bad second (an RTT spike, a burst of
//! loss) into noise; keeping each bucket's minimum and maximum keeps the
//! envelope of the series, which is what a quality chart is read for.

use super::Point;

/// Reduces `points` to at most two per bucket: the time range of the series
/// is cut into `buckets` equal intervals and from each non-empty one the
/// lowest and the highest point are kept, in time order (one point when they
/// are the same). Ties keep the earliest point.
///
/// `points` must be sorted by time; the result is too. A series of at most
/// `2 × buckets` points is returned unchanged, so downsampling never adds
/// points. `buckets` of 0 counts as 1. Points whose value is not finite
/// (NaN, ±∞) never become a bucket's minimum or maximum, so a long series
/// loses them.
pub fn downsample(points: &[Point], buckets: usize) -> Vec<Point> {
    let buckets = buckets.max(1);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    if points.len() <= buckets.saturating_mul(2) {
        return points.to_vec();
    }
    let start = first.at;
    // Milliseconds are the resolution of the SDK's timestamps; i128 keeps
    // `offset × buckets` from overflowing for any range chrono can hold.
    let span = i128::from((last.at - start).num_milliseconds()).max(1);
    let bucket_of = |point: &Point| {
        let offset = i128::from((point.at - start).num_milliseconds()).clamp(0, span);
        let index = offset * buckets as i128 / span;
        usize::try_from(index).unwrap_or(usize::MAX).min(buckets - 1)
    };

    let mut kept = Vec::with_capacity(buckets * 2);
    let mut current: Option<(usize, Extremes)> = None;
    for (index, point) in points.iter().enumerate() {
        let bucket = bucket_of(point);
        match &mut current {
            Some((open, extremes)) if *open == bucket => extremes.add(index, point),
            _ => {
                if let Some((_, extremes)) = current.take() {
                    extremes.push_into(points, &mut kept);
                }
                let mut extremes = Extremes::default();
                extremes.add(index, point);
                current = Some((bucket, extremes));
            }
        }
    }
    if let Some((_, extremes)) = current {
        extremes.push_into(points, &mut kept);
    }
    kept
}

/// Indices of the lowest and highest finite point seen in one bucket.
#[derive(Default)]
struct Extremes {
    min: Option<(usize, f64)>,
    max: Option<(usize, f64)>,
}

impl Extremes {
    fn add(&mut self, index: usize, point: &Point) {
        if !point.value.is_finite() {
            return;
        }
        if self.min.is_none_or(|(_, min)| point.value < min) {
            self.min = Some((index, point.value));
        }
        if self.max.is_none_or(|(_, max)| point.value > max) {
            self.max = Some((index, point.value));
        }
    }

    fn push_into(self, points: &[Point], kept: &mut Vec<Point>) {
        let (Some((min, _)), Some((max, _))) = (self.min, self.max) else {
            return;
        };
        let (earlier, later) = if min <= max { (min, max) } else { (max, min) };
        kept.push(points[earlier]);
        if later != earlier {
            kept.push(points[later]);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp")
    }

    /// One point every 10 s, like the SDK's stats polls.
    fn series(values: impl IntoIterator<Item = f64>) -> Vec<Point> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Point { at: t0() + TimeDelta::seconds(10 * i as i64), value })
            .collect()
    }

    fn wavy(len: usize) -> Vec<Point> {
        series((0..len).map(|i| 50.0 + 10.0 * ((i as f64) / 7.0).sin()))
    }

    #[test]
    fn a_single_spike_survives_downsampling() {
        let mut points = wavy(10_000);
        points[4_321].value = 900.0;
        let reduced = downsample(&points, 100);
        assert!(reduced.contains(&points[4_321]), "the spike was averaged away");
        let reduced_min = reduced.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
        let true_min = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
        assert_eq!(reduced_min, true_min, "the lowest value must survive too");
    }

    #[test]
    fn output_has_at_most_two_points_per_bucket() {
        for buckets in [1, 2, 7, 100, 999] {
            let reduced = downsample(&wavy(5_000), buckets);
            assert!(reduced.len() <= 2 * buckets, "{} points for {buckets} buckets", reduced.len());
            assert!(!reduced.is_empty());
        }
    }

    #[test]
    fn output_stays_in_time_order_and_uses_input_points() {
        let points = wavy(3_000);
        let reduced = downsample(&points, 50);
        assert!(reduced.windows(2).all(|pair| pair[0].at < pair[1].at), "not strictly in time order");
        assert!(reduced.iter().all(|p| points.contains(p)), "invented a point");
    }

    #[test]
    fn each_bucket_keeps_its_min_and_max_in_time_order() {
        // Two buckets of three points: the max comes before the min in the
        // first, after it in the second.
        let points = series([5.0, 1.0, 3.0, 2.0, 4.0, 9.0]);
        let reduced = downsample(&points, 2);
        // Bucket boundary at 25 s: points at 0, 10, 20 | 30, 40, 50.
        let values: Vec<f64> = reduced.iter().map(|p| p.value).collect();
        assert_eq!(values, [5.0, 1.0, 2.0, 9.0]);
    }

    #[test]
    fn a_flat_bucket_keeps_a_single_point() {
        let points = series([3.0; 12]);
        let reduced = downsample(&points, 3);
        assert_eq!(reduced.len(), 3, "one point per bucket when min and max coincide: {reduced:?}");
    }

    #[test]
    fn a_short_series_is_returned_unchanged() {
        let points = series([1.0, f64::NAN, 3.0, 4.0]);
        let reduced = downsample(&points, 2);
        assert_eq!(reduced.len(), 4);
        assert_eq!(reduced[0], points[0]);
        assert!(reduced[1].value.is_nan(), "short series are not filtered");
        assert_eq!(reduced[2..], points[2..]);
    }

    #[test]
    fn an_empty_series_stays_empty() {
        assert!(downsample(&[], 10).is_empty());
        assert!(downsample(&[], 0).is_empty());
    }

    #[test]
    fn zero_buckets_counts_as_one() {
        let reduced = downsample(&series([4.0, 8.0, 1.0, 6.0]), 0);
        let values: Vec<f64> = reduced.iter().map(|p| p.value).collect();
        assert_eq!(values, [8.0, 1.0]);
    }

    #[test]
    fn non_finite_values_are_not_picked() {
        let mut points = wavy(100);
        points[10].value = f64::NAN;
        points[20].value = f64::INFINITY;
        let reduced = downsample(&points, 5);
        assert!(reduced.iter().all(|p| p.value.is_finite()), "{reduced:?}");
    }
}
