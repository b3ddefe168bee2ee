use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::query_string::{encode, filled, with_query};

/// Days shown when the URL names no period: the last week, today included.
pub const DEFAULT_DAYS: u64 = 7;

/// The filters of the overview and feedback pages, which are also their
/// shareable query strings: `app`, `from`, `to` (UTC days, both included,
/// `YYYY-MM-DD`) and, for feedback, `appVersion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    /// Only this app (appID); every app the viewer may see when empty.
    pub app: Option<String>,
    /// First day.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub to: Option<NaiveDate>,
    /// Only endpoints that reported this applicationVersion.
    pub app_version: Option<String>,
}

impl ReportQuery {
    /// Reads the filters from a URL query; blank or malformed fields are no filter.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = ReportQuery::default();
        for (key, value) in filled(pairs) {
            match key {
                "app" => query.app = Some(value.to_owned()),
                "from" => query.from = value.parse().ok(),
                "to" => query.to = value.parse().ok(),
                "appVersion" => query.app_version = Some(value.to_owned()),
                _ => {}
            }
        }
        query
    }

    /// The period as days, both included: the one asked for (swapped when
    /// reversed), else the [`DEFAULT_DAYS`] up to `today`.
    pub fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let to = self.to.unwrap_or(today);
        let from = self.from.unwrap_or_else(|| to - Days::new(DEFAULT_DAYS - 1));
        if from <= to { (from, to) } else { (to, from) }
    }

    /// `path` with these filters as its query string.
    pub fn to_url(&self, path: &str) -> String {
        let query = encode([
            ("app", self.app.clone()),
            ("from", self.from.map(|day| day.to_string())),
            ("to", self.to.map(|day| day.to_string())),
            ("appVersion", self.app_version.clone()),
        ]);
        with_query(path, &query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn the_default_period_is_the_last_week_and_a_reversed_one_is_swapped() {
        let today = day("2026-11-21");
        assert_eq!(ReportQuery::default().days(today), (day("2026-11-15"), today));
        let reversed = ReportQuery { from: Some(today), to: Some(day("2026-11-01")), ..ReportQuery::default() };
        assert_eq!(reversed.days(today), (day("2026-11-01"), today));
    }

    #[test]
    fn filters_survive_the_url_and_bad_dates_are_ignored() {
        let query = ReportQuery {
            app: Some("123456789".into()),
            from: Some(day("2026-11-01")),
            to: Some(day("2026-11-07")),
            app_version: Some("2.1 beta".into()),
        };
        let url = query.to_url("/feedback");
        assert_eq!(url, "/feedback?app=123456789&from=2026-11-01&to=2026-11-07&appVersion=2.1%20beta");
        let pairs = [("app", "123456789"), ("from", "2026-11-01"), ("to", "2026-11-07"), ("appVersion", "2.1 beta")];
        assert_eq!(ReportQuery::from_pairs(pairs), query);
        assert_eq!(ReportQuery::from_pairs([("from", "yesterday"), ("to", "")]), ReportQuery::default());
    }
}
