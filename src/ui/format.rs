//! How figures read on the dashboard. Times are shown in UTC, the zone of
//! the search form and of shared links.

use chrono::{DateTime, Utc};

use crate::api::{FirstMedia, PrecallResult};

/// `2026-11-20 14:30:05`.
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `14:30:05`.
pub fn clock(at: DateTime<Utc>) -> String {
    at.format("%H:%M:%S").to_string()
}

/// `+1:05` (minutes:seconds after `start`), `+1:02:05` past an hour.
pub fn offset(start: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let seconds = (at - start).num_seconds();
    let sign = if seconds < 0 { "-" } else { "+" };
    let seconds = seconds.abs();
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{sign}{h}:{m:02}:{s:02}") } else { format!("{sign}{m}:{s:02}") }
}

/// `42 s`, `4 min 12 s`, `2 h 05 min`.
pub fn duration_ms(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {:02} min", seconds / 3600, seconds / 60 % 60),
    }
}

/// A 1..5 quality score with one decimal, or a dash before it is known.
pub fn score(score: Option<f64>) -> String {
    score.map_or_else(|| "–".to_owned(), |score| format!("{score:.1}"))
}

/// A CSS class for a 1..5 score: good, fair, poor.
pub fn score_class(score: Option<f64>) -> &'static str {
    // Of the score as shown (one decimal), so "4.0" never reads as fair.
    score.map_or("unknown", |score| crate::domain::quality::Band::of((score * 10.0).round() / 10.0).as_str())
}

/// `420 ms`, or a dash.
pub fn ms(value: Option<i32>) -> String {
    value.map_or_else(|| "–".to_owned(), |ms| format!("{ms} ms"))
}

/// The relay a connection uses: `turn/udp`, …, or "direct" (the empty
/// relayType); a dash before any transport was reported.
pub fn relay(relay_type: Option<&str>) -> String {
    match relay_type {
        Some("") => "direct".to_owned(),
        Some(relay) => relay.to_owned(),
        None => "–".to_owned(),
    }
}

/// A pre-call test in one line: `passed · RTT 3 ms · loss 0 % · 8.2 Mbit/s · host`,
/// or `failed: <why>`.
pub fn precall(test: &PrecallResult) -> String {
    if !test.connectivity {
        return match test.message.as_str() {
            "" => "failed: no connectivity".to_owned(),
            why => format!("failed: {why}"),
        };
    }
    let figures = [
        test.rtt_ms.map(|rtt| format!("RTT {rtt:.0} ms")),
        test.fraction_lost.map(|loss| format!("loss {:.1} %", loss * 100.0)),
        test.throughput_kbps.map(|kbps| {
            if kbps >= 1000.0 { format!("{:.1} Mbit/s", kbps / 1000.0) } else { format!("{kbps:.0} kbit/s") }
        }),
        test.candidate_type.clone(),
    ];
    std::iter::once("passed".to_owned()).chain(figures.into_iter().flatten()).collect::<Vec<_>>().join(" · ")
}

/// `412 ms (Bob · camera), 530 ms (ssrc 42)`, or a dash when the SDK
/// watched no video element of this connection.
pub fn first_media(streams: &[FirstMedia]) -> String {
    if streams.is_empty() {
        return "–".to_owned();
    }
    streams.iter().map(|first| format!("{} ms ({})", first.delay_ms, first.stream)).collect::<Vec<_>>().join(", ")
}

/// The value of a `datetime-local` input showing `at` in UTC.
pub fn datetime_local(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("time")
    }

    #[test]
    fn a_precall_test_reads_as_its_outcome_and_figures() {
        let passed = PrecallResult {
            connectivity: true,
            rtt_ms: Some(2.6),
            fraction_lost: Some(0.0),
            throughput_kbps: Some(8240.0),
            candidate_type: Some("host".to_owned()),
            message: String::new(),
        };
        assert_eq!(precall(&passed), "passed · RTT 3 ms · loss 0.0 % · 8.2 Mbit/s · host");
        let slow = PrecallResult { throughput_kbps: Some(640.0), rtt_ms: None, candidate_type: None, ..passed.clone() };
        assert_eq!(precall(&slow), "passed · loss 0.0 % · 640 kbit/s");
        let failed = PrecallResult { connectivity: false, message: "ICE timed out after 10 s".to_owned(), ..passed };
        assert_eq!(precall(&failed), "failed: ICE timed out after 10 s");
        assert_eq!(precall(&PrecallResult { message: String::new(), ..failed }), "failed: no connectivity");
    }

    #[test]
    fn time_to_first_media_lists_each_stream() {
        assert_eq!(first_media(&[]), "–");
        let streams = [
            FirstMedia { stream: "Bob (bob) · camera".to_owned(), delay_ms: 412 },
            FirstMedia { stream: "ssrc 42".to_owned(), delay_ms: 530 },
        ];
        assert_eq!(first_media(&streams), "412 ms (Bob (bob) · camera), 530 ms (ssrc 42)");
    }

    #[test]
    fn durations_read_in_the_largest_useful_units() {
        assert_eq!(duration_ms(42_400), "42 s");
        assert_eq!(duration_ms(252_000), "4 min 12 s");
        assert_eq!(duration_ms(7_500_000), "2 h 05 min");
        assert_eq!(duration_ms(-5), "0 s");
    }

    #[test]
    fn offsets_are_relative_to_the_start() {
        let start = at("2026-11-20T10:00:00Z");
        assert_eq!(offset(start, at("2026-11-20T10:01:05Z")), "+1:05");
        assert_eq!(offset(start, at("2026-11-20T11:02:05Z")), "+1:02:05");
        assert_eq!(offset(start, at("2026-11-20T09:59:58Z")), "-0:02");
    }

    #[test]
    fn scores_have_a_class_and_a_dash_when_unknown() {
        assert_eq!((score(Some(4.26)), score_class(Some(4.26))), ("4.3".to_owned(), "good"));
        assert_eq!((score(None), score_class(None)), ("–".to_owned(), "unknown"));
        assert_eq!(score_class(Some(2.1)), "poor");
        assert_eq!(
            (score(Some(3.96)), score_class(Some(3.96))),
            ("4.0".to_owned(), "good"),
            "the colour of the shown value"
        );
    }

    #[test]
    fn an_empty_relay_type_is_a_direct_connection() {
        assert_eq!(relay(Some("")), "direct");
        assert_eq!(relay(Some("turn/udp")), "turn/udp");
        assert_eq!(relay(None), "–");
    }
}
