//! Every collector route and one valid, rich body for each: the starting
//! points of the mutations. Rich, so that most fields of each body exist
//! to be broken; valid, so that a mutation of one field gets past the others.

use serde_json::{Value, json};

use crate::collector::{header, with};

/// The endpoint routes, as suffixes after `/{ucID}/`.
pub const ENDPOINT_ROUTES: [&str; 22] = [
    "events/user/alive",
    "events/user/left",
    "events/user/details",
    "stats",
    "system/status",
    "events/devices/list",
    "events/media/actions",
    "events/media/pipeline",
    "events/dominantspeaker",
    "events/feedback",
    "events/fabric",
    "events/ice/status",
    "events/fabric/transportchange",
    "events/fabric/statechange",
    "events/ssrcmap",
    "events/sdp",
    "events/fabric/added",
    "events/error",
    "events/fabric/action",
    "events/calldetails",
    "events/precalltest",
    "events/media/firstframe",
];

/// One collector route.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// `POST /authenticate` (a form).
    Authenticate,
    /// User joined: `POST /v1/apps/{appID}/conferences/{confID}`.
    Join,
    /// `POST /v1/apps/{appID}/conferences/{confID}/{ucID}/<suffix>`.
    Endpoint(&'static str),
}

impl Target {
    /// Every route the fuzzer knows.
    pub fn all() -> Vec<Target> {
        [Target::Authenticate, Target::Join].into_iter().chain(ENDPOINT_ROUTES.map(Target::Endpoint)).collect()
    }

    /// The route's path as the OpenAPI document spells it.
    pub fn openapi_path(self) -> String {
        match self {
            Target::Authenticate => "/authenticate".to_owned(),
            Target::Join => "/v1/apps/{appID}/conferences/{confID}".to_owned(),
            Target::Endpoint(suffix) => format!("/v1/apps/{{appID}}/conferences/{{confID}}/{{ucID}}/{suffix}"),
        }
    }

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Target::Authenticate => "authenticate",
            Target::Join => "user/joined",
            Target::Endpoint(suffix) => suffix.strip_prefix("events/").unwrap_or(suffix),
        }
    }
}

/// The claims of a client JWT for `user` of `app_id`.
pub fn claims(app_id: &str, user: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "appID": app_id, "userID": user, "iat": now, "exp": now + 300, "jti": uuid::Uuid::new_v4().to_string() })
}

/// A valid user joined body for `user`.
pub fn join(user: &str) -> Value {
    with(
        header(user),
        json!({
            "endpointInfo": { "type": "browser", "os": "Linux", "osVersion": "6.1", "name": "Chrome",
                              "version": "120.0", "appVersion": "2.3" },
            "userID": { "userName": "Real Name", "aliasName": user, "loginID": "login@example.com" },
            "configParams": { "applicationVersion": "1.0", "siteID": "hel", "additionalIDs": { "tenantID": "t1" },
                              "disableBeforeUnloadHandler": false, "collectIP": false }
        }),
    )
}

