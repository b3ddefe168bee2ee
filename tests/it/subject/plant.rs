//! A two-person call sent through the real collector over HTTP, with one
//! person's identifiers planted in every place the collector stores them:
//! their join, both sides of the connection, ICE candidates, SDPs, stats,
//! SSRC maps, logs and errors, device lists, media events, feedback,
//! system status, the pre-call test, call details and fabric actions.

use serde_json::{Value, json};

use crate::collector::{Collector, Joined, now_ms, with};

/// The person to erase: every string that identifies them.
pub const SUBJECT: &str = "zq-subject-uid-4411";
pub const NAME: &str = "Zelda Quixote-Planted";
pub const ALIAS: &str = "zq-alias-7788";
pub const LOGIN: &str = "zelda.q@planted.example";
pub const DEVICE: &str = "zq-device-9931";
pub const IP: &str = "203.0.113.77";
pub const LABEL: &str = "Zelda Plantedcam 3000";
pub const COMMENT: &str = "zq comment: the echo was awful 5521";

/// Every planted string.
pub const PLANTED: [&str; 8] = [SUBJECT, NAME, ALIAS, LOGIN, DEVICE, IP, LABEL, COMMENT];

/// The other person of the call, who must stay as they were.
pub const OTHER: &str = "bob-keep-uid";
pub const OTHER_NAME: &str = "Bob Keeper-Untouched";
pub const OTHER_IP: &str = "198.51.100.23";

pub const ROOM: &str = "zq-planted-room";

fn user_object(name: &str, alias: &str, login: &str) -> Value {
    json!({ "userName": name, "aliasName": alias, "loginID": login })
}

fn header(local: &str, device: &str) -> Value {
    json!({ "localID": local, "deviceID": device, "timestamp": now_ms() })
}

/// Joins ROOM as `local` with a userID object and configParams.
async fn join(collector: &Collector, local: &str, device: &str, who: Value, customer: &str) -> Joined {
    let token = collector.authenticate(local).await;
    let body = with(
        header(local, device),
        json!({
            "endpointInfo": { "type": "browser", "name": "Chrome", "os": "Linux" },
            "userID": who,
            "configParams": { "applicationVersion": "9.1", "additionalIDs": { "customerID": customer } },
        }),
    );
    let response = collector.post(&token, &collector.conference_url(&collector.app_id, ROOM, &[]), &body).await;
    assert_eq!(response.status(), 200, "join: {}", response.text().await.unwrap_or_default());
    let answer: Value = response.json().await.expect("json");
    let uc_id = answer["ucID"].as_str().expect("ucID").to_owned();
    Joined { token, conf: ROOM.to_owned(), uc_id, user: local.to_owned() }
}

/// Sends `fields` (over the header of `joined`) to its `suffix`; panics unless accepted.
async fn send(collector: &Collector, joined: &Joined, device: &str, suffix: &str, fields: Value) {
    let body = with(header(&joined.user, device), fields);
    let response = collector.send(joined, suffix, &body).await;
    let status = response.status();
    assert_eq!(status, 200, "{suffix}: {}", response.text().await.unwrap_or_default());
}

fn pair(local: &str, remote: &str) -> Value {
    json!({
        "candidateID": "cand-1", "localAddress": local, "localPort": 54321, "localCandidateType": "srflx",
        "remoteAddress": remote, "remotePort": 50000, "remoteCandidateType": "srflx",
        "protocol": "udp", "transportType": "udp",
    })
}

fn sdp(address: &str, session: &str) -> String {
    format!(
        "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns={session}\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\
         c=IN IP4 {address}\r\na=candidate:1 1 udp 2122260223 {address} 54321 typ srflx\r\na=rtpmap:111 opus/48000/2\r\n"
    )
}

/// One side of the call: everything `joined` (on `device`, at `address`)
/// reports about its connection `connection` to `remote` (at `remote_address`).
async fn side(c: &Collector, me: &Joined, device: &str, link: (&str, &str, Value), addresses: (&str, &str)) {
    let (connection, remote, remote_user) = link;
    let (address, remote_address) = addresses;
    let on = json!({ "connectionID": connection, "remoteID": remote });
    let fields = |extra: Value| with(on.clone(), extra);
    send(
        c,
        me,
        device,
        "events/fabric/added",
        fields(json!({ "fabricUsage": "multiplex", "remoteUserID": remote_user.clone() })),
    )
    .await;
    let setup = json!({ "eventType": "fabricSetup", "delay": 300, "iceGatheringDelay": 100, "iceConnectivityDelay": 200,
        "localCandidates": [pair(address, remote_address)], "remoteCandidates": [pair(address, remote_address)] });
    send(c, me, device, "events/fabric", fields(setup)).await;
    let sdps = json!({ "localSDP": sdp(address, &me.user), "remoteSDP": sdp(remote_address, remote) });
    send(c, me, device, "events/sdp", fields(sdps)).await;
    let stats = json!({ "stats": {
        "tracks": [{ "type": "outbound-rtp", "kind": "audio", "ssrc": "1111", "packetsSent": 500 }],
        "candidatePairs": [{ "id": "CP1", "currentRoundTripTime": 0.04, "state": "succeeded",
            "localAddress": address, "localCandidateType": "srflx", "remoteAddress": remote_address }],
    }});
    send(c, me, device, "stats", fields(stats)).await;
    let ssrc = json!({ "ssrcData": [
        { "ssrc": "1111", "streamType": "outbound", "userID": me_object(&me.user), "usageLabel": "microphone" },
        { "ssrc": "2222", "streamType": "inbound", "userID": remote_user, "usageLabel": "microphone" },
    ]});
    send(c, me, device, "events/ssrcmap", fields(ssrc)).await;
}

