//! One valid body per collector endpoint, holding every string field the
//! endpoint reads (also inside lists, userID objects and free-form JSON),
//! for the tests that break each field in turn.

use serde_json::{Value, json};

use super::{header, with};

/// An `iceCandidatesObj`.
fn pair() -> Value {
    json!({
        "candidateID": "pair-1", "localAddress": "192.0.2.1", "localPort": 50000, "localCandidateType": "host",
        "remoteAddress": "peer.local", "remotePort": 3478, "remoteCandidateType": "relay",
        "transportType": "udp", "protocol": "udp"
    })
}

/// A userID object.
fn user_object() -> Value {
    json!({ "userName": "Clark Kent", "aliasName": "superman", "loginID": "ck@example.com" })
}

/// `(suffix after /{ucID}/, body)` for every endpoint that takes a ucID,
/// and `("", body)` for user joined; each body is accepted as it is.
pub fn every_endpoint(user: &str) -> Vec<(&'static str, Value)> {
    let fabric = || with(header(user), json!({ "remoteID": "bob", "connectionID": "pc-1" }));
    vec![
        (
            "",
            with(
                header(user),
                json!({
                    "endpointInfo": { "type": "browser", "os": "Linux", "osVersion": "6", "name": "Chrome",
                                      "version": "120", "appVersion": "1.0" },
                    "userID": user_object(),
                    "configParams": { "applicationVersion": "v1", "siteID": "Helsinki",
                                      "additionalIDs": { "tenantID": "monster" } },
                }),
            ),
        ),
        ("events/user/alive", header(user)),
        (
            "events/user/details",
            with(header(user), json!({ "userID": user_object(), "configParams": { "siteID": "Espoo" } })),
        ),
        (
            "events/devices/list",
            with(
                header(user),
                json!({ "eventType": "connectedDeviceList", "mediaDeviceList": [
                    { "mediaDeviceID": "mic-1", "kind": "audioinput", "label": "Built-in", "groupID": "g-1" }
                ] }),
            ),
        ),
        (
            "events/media/actions",
            with(header(user), json!({ "eventType": "audioMute", "mediaDeviceID": "mic-1", "remoteIDList": ["bob"] })),
        ),
        ("events/media/pipeline", with(header(user), json!({ "eventType": "mediaPlaybackStart", "ssrc": "1234" }))),
        ("events/dominantspeaker", header(user)),
        (
            "events/fabric/added",
            with(
                fabric(),
                json!({ "remoteUserID": user_object(), "fabricUsage": "multiplex",
                        "fabricAttributes": { "remoteEndpointType": "peer", "note": "n" } }),
            ),
        ),
        (
            "events/fabric",
            with(
                fabric(),
                json!({ "eventType": "fabricSetup", "delay": 100, "localCandidates": [pair()],
                        "remoteCandidates": [pair()] }),
            ),
        ),
        (
            "events/ice/status",
            with(
                fabric(),
                json!({ "eventType": "iceDisruptionStart", "currIceCandidatePair": pair(),
                        "prevIceCandidatePair": pair(), "currIceCandidateState": "failed",
                        "prevIceCandidateState": "succeeded", "delay": 5 }),
            ),
        ),
        (
            "events/fabric/transportchange",
            with(
                fabric(),
                json!({ "currIceCandidatePair": pair(), "prevIceCandidatePair": pair(), "relayType": "turn/udp" }),
            ),
        ),
        (
            "events/fabric/statechange",
            with(fabric(), json!({ "prevState": "new", "newState": "checking", "changedState": "iceConnectionState" })),
        ),
        (
            "events/ssrcmap",
            with(
                fabric(),
                json!({ "ssrcData": [
                    { "ssrc": "1234", "cname": "c", "streamType": "inbound", "userID": user_object(), "msid": "m",
                      "mslabel": "ml", "label": "l", "usageLabel": "main", "associatedVideoTag": "v1" },
                    { "ssrc": "5678", "userID": "bob" }
                ] }),
            ),
        ),
        ("events/sdp", with(fabric(), json!({ "localSDP": "v=0", "remoteSDP": "v=0" }))),
        (
            "events/feedback",
            with(header(user), json!({ "remoteID": "bob", "feedback": { "overallRating": 4, "comments": "ok" } })),
        ),
        (
            "stats",
            with(
                fabric(),
                json!({ "stats": {
                    "tracks": [{ "id": "t1", "type": "inbound-rtp", "kind": "audio", "ssrc": "1234",
                                 "codecId": "opus", "jitter": 0.01 }],
                    "candidatePairs": [{ "id": "cp1", "state": "succeeded", "currentRoundTripTime": 0.05 }],
                    "codecs": [{ "mimeType": "audio/opus", "nested": { "list": ["a"] } }]
                } }),
            ),
        ),
        ("system/status", with(header(user), json!({ "statusStats": { "cpuUsage": 12.5, "deviceName": "laptop" } }))),
        (
            "events/error",
            with(
                fabric(),
                json!({ "wrtcFuncName": "createOffer", "domError": { "name": "OperationError", "message": "m" },
                        "localSDP": "v=0", "remoteSDP": "v=0", "message": "log" }),
            ),
        ),
        (
            "events/fabric/action",
            with(fabric(), json!({ "fabricEvent": "fabricHold", "eventData": { "reason": "hold" } })),
        ),
        (
            "events/calldetails",
            with(
                header(user),
                json!({ "connectionID": "pc-1", "callAttributes": { "callType": "inbound", "role": "agent",
                                                                   "queue": "q1" } }),
            ),
        ),
        (
            "events/precalltest",
            with(header(user), json!({ "connectivity": false, "candidateType": "relay", "message": "blocked" })),
        ),
        (
            "events/media/firstframe",
            with(header(user), json!({ "connectionID": "pc-1", "remoteID": "bob", "ssrc": "1234", "delay": 12 })),
        ),
        ("events/user/left", header(user)),
    ]
}

/// Every string in `value` (object member values and array items, at any
/// depth), as its path in serde_path_to_error's notation (`a.b[0].c`).
pub fn string_paths(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(path.to_owned()),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                string_paths(item, &format!("{path}[{index}]"), out);
            }
        }
        Value::Object(map) => {
            for (key, member) in map {
                let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                string_paths(member, &inner, out);
            }
        }
        _ => {}
    }
}

/// `value` with the string at `path` replaced by `text`.
pub fn replace_at(value: &mut Value, path: &str, text: &str) {
    set_at(value, path, Value::String(text.to_owned()));
}

/// `body` with the member at `path` (`a.b[0].c`, as [`string_paths`] gives) set to `value`.
pub fn set_at(body: &mut Value, path: &str, value: Value) {
    let mut target = body;
    for step in path.split('.') {
        let (key, indexes) = step.split_once('[').unwrap_or((step, ""));
        target = &mut target[key];
        for index in indexes.split(['[', ']']).filter(|index| !index.is_empty()) {
            target = &mut target[index.parse::<usize>().expect("index")];
        }
    }
    *target = value;
}
