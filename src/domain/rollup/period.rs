//! A period cut at UTC midnights, for reading whole days from rollups.

use chrono::{DateTime, Days, NaiveDate, Utc};

/// A period `[from, to)` cut at UTC midnights: the whole days inside it
/// (`[first, end)`, read from rollups) and the parts before and after them
/// (read from rows). A period of less than a whole day is all parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// Whole days `[first, end)`, if any.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// The rest, as instants `[from, to)`.
    pub parts: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// The instant `day` starts (UTC), when chrono can represent it.
pub fn midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0).map(|at| at.and_utc())
}

/// Cuts `[from, to)` at midnights.
pub fn cut(from: DateTime<Utc>, to: DateTime<Utc>) -> Cut {
    let first = if midnight(from.date_naive()) == Some(from) {
        Some(from.date_naive())
    } else {
        from.date_naive().checked_add_days(Days::new(1))
    };
    let end = to.date_naive();
    match (first, first.and_then(midnight), midnight(end)) {
        (Some(first), Some(start), Some(stop)) if first < end => Cut {
            days: Some((first, end)),
            parts: [(from, start), (stop, to)].into_iter().filter(|(a, b)| a < b).collect(),
        },
        _ => Cut { days: None, parts: if from < to { vec![(from, to)] } else { Vec::new() } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_cut_into_whole_days_and_the_parts_around_them() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().expect("instant");
        let day = |s: &str| s.parse::<NaiveDate>().expect("day");
        let week = cut(at("2026-03-01T10:00:00Z"), at("2026-03-08T10:00:00Z"));
        assert_eq!(week.days, Some((day("2026-03-02"), day("2026-03-08"))));
        assert_eq!(
            week.parts,
            [
                (at("2026-03-01T10:00:00Z"), at("2026-03-02T00:00:00Z")),
                (at("2026-03-08T00:00:00Z"), at("2026-03-08T10:00:00Z"))
            ]
        );
        let aligned = cut(at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z"));
        assert_eq!((aligned.days, aligned.parts.len()), (Some((day("2026-03-01"), day("2026-03-03"))), 0));
        let hour = cut(at("2026-03-01T10:00:00Z"), at("2026-03-01T11:00:00Z"));
        assert_eq!((hour.days, hour.parts.len()), (None, 1));
        let overnight = cut(at("2026-03-01T23:00:00Z"), at("2026-03-02T01:00:00Z"));
        assert_eq!((overnight.days, overnight.parts.len()), (None, 1));
    }
}
