use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::query_string::encode;
use crate::domain::InvalidField;
use crate::domain::diagnosis::IssueKind;
use crate::domain::limits::{ID_BYTES, max_bytes};

/// The search form's state, which is also the shareable query string of
/// `/search` (SPEC §5, and the `url` of webhook payloads):
/// `conferenceID`, `match=prefix`, `userID`, `from`, `to`, `failureGroup`,
/// `feedback12=1`, `issue` (a kind of `docs/diagnosis.md`), `app`, and the
/// page cursor `before`.
///
/// IDs are kept exactly as typed: no trimming, case folding or Unicode
/// normalisation, because callstats IDs are byte-exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// conferenceID, exact or (with `prefix`) its beginning.
    pub conference_id: Option<String>,
    /// Match conferenceIDs that start with `conference_id`.
    pub prefix: bool,
    /// A participant's userID or alias (support and admin: also userName or loginID).
    pub user_id: Option<String>,
    /// Conferences that started at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Conferences that started before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only conferences with this failure group.
    pub failure_group: Option<FailureGroup>,
    /// Only conferences with a rating of 1 or 2.
    pub feedback12: bool,
    /// Only conferences where the detectors found this issue.
    pub issue: Option<IssueKind>,
    /// Only this app (its public appID).
    pub app: Option<String>,
    /// Page cursor: rows older than this one.
    pub before: Option<Cursor>,
}

/// A failed conference's kind, as summaries classify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureGroup {
    /// No connection of the conference was ever set up.
    #[serde(rename = "totalFailure")]
    Total,
    /// Some connections were set up and some failed.
    #[serde(rename = "partialFailure")]
    Partial,
}

impl FailureGroup {
    /// The wire and query-string spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureGroup::Total => "totalFailure",
            FailureGroup::Partial => "partialFailure",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(value: &str) -> Option<Self> {
        [FailureGroup::Total, FailureGroup::Partial].into_iter().find(|group| group.as_str() == value)
    }
}

/// Where a page of results ends: the last row's start time and id. Rows
/// are ordered by `(started_at, id)` descending, so ties on the start time
/// still page exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Start of the last row shown.
    pub started_at: DateTime<Utc>,
    /// Its instance id.
    pub id: i64,
}

impl Cursor {
    /// `<microseconds since the epoch>.<id>`: short, URL-safe, exact.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.started_at.timestamp_micros(), self.id)
    }

    /// Reads what [`Cursor::encode`] wrote.
    pub fn decode(value: &str) -> Option<Self> {
        let (micros, id) = value.split_once('.')?;
        let started_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(Self { started_at, id: id.parse().ok()? })
    }
}