/// A valid body of the endpoint route `suffix` for `user`.
pub fn endpoint(suffix: &str, user: &str) -> Value {
    let on_fabric = json!({ "connectionID": "pc-1", "remoteID": "bob" });
    let extra = match suffix {
        "events/user/details" => json!({
            "userID": { "userName": "Real Name", "aliasName": user, "loginID": "login@example.com" },
            "configParams": { "applicationVersion": "1.0", "siteID": "hel", "additionalIDs": { "tenantID": "t1" } }
        }),
        "stats" => with(on_fabric, json!({ "stats": stats() })),
        "system/status" => json!({ "statusStats": {
            "cpuUsage": 37.5, "batteryLevel": 80, "memoryUsage": 512, "totalMemory": 8192, "threadCount": 24, "gpuUsage": 12
        } }),
        "events/devices/list" => json!({ "eventType": "activeDeviceList", "mediaDeviceList": [
            { "mediaDeviceID": "mic-1", "kind": "audioinput", "label": "USB", "groupID": "g1" }
        ] }),
        "events/media/actions" => {
            json!({ "eventType": "audioMute", "mediaDeviceID": "mic-1", "remoteIDList": ["bob", "ボブ"] })
        }
        "events/media/pipeline" => json!({ "eventType": "mediaPlaybackStalled", "ssrc": "1234" }),
        "events/feedback" => json!({ "remoteID": "bob", "feedback": {
            "overallRating": 4, "audioQualityRating": 2, "videoQualityRating": 3, "screenQualityRating": 5, "comments": "echo"
        } }),
        "events/fabric" => with(
            on_fabric,
            json!({ "eventType": "fabricSetup", "delay": 100, "iceGatheringDelay": 120, "iceConnectivityDelay": 340,
                    "localCandidates": [pair("l1")], "remoteCandidates": [pair("r1")] }),
        ),
        "events/ice/status" => with(
            on_fabric,
            json!({ "eventType": "iceDisruptionStart", "currIceCandidatePair": pair("c"),
                    "prevIceCandidatePair": pair("p"), "currIceCandidateState": "failed",
                    "prevIceCandidateState": "succeeded", "delay": 40 }),
        ),
        "events/fabric/transportchange" => with(
            on_fabric,
            json!({ "currIceCandidatePair": pair("c"), "prevIceCandidatePair": pair("p"), "relayType": "turn/tls",
                    "delay": 12 }),
        ),
        "events/fabric/statechange" => with(
            on_fabric,
            json!({ "prevState": "checking", "newState": "connected", "changedState": "iceConnectionState" }),
        ),
        "events/ssrcmap" => with(
            on_fabric,
            json!({ "ssrcData": [
            { "ssrc": "1234", "streamType": "outbound", "userID": user, "usageLabel": "camera", "cname": "c1",
              "msid": "m1", "associatedVideoTag": "video-1", "localStartTime": 5 },
            { "ssrc": "4294967295", "streamType": "inbound", "usageLabel": "screen",
              "userID": { "userName": "Bob Real", "aliasName": "bob", "loginID": "bob@example.com" } }
        ] }),
        ),
        "events/sdp" => with(on_fabric, json!({ "localSDP": SDP, "remoteSDP": SDP })),
        "events/fabric/added" => with(
            on_fabric,
            json!({ "fabricUsage": "video",
                    "remoteUserID": { "userName": "Bob Real", "aliasName": "bob", "loginID": "bob@example.com" },
                    "fabricAttributes": { "remoteEndpointType": "server", "fabricTransmissionDirection": "sendonly",
                                          "sfu": "eu-1" } }),
        ),
        "events/error" => with(
            on_fabric,
            json!({ "wrtcFuncName": "setRemoteDescription", "localSDP": SDP, "remoteSDP": SDP,
                    "domError": { "name": "OperationError", "message": "Failed to set remote offer sdp" } }),
        ),
        "events/fabric/action" => with(
            on_fabric,
            json!({ "fabricEvent": "activeDeviceList", "eventData": { "mediaDeviceList": [
                { "mediaDeviceID": "mic-1", "kind": "audioinput", "label": "USB" }
            ] } }),
        ),
        "events/calldetails" => json!({ "connectionID": "pc-1",
            "callAttributes": { "callType": "inbound", "role": "agent", "queue": "billing" } }),
        "events/precalltest" => json!({
            "connectivity": true, "rtt": 20.5, "jitter": 1.2, "fractionLoss": 0.01, "throughput": 1500,
            "candidateType": "relay", "duration": 5000, "message": "ok"
        }),
        "events/media/firstframe" => with(on_fabric, json!({ "ssrc": "1234", "delay": 250 })),
        // alive, left, dominant speaker: the header alone.
        _ => json!({}),
    };
    with(header(user), extra)
}

const SDP: &str = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

/// A stats poll whose figures reach every column (rtt, jitter, fps, ...).
fn stats() -> Value {
    json!({
        "tracks": [
            { "id": "IT01A1234", "type": "inbound-rtp", "kind": "audio", "ssrc": "1234", "jitter": 0.012,
              "packetsLost": 7, "packetsReceived": 480, "fractionLost": 0.05, "bitrate": 32000,
              "bytesReceived": 9000, "roundTripTime": 0.05 },
            { "type": "outbound-rtp", "kind": "video", "ssrc": 5678, "framesPerSecond": 30, "frameWidth": 1280,
              "frameHeight": 720, "packetsSent": 900, "roundTripTime": 0.08 }
        ],
        "candidatePairs": [{ "id": "CP1", "currentRoundTripTime": 0.041, "state": "succeeded" }]
    })
}

/// An `iceCandidatesObj`.
fn pair(id: &str) -> Value {
    json!({
        "candidateID": id, "localAddress": "192.0.2.1", "localPort": 50000, "localCandidateType": "host",
        "remoteAddress": "peer.local", "remotePort": 3478, "remoteCandidateType": "srflx",
        "transportType": "udp", "protocol": "udp"
    })
}
