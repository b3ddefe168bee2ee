//! The remaining v1 event endpoints over real HTTP: what a valid body
//! stores, and which field an invalid one is refused for.

use serde_json::{Value, json};
use sqlx::{PgPool, Row};

use super::{Collector, Joined, assert_invalid, header, now_ms, with};

/// Asserts `200 {"status":"success","msg":"<step> received"}`.
async fn assert_received(response: reqwest::Response, step: &str) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json body");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "status": "success", "msg": format!("{step} received") }));
}

/// A header at `timestamp` (ms).
fn header_at(user: &str, timestamp: f64) -> Value {
    with(header(user), json!({ "timestamp": timestamp }))
}

/// An `iceCandidatesObj`.
fn pair(id: &str, local_type: &str, remote_type: &str) -> Value {
    json!({
        "candidateID": id, "localAddress": "192.0.2.1", "localPort": 50000, "localCandidateType": local_type,
        "remoteAddress": "peer.local", "remotePort": 3478, "remoteCandidateType": remote_type,
        "transportType": "udp", "protocol": "udp"
    })
}

/// The fields naming a fabric.
fn on_fabric(joined: &Joined, connection_id: &str) -> Value {
    with(header(&joined.user), json!({ "remoteID": "bob", "connectionID": connection_id }))
}

/// The id of the fabric `connection_id` of `joined`.
async fn fabric_id(pool: &PgPool, joined: &Joined, connection_id: &str) -> i64 {
    sqlx::query_scalar("select id from fabrics where endpoint_id = $1::uuid and connection_id = $2")
        .bind(&joined.uc_id)
        .bind(connection_id)
        .fetch_one(pool)
        .await
        .expect("fabric")
}

/// Kind, fabric and payload of the endpoint's timeline, oldest first.
async fn timeline(pool: &PgPool, joined: &Joined) -> Vec<(String, Option<i64>, Value)> {
    sqlx::query_as("select kind, fabric_id, payload from fabric_events where endpoint_id = $1::uuid order by id")
        .bind(&joined.uc_id)
        .fetch_all(pool)
        .await
        .expect("timeline")
}

async fn instance_of(pool: &PgPool, joined: &Joined) -> i64 {
    sqlx::query_scalar("select instance_id from endpoints where id = $1::uuid")
        .bind(&joined.uc_id)
        .fetch_one(pool)
        .await
        .expect("endpoint")
}

#[sqlx::test]
async fn device_lists_go_to_the_endpoint_timeline(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let devices = json!([
        { "mediaDeviceID": "mic-1", "kind": "audioinput", "label": "Built-in Microphone", "groupID": "g1" },
        { "mediaDeviceID": "cam-1" }
    ]);
    let body = with(header("alice"), json!({ "eventType": "activeDeviceList", "mediaDeviceList": devices }));
    assert_received(collector.send(&alice, "events/devices/list", &body).await, "deviceList").await;
    let events = timeline(&collector.server.pool, &alice).await;
    assert_eq!(events, [("activeDeviceList".to_owned(), None, json!({ "mediaDeviceList": devices }))]);

    let wrong_kind = with(body.clone(), json!({ "eventType": "someDeviceList" }));
    assert_invalid(collector.send(&alice, "events/devices/list", &wrong_kind).await, 422, "eventType").await;
    let mut missing = body.clone();
    missing.as_object_mut().expect("object").remove("mediaDeviceList");
    assert_invalid(collector.send(&alice, "events/devices/list", &missing).await, 422, "mediaDeviceList").await;
    let too_many = with(body, json!({ "mediaDeviceList": vec![json!({ "mediaDeviceID": "d" }); 1001] }));
    assert_invalid(collector.send(&alice, "events/devices/list", &too_many).await, 422, "mediaDeviceList").await;
}

