//! The JSON body of a notification: exactly the fields of callstats'
//! "Webhook Notifications", in their documented order, for every reason.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::{FailureGroup, SearchQuery};
use crate::domain::notification::Reason;
use crate::server::db::webhook_deliveries::Cause;

/// A notification as sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// The reason's name (`domain::notification::Reason`).
    pub reason: String,
    /// When the notification was first sent, Unix milliseconds.
    pub timestamp: i64,
    /// The public appID.
    pub app_id: String,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// Failed conferences, or dissatisfied ratings (1 for individual).
    pub actual_value: i64,
    /// The threshold the fraction exceeded (1 for individual).
    pub threshold: f64,
    /// `actualValue` over the total counted.
    pub fractional_value: f64,
    /// The period, Unix milliseconds.
    pub period: Period,
    /// The dashboard search that lists what is notified.
    pub url: String,
    /// The notification in a sentence.
    pub text: String,
}

/// Start and end of the period, Unix milliseconds.
#[derive(Debug, Serialize)]
pub struct Period {
    /// Start.
    pub start: i64,
    /// End.
    pub end: i64,
}

/// The body for `cause`, sent at `now`, linking to the dashboard at `public_url`.
pub fn render(cause: &Cause, now: DateTime<Utc>, public_url: &str) -> String {
    let individual = cause.trigger_type == "individual";
    let payload = Payload {
        reason: cause.reason.clone(),
        timestamp: now.timestamp_millis(),
        app_id: cause.app_id.clone(),
        trigger_type: cause.trigger_type.clone(),
        actual_value: cause.actual_value,
        threshold: if individual { 1.0 } else { cause.threshold },
        fractional_value: if cause.total > 0 { cause.actual_value as f64 / cause.total as f64 } else { 0.0 },
        period: Period { start: cause.period_start.timestamp_millis(), end: cause.period_end.timestamp_millis() },
        url: format!("{}/search?{}", public_url.trim_end_matches('/'), search(cause).to_query_string()),
        text: text(cause),
    };
    serde_json::to_string(&payload).expect("a payload serialises")
}

/// The search listing what `cause` is about: the app's conferences of the
/// period (or the one conference) that failed, showed the issue, or were
/// rated 1–2.
fn search(cause: &Cause) -> SearchQuery {
    let mut query = SearchQuery { app: Some(cause.app_id.clone()), ..SearchQuery::default() };
    match Reason::parse(&cause.reason) {
        Some(Reason::FailedConferences) => query.failure_group = Some(FailureGroup::Total),
        Some(Reason::PartiallyFailedConferences) => query.failure_group = Some(FailureGroup::Partial),
        Some(Reason::Issue(kind)) => query.issue = Some(kind),
        Some(Reason::DissatisfactoryUserFeedback) | None => query.feedback12 = true,
    }
    match (&cause.conference_id, cause.trigger_type.as_str()) {
        (Some(conference), "individual") => query.conference_id = Some(conference.clone()),
        _ => {
            query.from = Some(cause.period_start);
            query.to = Some(cause.period_end);
        }
    }
    query
}