impl SearchQuery {
    /// Parses query-string pairs. Empty fields count as absent (a plain GET
    /// form sends every field); anything else that does not parse is an
    /// error naming its field.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, InvalidField> {
        let mut query = SearchQuery::default();
        for (key, value) in pairs {
            if value.is_empty() {
                continue;
            }
            match key {
                "conferenceID" => {
                    max_bytes("conferenceID", value, ID_BYTES)?;
                    query.conference_id = Some(value.to_owned());
                }
                "match" => query.prefix = parse_match(value)?,
                "userID" => {
                    max_bytes("userID", value, ID_BYTES)?;
                    query.user_id = Some(value.to_owned());
                }
                "from" => query.from = Some(parse_time("from", value)?),
                "to" => query.to = Some(parse_time("to", value)?),
                "failureGroup" => {
                    query.failure_group =
                        Some(FailureGroup::parse(value).ok_or_else(|| {
                            InvalidField::new("failureGroup", "must be totalFailure or partialFailure")
                        })?);
                }
                "feedback12" => query.feedback12 = parse_flag("feedback12", value)?,
                "issue" => {
                    query.issue = Some(
                        IssueKind::parse(value)
                            .ok_or_else(|| InvalidField::new("issue", "is not an issue kind (docs/diagnosis.md)"))?,
                    );
                }
                "app" => query.app = Some(value.to_owned()),
                "before" => {
                    query.before = Some(
                        Cursor::decode(value)
                            .ok_or_else(|| InvalidField::new("before", "is not a page cursor of this search"))?,
                    );
                }
                // Unknown parameters (utm tags, a stray `page`) are ignored,
                // so a shared link keeps working when decorated.
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from >= to
        {
            return Err(InvalidField::new("to", "must be later than from"));
        }
        Ok(query)
    }

    /// The query string (without `?`) that [`SearchQuery::from_pairs`]
    /// reads back: the link to this search.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(id) = &self.conference_id {
            pairs.push(("conferenceID", id.clone()));
        }
        if self.prefix {
            pairs.push(("match", "prefix".into()));
        }
        if let Some(user) = &self.user_id {
            pairs.push(("userID", user.clone()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", format_time(from)));
        }
        if let Some(to) = self.to {
            pairs.push(("to", format_time(to)));
        }
        if let Some(group) = self.failure_group {
            pairs.push(("failureGroup", group.as_str().into()));
        }
        if self.feedback12 {
            pairs.push(("feedback12", "1".into()));
        }
        if let Some(issue) = self.issue {
            pairs.push(("issue", issue.as_str().into()));
        }
        if let Some(app) = &self.app {
            pairs.push(("app", app.clone()));
        }
        if let Some(before) = self.before {
            pairs.push(("before", before.encode()));
        }
        encode(pairs.into_iter().map(|(key, value)| (key, Some(value))))
    }

    /// The same search from its first page.
    pub fn first_page(&self) -> Self {
        Self { before: None, ..self.clone() }
    }

    /// Whether any filter is set (an empty search lists the newest conferences).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

fn parse_match(value: &str) -> Result<bool, InvalidField> {
    match value {
        "exact" => Ok(false),
        "prefix" => Ok(true),
        _ => Err(InvalidField::new("match", "must be exact or prefix")),
    }
}

fn parse_flag(field: &'static str, value: &str) -> Result<bool, InvalidField> {
    match value {
        "1" | "true" | "on" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(InvalidField::new(field, "must be 1 or 0")),
    }
}

/// RFC 3339, or the `YYYY-MM-DDTHH:MM[:SS]` of a `datetime-local` input
/// (taken as UTC, the time zone the dashboard shows).
fn parse_time(field: &'static str, value: &str) -> Result<DateTime<Utc>, InvalidField> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(time.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .map(|time| time.and_utc())
        .ok_or_else(|| InvalidField::new(field, "must be a time like 2026-11-20T14:30:00Z (RFC 3339)"))
}

/// RFC 3339 in UTC, seconds precision unless finer is needed.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use leptos_router::location::Url;

    use super::*;

    fn parse(query: &str) -> Result<SearchQuery, InvalidField> {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (Url::unescape(key), Url::unescape(value))
            })
            .collect();
        SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    #[test]
    fn a_full_query_round_trips_through_its_query_string() {
        let query = SearchQuery {
            conference_id: Some("インターネット Conf/&=?".into()),
            prefix: true,
            user_id: Some("Ada+Lovelace".into()),
            from: Some("2026-11-01T00:00:00Z".parse().expect("time")),
            to: Some("2026-11-02T12:30:00.5Z".parse().expect("time")),
            failure_group: Some(FailureGroup::Partial),
            feedback12: true,
            issue: Some(IssueKind::PacketLoss),
            app: Some("12345".into()),
            before: Some(Cursor { started_at: "2026-11-01T10:00:00.123456Z".parse().expect("time"), id: 42 }),
        };
        assert_eq!(parse(&query.to_query_string()), Ok(query));
    }

    #[test]
    fn ids_are_kept_byte_exact() {
        let query = parse("conferenceID=%20Conf-Standup%20").expect("parse");
        assert_eq!(query.conference_id.as_deref(), Some(" Conf-Standup "));
    }

    #[test]
    fn empty_fields_of_a_plain_form_count_as_absent() {
        let query = parse("conferenceID=&userID=&from=&to=&failureGroup=&app=").expect("parse");
        assert!(query.is_empty());
    }

    #[test]
    fn bad_values_name_their_field() {
        assert_eq!(parse("failureGroup=oops").map_err(|e| e.field), Err("failureGroup"));
        assert_eq!(parse("from=yesterday").map_err(|e| e.field), Err("from"));
        assert_eq!(parse("before=x").map_err(|e| e.field), Err("before"));
        assert_eq!(parse("match=fuzzy").map_err(|e| e.field), Err("match"));
        assert_eq!(parse("issue=PacketLoss").map_err(|e| e.field), Err("issue"), "kinds are case-sensitive");
        assert_eq!(parse("from=2026-11-02T00:00&to=2026-11-01T00:00").map_err(|e| e.field), Err("to"));
        let long = "x".repeat(257);
        assert_eq!(parse(&format!("conferenceID={long}")).map_err(|e| e.field), Err("conferenceID"));
    }

    #[test]
    fn datetime_local_values_are_read_as_utc() {
        let query = parse("from=2026-11-20T14:30").expect("parse");
        assert_eq!(query.from, Some("2026-11-20T14:30:00Z".parse().expect("time")));
    }
}