#[sqlx::test]
async fn media_actions_use_the_sdk_spelling_of_unmute(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let body = with(
        header("alice"),
        json!({ "eventType": "audioUnMute", "mediaDeviceID": "mic-1", "remoteIDList": ["bob", "ボブ"] }),
    );
    assert_received(collector.send(&alice, "events/media/actions", &body).await, "mediaAction").await;
    let events = timeline(&collector.server.pool, &alice).await;
    let payload = json!({ "mediaDeviceID": "mic-1", "remoteIDList": ["bob", "ボブ"] });
    assert_eq!(events, [("audioUnmute".to_owned(), None, payload)]);

    let sdk_spelling = with(body.clone(), json!({ "eventType": "audioUnmute" }));
    assert_invalid(collector.send(&alice, "events/media/actions", &sdk_spelling).await, 422, "eventType").await;
    let long_id = with(body.clone(), json!({ "remoteIDList": ["r".repeat(257)] }));
    assert_invalid(collector.send(&alice, "events/media/actions", &long_id).await, 422, "remoteIDList[0]").await;
    let mut missing = body;
    missing.as_object_mut().expect("object").remove("mediaDeviceID");
    assert_invalid(collector.send(&alice, "events/media/actions", &missing).await, 422, "mediaDeviceID").await;
}

#[sqlx::test]
async fn media_pipeline_events_keep_the_ssrc(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let body = with(header("alice"), json!({ "eventType": "mediaPlaybackStalled", "ssrc": "4294967295" }));
    assert_received(collector.send(&alice, "events/media/pipeline", &body).await, "mediaPipeline").await;
    let events = timeline(&collector.server.pool, &alice).await;
    assert_eq!(events, [("mediaPlaybackStalled".to_owned(), None, json!({ "ssrc": "4294967295" }))]);

    for ssrc in ["4294967296", "12a", ""] {
        let bad = with(body.clone(), json!({ "ssrc": ssrc }));
        assert_invalid(collector.send(&alice, "events/media/pipeline", &bad).await, 422, "ssrc").await;
    }
    let started = with(body, json!({ "eventType": "mediaPlaybackStarted" }));
    assert_invalid(collector.send(&alice, "events/media/pipeline", &started).await, 422, "eventType").await;
}

#[sqlx::test]
async fn dominant_speaker_is_an_endpoint_event(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    assert_received(collector.send(&alice, "events/dominantspeaker", &header("alice")).await, "dominantSpeaker").await;
    assert_eq!(timeline(&collector.server.pool, &alice).await, [("dominantSpeaker".to_owned(), None, json!({}))]);

    let mut missing = header("alice");
    missing.as_object_mut().expect("object").remove("timestamp");
    assert_invalid(collector.send(&alice, "events/dominantspeaker", &missing).await, 422, "timestamp").await;
}

#[sqlx::test]
async fn fabric_setup_records_its_delay_and_candidates(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let t0 = now_ms() - 10_000.0;
    // A plain REST client has no addNewFabric: the first message creates the fabric.
    let first = with(
        on_fabric(&alice, "pc-1"),
        json!({ "timestamp": t0, "prevState": "new", "newState": "checking", "changedState": "iceConnectionState" }),
    );
    assert_received(collector.send(&alice, "events/fabric/statechange", &first).await, "stateChange").await;
    let setup = with(
        on_fabric(&alice, "pc-1"),
        json!({
            "timestamp": t0 + 1500.0, "eventType": "fabricSetup", "iceGatheringDelay": 120, "iceConnectivityDelay": 340,
            "localCandidates": [pair("l1", "host", "srflx"), pair("l2", "relay", "host")],
            "remoteCandidates": [pair("r1", "prflx", "host")]
        }),
    );
    assert_received(collector.send(&alice, "events/fabric", &setup).await, "fabricSetup").await;

    let fabric = fabric_id(pool, &alice, "pc-1").await;
    let row = sqlx::query(
        "select state, setup_delay_ms, ice_gathering_delay_ms, ice_connectivity_delay_ms from fabrics where id = $1",
    )
    .bind(fabric)
    .fetch_one(pool)
    .await
    .expect("fabric row");
    assert_eq!(row.get::<String, _>("state"), "setup");
    assert_eq!(row.get::<Option<i32>, _>("setup_delay_ms"), Some(1500), "timestamp - added_at");
    assert_eq!(row.get::<Option<i32>, _>("ice_gathering_delay_ms"), Some(120));
    assert_eq!(row.get::<Option<i32>, _>("ice_connectivity_delay_ms"), Some(340));
    let candidates: Vec<(String, String, String, i32, String)> = sqlx::query_as(
        "select source, role, candidate_id, local_port, local_candidate_type from ice_candidates
         where fabric_id = $1 order by candidate_id",
    )
    .bind(fabric)
    .fetch_all(pool)
    .await
    .expect("candidates");
    let expected = [("l1", "local", "host"), ("l2", "local", "relay"), ("r1", "remote", "prflx")]
        .map(|(id, role, kind)| ("fabricSetup".to_owned(), role.to_owned(), id.to_owned(), 50000, kind.to_owned()));
    assert_eq!(candidates, expected);
    let kinds: Vec<String> = timeline(pool, &alice).await.into_iter().map(|(kind, _, _)| kind).collect();
    assert_eq!(kinds, ["fabricStateChange", "fabricSetup"]);

    // A setup stamped before the fabric was first seen is never a negative delay.
    let early = with(on_fabric(&alice, "pc-2"), json!({ "timestamp": t0, "eventType": "fabricSetup" }));
    let later = with(on_fabric(&alice, "pc-2"), json!({ "timestamp": t0 + 10.0, "eventType": "fabricSetupFailed" }));
    assert_received(collector.send(&alice, "events/fabric", &later).await, "fabricSetupFailed").await;
    assert_received(collector.send(&alice, "events/fabric", &early).await, "fabricSetup").await;
    let delay: Option<i32> = sqlx::query_scalar("select setup_delay_ms from fabrics where id = $1")
        .bind(fabric_id(pool, &alice, "pc-2").await)
        .fetch_one(pool)
        .await
        .expect("delay");
    assert_eq!(delay, Some(0));
}