fn text(cause: &Cause) -> String {
    let app = &cause.app_id;
    let reason = Reason::parse(&cause.reason).unwrap_or(Reason::DissatisfactoryUserFeedback);
    if cause.trigger_type == "individual" {
        let conference = cause.conference_id.as_deref().map(|id| format!("conference \"{id}\"")).unwrap_or_else(|| {
            "a conference".to_owned() // deleted since it was notified
        });
        return match reason {
            Reason::FailedConferences => {
                format!("{} with appID {app} failed: none of its connections was set up.", capitalise(&conference))
            }
            Reason::PartiallyFailedConferences => format!(
                "{} with appID {app} partly failed: some of its connections were not set up.",
                capitalise(&conference)
            ),
            Reason::Issue(kind) => format!("{} with appID {app} had {}.", capitalise(&conference), kind.label()),
            Reason::DissatisfactoryUserFeedback => {
                let rating = cause.lowest_rating.map_or_else(|| "1 or 2".to_owned(), |rating| rating.to_string());
                format!("A participant of {conference} with appID {app} gave a rating of {rating} out of 5.")
            }
        };
    }
    let (actual, total) = (cause.actual_value, cause.total);
    let share = percent(if total > 0 { actual as f64 / total as f64 } else { 0.0 });
    let period = last(cause.interval_seconds);
    let threshold = exact_percent(cause.threshold);
    let (what, counted) = match reason {
        Reason::FailedConferences => ("of the conferences failed".to_owned(), "total conferences"),
        Reason::PartiallyFailedConferences => ("of the conferences partly failed".to_owned(), "total conferences"),
        Reason::Issue(kind) => (format!("of the conferences had {}", kind.label()), "total conferences"),
        Reason::DissatisfactoryUserFeedback => ("of the user feedback was dissatisfactory".to_owned(), "ratings"),
    };
    format!(
        "{share} {what} in the last {period} i.e., {actual} of {total} {counted} with appID {app}. \
         The current trigger threshold is {threshold}."
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A share in whole percent, as callstats wrote them (`0.3333` → `33%`),
/// with a decimal below 10 % (`0.005` → `0.5%`).
fn percent(ratio: f64) -> String {
    let tenths = (ratio * 1000.0).round() / 10.0;
    if tenths.fract() == 0.0 || tenths >= 10.0 { format!("{:.0}%", tenths.round()) } else { format!("{tenths:.1}%") }
}

/// A threshold as set: `0.1` → `10%`, `0.125` → `12.5%`.
fn exact_percent(ratio: f64) -> String {
    let percent = (ratio * 1000.0).round() / 10.0;
    if percent.fract() == 0.0 { format!("{percent:.0}%") } else { format!("{percent:.1}%") }
}

/// A period in words, after "in the last": `hour`, `15 minutes`, `2 days`.
fn last(seconds: i32) -> String {
    let (count, unit) = match seconds {
        s if s % 86_400 == 0 => (s / 86_400, "day"),
        s if s % 3600 == 0 => (s / 3600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    if count == 1 { unit.to_owned() } else { format!("{count} {unit}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(reason: &str, trigger: &str) -> Cause {
        Cause {
            reason: reason.into(),
            trigger_type: trigger.into(),
            app_id: "123456789".into(),
            threshold: 0.1,
            interval_seconds: 3600,
            actual_value: 7,
            total: 62,
            period_start: "2026-11-20T10:00:00Z".parse().expect("time"),
            period_end: "2026-11-20T11:00:00Z".parse().expect("time"),
            conference_id: Some("インターネット & co".into()),
            lowest_rating: Some(2),
        }
    }

    fn parse(body: &str) -> serde_json::Value {
        serde_json::from_str(body).expect("json")
    }

    #[test]
    fn has_exactly_the_documented_fields_in_order() {
        let now: DateTime<Utc> = "2026-11-20T11:02:00Z".parse().expect("time");
        let body = render(&cause(Reason::FailedConferences.as_str(), "interval"), now, "https://calls.example.com/");
        let fields = [
            "reason",
            "timestamp",
            "appId",
            "triggerType",
            "actualValue",
            "threshold",
            "fractionalValue",
            "period",
            "url",
            "text",
        ];
        let at: Vec<usize> = fields.iter().map(|field| body.find(&format!("\"{field}\":")).expect(field)).collect();
        assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "in the documented order: {body}");
        let json = parse(&body);
        assert_eq!(json.as_object().map(|object| object.len()), Some(fields.len()));
        assert_eq!(json["period"].as_object().map(|period| period.len()), Some(2));
        assert_eq!(json["timestamp"], now.timestamp_millis());
        assert!(body.contains(r#""fractionalValue":0.11290322580645161,"#), "7 / 62, as f64 prints: {body}");
        assert_eq!(json["period"]["start"], 1_795_168_800_000_i64);
        assert_eq!(
            json["url"],
            "https://calls.example.com/search?from=2026-11-20T10%3A00%3A00Z&to=2026-11-20T11%3A00%3A00Z\
             &failureGroup=totalFailure&app=123456789"
        );
        assert_eq!(
            json["text"],
            "11% of the conferences failed in the last hour i.e., 7 of 62 total conferences with appID 123456789. \
             The current trigger threshold is 10%."
        );
    }

    #[test]
    fn individual_notifications_point_at_their_conference() {
        let now = Utc::now();
        let mut failed = cause(Reason::FailedConferences.as_str(), "individual");
        (failed.actual_value, failed.total) = (1, 1);
        let json = parse(&render(&failed, now, "http://127.0.0.1:3000"));
        assert_eq!(json["threshold"], 1.0);
        assert_eq!(json["fractionalValue"], 1.0);
        let url = json["url"].as_str().expect("url");
        assert!(url.starts_with("http://127.0.0.1:3000/search?conferenceID="), "{url}");
        let query = SearchQuery::from_pairs(
            url::form_urlencoded::parse(url.split_once('?').expect("query").1.as_bytes())
                .collect::<Vec<_>>()
                .iter()
                .map(|(key, value)| (key.as_ref(), value.as_ref())),
        )
        .expect("a search the dashboard reads");
        assert_eq!(query.conference_id.as_deref(), Some("インターネット & co"));
        assert_eq!(query.failure_group, Some(FailureGroup::Total));
        assert_eq!(
            json["text"],
            "Conference \"インターネット & co\" with appID 123456789 failed: none of its connections was set up."
        );
        let feedback = cause(Reason::DissatisfactoryUserFeedback.as_str(), "individual");
        let json = parse(&render(&feedback, now, "http://127.0.0.1:3000"));
        assert!(json["url"].as_str().expect("url").contains("feedback12=1"));
        assert_eq!(
            json["text"],
            "A participant of conference \"インターネット & co\" with appID 123456789 gave a rating of 2 out of 5."
        );
    }

    #[test]
    fn issue_and_partial_failure_reasons_link_to_their_search() {
        use crate::domain::diagnosis::IssueKind;
        let now = Utc::now();
        let freezes = Reason::Issue(IssueKind::VideoFreezes).as_str();
        let json = parse(&render(&cause(freezes, "interval"), now, "http://127.0.0.1:3000"));
        assert_eq!(json["reason"], "videoFreezes");
        assert!(json["url"].as_str().expect("url").contains("issue=videoFreezes"), "{json}");
        assert_eq!(
            json["text"],
            "11% of the conferences had video freezes in the last hour i.e., 7 of 62 total conferences \
             with appID 123456789. The current trigger threshold is 10%."
        );
        let dropped = cause("droppedConferences", "individual");
        let json = parse(&render(&dropped, now, "http://127.0.0.1:3000"));
        assert!(json["url"].as_str().expect("url").contains("issue=dropped"), "{json}");
        assert_eq!(json["text"], "Conference \"インターネット & co\" with appID 123456789 had dropped connections.");
        let partial = cause("partiallyFailedConferences", "interval");
        let json = parse(&render(&partial, now, "http://127.0.0.1:3000"));
        assert!(json["url"].as_str().expect("url").contains("failureGroup=partialFailure"), "{json}");
        assert!(json["text"].as_str().expect("text").starts_with("11% of the conferences partly failed"), "{json}");
    }

    #[test]
    fn words_for_shares_and_periods() {
        assert_eq!(percent(1.0 / 3.0), "33%");
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.125), "13%");
        assert_eq!(exact_percent(0.125), "12.5%");
        assert_eq!(exact_percent(0.2), "20%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(last(3600), "hour");
        assert_eq!(last(900), "15 minutes");
        assert_eq!(last(7200), "2 hours");
        assert_eq!(last(86_400), "day");
        assert_eq!(last(90), "90 seconds");
    }
}