/// The userID object each person sends for themselves.
fn me_object(user: &str) -> Value {
    if user == SUBJECT {
        user_object(NAME, ALIAS, LOGIN)
    } else {
        user_object(OTHER_NAME, "bob-alias", "bob@keep.example")
    }
}

/// Plants the call; returns the subject's and the other's endpoints.
pub async fn call(c: &Collector) -> (Joined, Joined) {
    let z = join(c, SUBJECT, DEVICE, me_object(SUBJECT), LOGIN).await;
    let b = join(c, OTHER, "bob-device", me_object(OTHER), "bob-customer").await;
    side(c, &z, DEVICE, ("z-b", OTHER, me_object(OTHER)), (IP, OTHER_IP)).await;
    side(c, &b, "bob-device", ("b-z", SUBJECT, me_object(SUBJECT)), (OTHER_IP, IP)).await;

    let z_on = json!({ "connectionID": "z-b", "remoteID": OTHER });
    let log = format!("{NAME} ({LOGIN}, {ALIAS}) joined from {IP} on {DEVICE}");
    send(
        c,
        &z,
        DEVICE,
        "events/error",
        with(z_on.clone(), json!({ "wrtcFuncName": "applicationLog", "message": log })),
    )
    .await;
    let dom = json!({ "name": "NotReadableError", "message": format!("{LABEL} is busy") });
    let gum = json!({ "wrtcFuncName": "getUserMedia", "domError": dom, "localSDP": sdp(IP, NAME) });
    send(c, &z, DEVICE, "events/error", gum).await;
    let b_on = json!({ "connectionID": "b-z", "remoteID": SUBJECT });
    let b_log = format!("calling {SUBJECT} ({NAME}) at {IP}");
    send(
        c,
        &b,
        "bob-device",
        "events/error",
        with(b_on, json!({ "wrtcFuncName": "applicationLog", "message": b_log })),
    )
    .await;

    let devices = json!([{ "mediaDeviceID": "cam-zq", "kind": "videoinput", "label": LABEL, "groupID": "g-zq" }]);
    send(c, &z, DEVICE, "events/devices/list", json!({ "eventType": "activeDeviceList", "mediaDeviceList": devices }))
        .await;
    let mute = json!({ "eventType": "audioMute", "mediaDeviceID": "mic-b", "remoteIDList": [SUBJECT] });
    send(c, &b, "bob-device", "events/media/actions", mute).await;
    let hold = with(z_on.clone(), json!({ "fabricEvent": "fabricHold", "eventData": { "by": NAME } }));
    send(c, &z, DEVICE, "events/fabric/action", hold).await;
    let details = json!({ "callAttributes": { "callType": "inbound", "role": "agent", "customer": NAME } });
    send(c, &z, DEVICE, "events/calldetails", with(z_on.clone(), details)).await;
    let status = json!({ "statusStats": { "cpuUsage": 30, "cameraName": LABEL } });
    send(c, &z, DEVICE, "system/status", status).await;
    let precall = json!({ "connectivity": true, "candidateType": "srflx", "message": format!("reached {IP}") });
    send(c, &z, DEVICE, "events/precalltest", precall).await;

    let z_feedback = json!({ "remoteID": OTHER, "feedback": { "overallRating": 2, "comments": COMMENT } });
    send(c, &z, DEVICE, "events/feedback", z_feedback).await;
    let b_comment = format!("{NAME} was clear");
    let b_feedback = json!({ "remoteID": SUBJECT, "feedback": { "overallRating": 4, "comments": b_comment } });
    send(c, &b, "bob-device", "events/feedback", b_feedback).await;

    for (me, device, connection, remote) in [(&z, DEVICE, "z-b", OTHER), (&b, "bob-device", "b-z", SUBJECT)] {
        let on = json!({ "connectionID": connection, "remoteID": remote, "eventType": "fabricTerminated" });
        send(c, me, device, "events/fabric", on).await;
        send(c, me, device, "events/user/left", json!({})).await;
    }
    (z, b)
}