#[sqlx::test]
async fn fabric_failures_keep_delay_and_reason_and_bad_bodies_are_refused(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let failed = with(
        on_fabric(&alice, "pc-1"),
        json!({ "eventType": "fabricSetupFailed", "delay": 2500, "reason": "TransportFailure" }),
    );
    assert_received(collector.send(&alice, "events/fabric", &failed).await, "fabricSetupFailed").await;
    let row = sqlx::query("select state, failure_delay_ms, failure_reason, failed_at from fabrics where id = $1")
        .bind(fabric_id(pool, &alice, "pc-1").await)
        .fetch_one(pool)
        .await
        .expect("fabric row");
    assert_eq!(row.get::<String, _>("state"), "failed");
    assert_eq!(row.get::<Option<i32>, _>("failure_delay_ms"), Some(2500));
    assert_eq!(row.get::<Option<String>, _>("failure_reason").as_deref(), Some("TransportFailure"));
    assert!(row.get::<Option<chrono::DateTime<chrono::Utc>>, _>("failed_at").is_some());
    let events = timeline(pool, &alice).await;
    // Numbers are kept as the JSON numbers they were parsed to.
    assert_eq!(events[0].2, json!({ "remoteID": "bob", "delay": 2500.0, "reason": "TransportFailure" }));

    let bad_port = with(pair("l1", "host", "host"), json!({ "localPort": 70000 }));
    let bad_protocol = with(pair("r1", "host", "host"), json!({ "protocol": "sctp" }));
    let mut no_connection = failed.clone();
    no_connection.as_object_mut().expect("object").remove("connectionID");
    let cases = [
        (with(failed.clone(), json!({ "reason": "Bad luck" })), "reason"),
        (with(failed.clone(), json!({ "eventType": "fabricDown" })), "eventType"),
        (with(failed.clone(), json!({ "delay": -1 })), "delay"),
        (with(failed.clone(), json!({ "connectionID": "" })), "connectionID"),
        (with(failed.clone(), json!({ "connectionID": "c".repeat(257) })), "connectionID"),
        (with(failed.clone(), json!({ "remoteCandidates": [bad_protocol] })), "remoteCandidates[0].protocol"),
        (with(failed.clone(), json!({ "localCandidates": [bad_port] })), "localCandidates[0].localPort"),
        (no_connection, "connectionID"),
    ];
    for (body, field) in cases {
        assert_invalid(collector.send(&alice, "events/fabric", &body).await, 422, field).await;
    }
}

