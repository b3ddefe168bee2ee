//! Order statistics of the dashboard's figures.

/// The `p`-quantile (0 ≤ p ≤ 1) of `sorted` (ascending) by linear
/// interpolation between the closest ranks: position `p × (n − 1)`, as
/// PostgreSQL's `percentile_cont` (and the overview's SQL) computes it.
/// `None` for no values or a `p` outside 0…1.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let position = p * (sorted.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    let weight = position - below as f64;
    Some(sorted[below] + (sorted[above] - sorted[below]) * weight)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let values = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&values, 0.0), Some(10.0));
        assert_eq!(percentile(&values, 1.0), Some(40.0));
        assert_eq!(percentile(&values, 0.5), Some(25.0), "between the two middle values");
        assert_eq!(percentile(&values, 0.9), Some(37.0), "position 2.7");
        assert_eq!(percentile(&[5.0, 1.0 + 4.0, 9.0], 0.5), Some(5.0), "odd count: the middle value");
    }

    #[test]
    fn one_value_is_every_percentile_and_nothing_has_none() {
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[1.0], 1.5), None);
    }
}
