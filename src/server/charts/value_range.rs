//! The y range of a line chart.

/// The y range for values between `min` and `max` (`None` when nothing is
/// plotted): from 0 (or the lowest value, if negative) to a little above
/// the highest, and never of zero height.
pub(super) fn value_range(extent: Option<(f64, f64)>) -> (f64, f64) {
    let (min, max) = extent.unwrap_or((0.0, 0.0));
    let bottom = min.min(0.0);
    let top = if max > 0.0 { max * 1.1 } else { 0.0 };
    if top - bottom > 0.0 { (bottom, top) } else { (bottom, bottom + 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_range_starts_at_zero_and_leaves_headroom() {
        let (bottom, top) = value_range(Some((20.0, 100.0)));
        assert_eq!(bottom, 0.0);
        assert!(top > 100.0 && top <= 120.0, "top {top}");
        assert_eq!(value_range(Some((-5.0, 10.0))).0, -5.0);
    }

    #[test]
    fn the_value_range_never_has_zero_height() {
        assert_eq!(value_range(None), (0.0, 1.0));
        assert_eq!(value_range(Some((0.0, 0.0))), (0.0, 1.0));
        assert_eq!(value_range(Some((-3.0, -3.0))), (-3.0, 0.0));
    }
}