#[sqlx::test]
async fn when_the_last_fabric_terminates_the_conference_id_starts_a_new_instance(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("room", "alice").await;
    let bob = collector.join("room", "bob").await;
    let old = instance_of(pool, &alice).await;
    assert_eq!(instance_of(pool, &bob).await, old, "same live instance");
    for (joined, connection_id) in [(&alice, "a-b"), (&bob, "b-a")] {
        let setup = with(on_fabric(joined, connection_id), json!({ "eventType": "fabricSetup" }));
        assert_received(collector.send(joined, "events/fabric", &setup).await, "fabricSetup").await;
    }
    let status = |id: i64| async move {
        sqlx::query_as::<_, (String, Option<String>, bool)>(
            "select status, end_reason, ended_at is not null from conference_instances where id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("instance")
    };

    let terminate = with(on_fabric(&alice, "a-b"), json!({ "eventType": "fabricTerminated" }));
    assert_received(collector.send(&alice, "events/fabric", &terminate).await, "fabricTerminated").await;
    assert_eq!(status(old).await, ("live".to_owned(), None, false), "bob's fabric is still set up");

    let terminate = with(on_fabric(&bob, "b-a"), json!({ "eventType": "fabricTerminated" }));
    assert_received(collector.send(&bob, "events/fabric", &terminate).await, "fabricTerminated").await;
    assert_eq!(status(old).await, ("ended".to_owned(), Some("fabricsEnded".to_owned()), true));
    let state: String = sqlx::query_scalar("select state from fabrics where id = $1")
        .bind(fabric_id(pool, &bob, "b-a").await)
        .fetch_one(pool)
        .await
        .expect("state");
    assert_eq!(state, "terminated");

    let carol = collector.join("room", "carol").await;
    let new = instance_of(pool, &carol).await;
    assert_ne!(new, old, "a join after the end starts a new instance");
    assert_eq!(status(new).await.0, "live");
    assert_eq!(instance_of(pool, &alice).await, old, "the old endpoint stays in the old instance");
    assert_received(collector.send(&alice, "events/dominantspeaker", &header("alice")).await, "dominantSpeaker").await;
    assert_eq!(instance_of(pool, &alice).await, old);
}

#[sqlx::test]
async fn ice_status_stores_the_pairs_and_the_event(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let body = with(
        on_fabric(&alice, "pc-1"),
        json!({
            "eventType": "iceDisruptionStart", "currIceCandidatePair": pair("c", "host", "host"),
            "prevIceCandidatePair": pair("p", "relay", "srflx"), "currIceCandidateState": "failed",
            "prevIceCandidateState": "succeeded", "delay": 40
        }),
    );
    assert_received(collector.send(&alice, "events/ice/status", &body).await, "iceStatus").await;
    let fabric = fabric_id(pool, &alice, "pc-1").await;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select source, role, candidate_id from ice_candidates where fabric_id = $1 order by role")
            .bind(fabric)
            .fetch_all(pool)
            .await
            .expect("candidates");
    let expected = [("current", "c"), ("previous", "p")]
        .map(|(role, id)| ("iceStatus".to_owned(), role.to_owned(), id.to_owned()));
    assert_eq!(rows, expected);
    let payload = json!({
        "remoteID": "bob", "currIceCandidateState": "failed", "prevIceCandidateState": "succeeded", "delay": 40.0
    });
    assert_eq!(timeline(pool, &alice).await, [("iceDisruptionStart".to_owned(), Some(fabric), payload)]);

    let wrong = with(body.clone(), json!({ "eventType": "iceMeltdown" }));
    assert_invalid(collector.send(&alice, "events/ice/status", &wrong).await, 422, "eventType").await;
    let long_state = with(body, json!({ "currIceCandidateState": "s".repeat(65) }));
    assert_invalid(collector.send(&alice, "events/ice/status", &long_state).await, 422, "currIceCandidateState").await;
}

#[sqlx::test]
async fn transport_changes_store_both_pairs_and_the_relay_type(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let body = with(
        on_fabric(&alice, "pc-1"),
        json!({
            "currIceCandidatePair": pair("c", "relay", "host"), "prevIceCandidatePair": pair("p", "host", "host"),
            "relayType": "turn/tls", "delay": 12
        }),
    );
    assert_received(collector.send(&alice, "events/fabric/transportchange", &body).await, "transportChange").await;
    let fabric = fabric_id(pool, &alice, "pc-1").await;
    let relay: Option<String> = sqlx::query_scalar("select relay_type from fabrics where id = $1")
        .bind(fabric)
        .fetch_one(pool)
        .await
        .expect("relay type");
    assert_eq!(relay.as_deref(), Some("turn/tls"));
    let roles: Vec<(String, String)> =
        sqlx::query_as("select source, role from ice_candidates where fabric_id = $1 order by role")
            .bind(fabric)
            .fetch_all(pool)
            .await
            .expect("candidates");
    let expected = ["current", "previous"].map(|role| ("fabricTransportChange".to_owned(), role.to_owned()));
    assert_eq!(roles, expected);
    let payload = json!({ "remoteID": "bob", "delay": 12.0, "relayType": "turn/tls" });
    assert_eq!(timeline(pool, &alice).await, [("fabricTransportChange".to_owned(), Some(fabric), payload)]);

    let direct = with(body.clone(), json!({ "relayType": "" }));
    assert_received(collector.send(&alice, "events/fabric/transportchange", &direct).await, "transportChange").await;
    let relay: Option<String> = sqlx::query_scalar("select relay_type from fabrics where id = $1")
        .bind(fabric)
        .fetch_one(pool)
        .await
        .expect("relay type");
    assert_eq!(relay.as_deref(), Some(""), "empty: not relayed");

    let bad_relay = with(body.clone(), json!({ "relayType": "turn/sctp" }));
    assert_invalid(collector.send(&alice, "events/fabric/transportchange", &bad_relay).await, 422, "relayType").await;
    let mut missing = body;
    missing.as_object_mut().expect("object").remove("prevIceCandidatePair");
    let response = collector.send(&alice, "events/fabric/transportchange", &missing).await;
    assert_invalid(response, 422, "prevIceCandidatePair").await;
}

#[sqlx::test]
async fn state_changes_update_the_matching_state(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let change = |prev: &str, new: &str, changed: &str| {
        with(on_fabric(&alice, "pc-1"), json!({ "prevState": prev, "newState": new, "changedState": changed }))
    };
    for body in [
        change("new", "checking", "iceConnectionState"),
        change("stable", "have-local-offer", "signalingState"),
        change("new", "gathering", "iceGatheringState"),
        change("new", "connecting", "connectionState"),
        change("checking", "connected", "iceConnectionState"),
    ] {
        assert_received(collector.send(&alice, "events/fabric/statechange", &body).await, "stateChange").await;
    }
    let fabric = fabric_id(pool, &alice, "pc-1").await;
    let states: (String, String, String, String, bool) = sqlx::query_as(
        "select ice_connection_state, signaling_state, ice_gathering_state, connection_state,
                state_changed_at is not null
         from fabrics where id = $1",
    )
    .bind(fabric)
    .fetch_one(pool)
    .await
    .expect("states");
    let expected = ("connected", "have-local-offer", "gathering", "connecting", true);
    assert_eq!(states, (expected.0.into(), expected.1.into(), expected.2.into(), expected.3.into(), expected.4));
    let events = timeline(pool, &alice).await;
    assert_eq!(events.len(), 5);
    let payload = json!({ "prevState": "checking", "newState": "connected", "changedState": "iceConnectionState" });
    assert_eq!(events[4], ("fabricStateChange".to_owned(), Some(fabric), payload));

    let long = change("new", &"s".repeat(65), "iceConnectionState");
    assert_invalid(collector.send(&alice, "events/fabric/statechange", &long).await, 422, "newState").await;
    let unknown = change("new", "checking", "dtlsState");
    assert_invalid(collector.send(&alice, "events/fabric/statechange", &unknown).await, 422, "changedState").await;
}

#[sqlx::test]
async fn ssrc_maps_are_upserted_and_the_latest_wins(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let t0 = now_ms();
    let map = |timestamp: f64, data: Value| {
        with(on_fabric(&alice, "pc-1"), json!({ "timestamp": timestamp, "ssrcData": data }))
    };
    let first = map(
        t0,
        json!([
            { "ssrc": "1234", "streamType": "outbound", "userID": "alice", "usageLabel": "camera", "cname": "c1" },
            { "ssrc": "4294967295", "streamType": "inbound", "usageLabel": "x",
              "userID": { "userName": "Bob Real", "aliasName": "bob", "loginID": "bob@example.com" },
              "associatedVideoTag": "remote-video", "msid": "m1", "localStartTime": 5 },
            // a later entry for the same SSRC in one body wins
            { "ssrc": "4294967295", "streamType": "inbound", "usageLabel": "screen",
              "userID": { "userName": "Bob Real", "aliasName": "bob", "loginID": "bob@example.com" },
              "associatedVideoTag": "remote-video", "msid": "m1", "localStartTime": 5 }
        ]),
    );
    assert_received(collector.send(&alice, "events/ssrcmap", &first).await, "ssrcMap").await;
    let second = map(t0 + 1000.0, json!([{ "ssrc": "1234", "userID": "alice", "usageLabel": "microphone" }]));
    assert_received(collector.send(&alice, "events/ssrcmap", &second).await, "ssrcMap").await;
    let stale = map(t0 - 1000.0, json!([{ "ssrc": "1234", "userID": "alice", "usageLabel": "stale" }]));
    assert_received(collector.send(&alice, "events/ssrcmap", &stale).await, "ssrcMap").await;

    type MapRow = (i64, String, Option<String>, Option<String>, Option<String>, Option<String>, Value);
    let rows: Vec<MapRow> = sqlx::query_as(
        "select ssrc, user_id, user_name, alias_name, usage_label, stream_type, details
         from ssrc_maps where fabric_id = $1 order by ssrc",
    )
    .bind(fabric_id(pool, &alice, "pc-1").await)
    .fetch_all(pool)
    .await
    .expect("maps");
    let some = |text: &str| Some(text.to_owned());
    assert_eq!(
        rows,
        [
            (1234, "alice".to_owned(), None, None, some("microphone"), None, json!({})),
            (
                4294967295,
                "bob".to_owned(),
                some("Bob Real"),
                some("bob"),
                some("screen"),
                some("inbound"),
                json!({ "msid": "m1", "localStartTime": 5.0, "loginID": "bob@example.com" })
            ),
        ]
    );

    let cases = [
        (json!([{ "ssrc": "12a" }]), "ssrcData[0].ssrc"),
        (json!([{ "ssrc": "1" }, { "ssrc": "4294967296" }]), "ssrcData[1].ssrc"),
        (json!([{ "ssrc": "1", "usageLabel": "u".repeat(21) }]), "ssrcData[0].usageLabel"),
        (json!([{ "ssrc": "1", "streamType": "sideways" }]), "ssrcData[0].streamType"),
        (json!([{ "ssrc": "1", "userID": "u".repeat(257) }]), "ssrcData[0].userID"),
        (json!(vec![json!({ "ssrc": "1" }); 1001]), "ssrcData"),
    ];
    for (data, field) in cases {
        assert_invalid(collector.send(&alice, "events/ssrcmap", &map(t0, data)).await, 422, field).await;
    }
}

#[sqlx::test]
async fn sdps_are_stored_and_one_is_required(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n";
    let body = with(on_fabric(&alice, "pc-1"), json!({ "localSDP": sdp }));
    assert_received(collector.send(&alice, "events/sdp", &body).await, "sdp").await;
    let stored: (Option<String>, Option<String>) =
        sqlx::query_as("select local_sdp, remote_sdp from sdps where fabric_id = $1")
            .bind(fabric_id(pool, &alice, "pc-1").await)
            .fetch_one(pool)
            .await
            .expect("sdp row");
    assert_eq!(stored, (Some(sdp.to_owned()), None));

    let neither = on_fabric(&alice, "pc-1");
    assert_invalid(collector.send(&alice, "events/sdp", &neither).await, 422, "localSDP").await;
    let wrong_type = with(neither, json!({ "remoteSDP": 42 }));
    assert_invalid(collector.send(&alice, "events/sdp", &wrong_type).await, 422, "remoteSDP").await;
}

#[sqlx::test]
async fn feedback_is_stored_and_summarised_on_the_instance(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let bob = collector.join("conf", "bob").await;
    let feedback = |user: &str, ratings: Value| with(header(user), json!({ "remoteID": "peer", "feedback": ratings }));
    let first = feedback("alice", json!({ "overallRating": 4, "audioQualityRating": 2, "screenQualityRating": 3 }));
    assert_received(collector.send(&alice, "events/feedback", &first).await, "feedback").await;
    let second = feedback("bob", json!({ "overallRating": 5, "comments": "crisp" }));
    assert_received(collector.send(&bob, "events/feedback", &second).await, "feedback").await;
    let comment_only = feedback("bob", json!({ "comments": "echo at the start" }));
    assert_received(collector.send(&bob, "events/feedback", &comment_only).await, "feedback").await;

    let row: (Option<i16>, Option<i16>, Option<i16>, Option<String>, String) = sqlx::query_as(
        "select overall_rating, audio_rating, screen_rating, comment, remote_user_id
         from feedback where endpoint_id = $1::uuid",
    )
    .bind(&alice.uc_id)
    .fetch_one(pool)
    .await
    .expect("feedback row");
    assert_eq!(row, (Some(4), Some(2), Some(3), None, "peer".to_owned()));
    let summary: (i32, Option<i16>, Option<f64>) = sqlx::query_as(
        "select feedback_count, feedback_min_rating, feedback_avg_overall from conference_instances where id = $1",
    )
    .bind(instance_of(pool, &alice).await)
    .fetch_one(pool)
    .await
    .expect("instance");
    assert_eq!(summary, (3, Some(2), Some(4.5)));

    let cases = [
        (json!({ "overallRating": 6 }), "feedback.overallRating"),
        (json!({ "overallRating": 0 }), "feedback.overallRating"),
        (json!({ "videoQualityRating": 4.5 }), "feedback.videoQualityRating"),
        (json!({ "screenQualityRating": -1 }), "feedback.screenQualityRating"),
        (json!({ "comments": "c".repeat(8 * 1024 + 1) }), "feedback.comments"),
        (json!({}), "feedback"),
        (json!({ "comments": "" }), "feedback"),
    ];
    for (ratings, field) in cases {
        assert_invalid(collector.send(&alice, "events/feedback", &feedback("alice", ratings)).await, 422, field).await;
    }
    let mut no_remote = feedback("alice", json!({ "overallRating": 3 }));
    no_remote.as_object_mut().expect("object").remove("remoteID");
    assert_invalid(collector.send(&alice, "events/feedback", &no_remote).await, 422, "remoteID").await;
}

#[sqlx::test]
async fn system_status_keeps_known_figures_in_columns_and_the_rest_raw(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("conf", "alice").await;
    let stats = json!({ "cpuUsage": 37.5, "batteryLevel": 80, "memoryUsage": 512, "totalMemory": 8192,
                        "threadCount": 24, "gpuUsage": 12 });
    let body = with(header_at("alice", now_ms()), json!({ "statusStats": stats }));
    assert_received(collector.send(&alice, "system/status", &body).await, "systemStatus").await;
    type StatusRow = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<i32>, Value);
    let row: StatusRow = sqlx::query_as(
        "select cpu_usage, battery_level, memory_usage, total_memory, thread_count, raw
         from system_status_samples where endpoint_id = $1::uuid",
    )
    .bind(&alice.uc_id)
    .fetch_one(pool)
    .await
    .expect("sample");
    assert_eq!(row, (Some(37.5), Some(80.0), Some(512.0), Some(8192.0), Some(24), json!({ "gpuUsage": 12 })));

    let cases = [
        (json!({ "cpuUsage": -1 }), "statusStats.cpuUsage"),
        (json!({ "batteryLevel": "full" }), "statusStats.batteryLevel"),
        (json!({ "threadCount": 1.5 }), "statusStats.threadCount"),
        (json!({ "threadCount": 3_000_000_000_u64 }), "statusStats.threadCount"),
    ];
    for (stats, field) in cases {
        let bad = with(header("alice"), json!({ "statusStats": stats }));
        assert_invalid(collector.send(&alice, "system/status", &bad).await, 422, field).await;
    }
}

#[sqlx::test]
async fn the_openapi_document_spells_enums_as_the_wire_does(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let response = collector.server.client.get(collector.server.url("/v1/openapi.json")).send().await.expect("GET");
    let document: Value = response.json().await.expect("json");
    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["RelayType"]["enum"], json!(["turn/udp", "turn/tcp", "turn/tls", ""]));
    assert_eq!(schemas["FabricEventType"]["enum"], json!(["fabricSetup", "fabricSetupFailed", "fabricTerminated"]));
    assert_eq!(schemas["MediaAction"]["enum"][1], "audioUnMute");
    assert_eq!(schemas["FailureReason"]["enum"][4], "SDPGenerationError");
    let required = schemas["FabricBody"]["required"].as_array().expect("required");
    for field in ["localID", "deviceID", "timestamp", "eventType", "remoteID", "connectionID"] {
        assert!(required.contains(&json!(field)), "FabricBody requires {field}");
    }
}
