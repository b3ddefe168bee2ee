//! The fabric page's time axis: lifecycle, state changes, media events and
//! errors merged into one ordered list of short, readable entries.

use serde_json::{Map, Value};

use crate::api::{ErrorRow, FabricRow, TimelineEntry, TimelineKind};
use crate::domain::diagnosis::IssueKind;
use crate::server::db::dashboard::conference::IssueRow;
use crate::server::db::dashboard::fabric::EventRow;

/// Every entry of the fabric's timeline, oldest first.
pub fn build(fabric: &FabricRow, events: &[EventRow], errors: &[ErrorRow], issues: &[IssueRow]) -> Vec<TimelineEntry> {
    let added = TimelineEntry {
        at: fabric.added_at,
        until: None,
        kind: TimelineKind::Lifecycle,
        title: "fabricAdded".into(),
        detail: format!("{} · {} · {}", fabric.usage, fabric.direction, fabric.remote_type),
    };
    let mut entries: Vec<TimelineEntry> = std::iter::once(added)
        .chain(events.iter().map(event_entry))
        .chain(errors.iter().map(|error| TimelineEntry {
            at: error.at,
            until: None,
            kind: TimelineKind::Error,
            title: error.function.clone(),
            detail: error.dom_error.clone().unwrap_or_else(|| first_line(error.message.as_deref())),
        }))
        .chain(issues.iter().map(|issue| TimelineEntry {
            at: issue.started_at,
            until: Some(issue.ended_at),
            kind: TimelineKind::Issue,
            title: IssueKind::parse(&issue.kind).map_or(issue.kind.clone(), |kind| kind.label().to_owned()),
            detail: format!("{} ({})", super::diagnosis::what(issue), issue.severity),
        }))
        .collect();
    // Stable: equal times keep lifecycle, then events, then errors.
    entries.sort_by_key(|entry| entry.at);
    entries
}

fn event_entry(event: &EventRow) -> TimelineEntry {
    let empty = Map::new();
    let payload = event.payload.as_object().unwrap_or(&empty);
    let text = |key: &str| payload.get(key).and_then(Value::as_str).unwrap_or("?").to_owned();
    let (kind, title, detail) = match event.kind.as_str() {
        "fabricSetup" | "fabricSetupFailed" | "fabricTerminated" => {
            (TimelineKind::Lifecycle, event.kind.clone(), scalars(payload))
        }
        "fabricStateChange" => {
            (TimelineKind::State, text("changedState"), format!("{} → {}", text("prevState"), text("newState")))
        }
        "fabricTransportChange" => {
            let relay = payload.get("relayType").and_then(Value::as_str).filter(|relay| !relay.is_empty());
            let delay = payload.get("delay").and_then(Value::as_f64).map(|ms| format!(", delay {ms} ms"));
            (
                TimelineKind::State,
                event.kind.clone(),
                format!(
                    "{}{}",
                    relay.map_or("direct (no relay)".to_owned(), |r| format!("via {r}")),
                    delay.unwrap_or_default()
                ),
            )
        }
        kind if kind.starts_with("ice") => (TimelineKind::State, event.kind.clone(), scalars(payload)),
        "timeToFirstMedia" => {
            let delay = payload.get("delay").and_then(Value::as_i64).map_or("?".to_owned(), |ms| ms.to_string());
            (TimelineKind::Media, event.kind.clone(), format!("first frame of ssrc {} after {delay} ms", text("ssrc")))
        }
        "activeDeviceList" | "connectedDeviceList" => {
            (TimelineKind::Media, event.kind.clone(), devices(payload.get("mediaDeviceList")))
        }
        _ => (TimelineKind::Media, event.kind.clone(), scalars(payload)),
    };
    TimelineEntry { at: event.occurred_at, until: None, kind, title, detail }
}

/// `key: value` for the payload's plain values; lists and objects (ICE
/// candidates, custom event data) are counted, not dumped.
fn scalars(payload: &Map<String, Value>) -> String {
    payload
        .iter()
        .filter(|(_, value)| !matches!(value, Value::Array(items) if items.is_empty()))
        .map(|(key, value)| match value {
            Value::String(text) => format!("{key}: {text}"),
            Value::Number(number) if key.ends_with("elay") => format!("{key}: {} ms", plain(number)),
            Value::Number(number) => format!("{key}: {}", plain(number)),
            Value::Array(items) => format!("{key}: {} items", items.len()),
            Value::Object(fields) => format!("{key}: {} fields", fields.len()),
            other => format!("{key}: {other}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1769` for 1769.0: delays arrive as JSON floats.
fn plain(number: &serde_json::Number) -> String {
    match number.as_f64() {
        Some(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{value:.0}"),
        _ => number.to_string(),
    }
}

/// "2 devices: Built-in Microphone (audioinput), FaceTime HD (videoinput)".
fn devices(list: Option<&Value>) -> String {
    let devices = list.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let names: Vec<String> = devices
        .iter()
        .map(|device| {
            let field = |key: &str| device.get(key).and_then(Value::as_str).unwrap_or_default();
            let label = if field("label").is_empty() { field("deviceId") } else { field("label") };
            format!("{label} ({})", field("kind"))
        })
        .collect();
    format!("{} devices: {}", devices.len(), names.join(", "))
}

fn first_line(text: Option<&str>) -> String {
    let line = text.and_then(|text| text.lines().next()).unwrap_or_default();
    line.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use serde_json::json;

    use super::*;
    use crate::api::Person;

    fn at(second: u32) -> DateTime<Utc> {
        format!("2026-11-20T10:00:{second:02}Z").parse().expect("time")
    }

    fn event(second: u32, kind: &str, payload: Value) -> EventRow {
        EventRow { occurred_at: at(second), kind: kind.into(), payload }
    }

    fn fabric() -> FabricRow {
        FabricRow {
            id: 1,
            endpoint_id: uuid::Uuid::nil(),
            local: Person::default(),
            remote: Person::default(),
            connection_id: "pc1".into(),
            usage: "multiplex".into(),
            direction: "sendrecv".into(),
            remote_type: "peer".into(),
            state: "setup".into(),
            added_at: at(0),
            setup_delay_ms: Some(420),
            failure_delay_ms: None,
            failure_reason: None,
            terminated_at: None,
            relay_type: None,
            ice_connection_state: None,
            quality_score: None,
        }
    }

    #[test]
    fn entries_are_merged_in_time_order_with_readable_details() {
        let events = [
            event(
                5,
                "fabricStateChange",
                json!({"changedState": "iceConnectionState", "prevState": "checking", "newState": "connected"}),
            ),
            event(2, "fabricSetup", json!({"delay": 420})),
            event(9, "fabricTransportChange", json!({"relayType": "turn/udp"})),
            event(7, "activeDeviceList", json!({"mediaDeviceList": [{"label": "Mic", "kind": "audioinput"}]})),
        ];
        let errors = [ErrorRow {
            id: 1,
            at: at(3),
            person: Person::default(),
            fabric_id: Some(1),
            function: "setRemoteDescription".into(),
            dom_error: Some("InvalidStateError: wrong state".into()),
            message: None,
            cut: false,
            truncated: false,
            local_sdp_bytes: None,
            remote_sdp_bytes: None,
        }];
        let entries = build(&fabric(), &events, &errors, &[]);
        let titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "fabricAdded",
                "fabricSetup",
                "setRemoteDescription",
                "iceConnectionState",
                "activeDeviceList",
                "fabricTransportChange"
            ]
        );
        assert_eq!(entries[1].detail, "delay: 420 ms");
        assert_eq!(entries[2].kind, TimelineKind::Error);
        assert_eq!(entries[3].detail, "checking → connected");
        assert_eq!(entries[4].detail, "1 devices: Mic (audioinput)");
        assert_eq!(entries[5].detail, "via turn/udp");
    }

    #[test]
    fn candidate_lists_are_counted_not_dumped() {
        let payload = json!({"localCandidates": [{}, {}], "remoteCandidates": [], "delay": 1769.0});
        let entries = build(&fabric(), &[event(1, "fabricTerminated", payload)], &[], &[]);
        assert_eq!(entries[1].detail, "delay: 1769 ms, localCandidates: 2 items");
    }
}
