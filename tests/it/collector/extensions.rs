//! The callstats.js extension endpoints: addNewFabric, reportError, the
//! fabric events of sendFabricEvent and sendCallDetails — stored as sent,
//! refused with 422 naming the field when a rule is broken.

use callscope::server::Application;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, Joined, assert_invalid, header, now_ms, with};
use crate::common::{TestApp, test_config};

const ADDED: &str = "events/fabric/added";
const ERROR: &str = "events/error";
const ACTION: &str = "events/fabric/action";
const DETAILS: &str = "events/calldetails";

/// A collector taking bodies up to 1 MiB, the production default (tests
/// use 64 KiB), so the SDP and object limits are reached before the body limit.
async fn spawn_roomy(pool: PgPool) -> Collector {
    let mut collector = Collector::spawn(pool.clone()).await;
    let mut config = test_config();
    config.body_limit_bytes = 1024 * 1024;
    let app = Application::build(config, pool.clone(), callscope::pages()).await.expect("build app");
    let addr = app.addr().expect("addr");
    tokio::spawn(app.run_until(std::future::pending()));
    let client = collector.server.client.clone();
    collector.server = TestApp { base: format!("http://{addr}"), client, pool };
    collector
}

/// The v1 common fields at `at` (ms) plus `extra`.
fn body_at(joined: &Joined, at: f64, extra: Value) -> Value {
    with(with(header(&joined.user), json!({ "timestamp": at })), extra)
}

fn add_fabric_body(joined: &Joined, at: f64, connection: &str) -> Value {
    body_at(joined, at, json!({ "connectionID": connection, "remoteID": "bob", "fabricUsage": "multiplex" }))
}

/// Sends `body` and asserts `{"status":"success","msg":"<step> received"}`.
async fn accepted(collector: &Collector, joined: &Joined, suffix: &str, body: &Value, step: &str) {
    let response = collector.send(joined, suffix, body).await;
    let status = response.status();
    let answer: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{suffix}: {answer}");
    assert_eq!(answer, json!({ "status": "success", "msg": format!("{step} received") }));
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
        .fetch_one(pool)
        .await
        .expect("count")
}

async fn error_count(pool: &PgPool) -> i32 {
    sqlx::query_scalar("select error_count from conference_instances").fetch_one(pool).await.expect("instance")
}

async fn fabric_id(pool: &PgPool, connection: &str) -> i64 {
    sqlx::query_scalar("select id from fabrics where connection_id = $1")
        .bind(connection)
        .fetch_one(pool)
        .await
        .expect("fabric")
}

async fn added_at(pool: &PgPool, connection: &str) -> DateTime<Utc> {
    sqlx::query_scalar("select added_at from fabrics where connection_id = $1")
        .bind(connection)
        .fetch_one(pool)
        .await
        .expect("fabric")
}

#[sqlx::test]
async fn add_new_fabric_stores_usage_attributes_and_the_remote_user_object(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let at = now_ms() - 5000.0;
    let attributes =
        json!({ "remoteEndpointType": "server", "fabricTransmissionDirection": "sendonly", "sfu": "eu-1" });
    let remote = json!({ "userName": "Bob Builder", "aliasName": "bob", "loginID": "bob@example.com" });
    let body = with(
        add_fabric_body(&alice, at, "pc-1"),
        json!({ "remoteUserID": remote, "fabricUsage": "video", "fabricAttributes": attributes }),
    );
    accepted(&collector, &alice, ADDED, &body, "addNewFabric").await;

    type Row = (String, String, String, String, Option<String>, Option<String>, Option<String>, Value);
    let row: Row = sqlx::query_as(
        "select fabric_usage, remote_endpoint_type, transmission_direction, remote_user_id,
                remote_user_name, remote_alias_name, remote_login_id, attributes
         from fabrics where connection_id = 'pc-1'",
    )
    .fetch_one(&collector.server.pool)
    .await
    .expect("fabric");
    let (usage, endpoint_type, direction, remote_id, user_name, alias, login, stored) = row;
    assert_eq!((usage.as_str(), endpoint_type.as_str(), direction.as_str()), ("video", "server", "sendonly"));
    assert_eq!(remote_id, "bob");
    assert_eq!(user_name.as_deref(), Some("Bob Builder"));
    assert_eq!(alias.as_deref(), Some("bob"));
    assert_eq!(login.as_deref(), Some("bob@example.com"));
    assert_eq!(stored, attributes);
    assert_eq!(added_at(&collector.server.pool, "pc-1").await.timestamp_millis(), at as i64);
}

#[sqlx::test]
async fn add_new_fabric_without_attributes_is_peer_and_sendrecv(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let body = with(add_fabric_body(&alice, now_ms(), "pc-1"), json!({ "remoteUserID": "bob" }));
    accepted(&collector, &alice, ADDED, &body, "addNewFabric").await;
    let row: (String, String, Value, Option<String>) = sqlx::query_as(
        "select remote_endpoint_type, transmission_direction, attributes, remote_user_name from fabrics",
    )
    .fetch_one(&collector.server.pool)
    .await
    .expect("fabric");
    assert_eq!(row, ("peer".to_owned(), "sendrecv".to_owned(), json!({}), None));
}

#[sqlx::test]
async fn add_new_fabric_refuses_bad_fields_naming_them(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let base = add_fabric_body(&alice, now_ms(), "pc-1");
    let cases = [
        (json!({ "fabricUsage": "hologram" }), "fabricUsage"),
        (json!({ "fabricAttributes": { "remoteEndpointType": "mcu" } }), "fabricAttributes.remoteEndpointType"),
        (
            json!({ "fabricAttributes": { "fabricTransmissionDirection": "recvonly" } }),
            "fabricAttributes.fabricTransmissionDirection",
        ),
        (json!({ "remoteUserID": { "userName": "x".repeat(129), "aliasName": "bob" } }), "remoteUserID.userName"),
        (json!({ "remoteUserID": { "userName": "Bob", "aliasName": "" } }), "remoteUserID.aliasName"),
        (json!({ "connectionID": "" }), "connectionID"),
        (json!({ "connectionID": "c".repeat(257) }), "connectionID"),
        (json!({ "remoteID": "r".repeat(257) }), "remoteID"),
    ];
    for (extra, field) in cases {
        assert_invalid(collector.send(&alice, ADDED, &with(base.clone(), extra)).await, 422, field).await;
    }
    let mut missing = base.clone();
    missing.as_object_mut().expect("object").remove("fabricUsage");
    assert_invalid(collector.send(&alice, ADDED, &missing).await, 422, "fabricUsage").await;
    assert_eq!(count(&collector.server.pool, "fabrics").await, 0, "nothing refused is stored");
}

#[sqlx::test]
async fn add_new_fabric_after_stats_completes_the_same_fabric(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let first = now_ms() - 10_000.0;
    let stats = body_at(
        &alice,
        first,
        json!({ "connectionID": "pc-1", "remoteID": "bob", "stats": { "tracks": [], "candidatePairs": [] } }),
    );
    accepted(&collector, &alice, "stats", &stats, "stats").await;
    let created = fabric_id(&collector.server.pool, "pc-1").await;
    assert_eq!(added_at(&collector.server.pool, "pc-1").await.timestamp_millis(), first as i64);

    let later = first + 2000.0;
    let body = with(add_fabric_body(&alice, later, "pc-1"), json!({ "fabricUsage": "audio" }));
    accepted(&collector, &alice, ADDED, &body, "addNewFabric").await;
    assert_eq!(count(&collector.server.pool, "fabrics").await, 1);
    assert_eq!(fabric_id(&collector.server.pool, "pc-1").await, created);
    let usage: String =
        sqlx::query_scalar("select fabric_usage from fabrics").fetch_one(&collector.server.pool).await.expect("row");
    assert_eq!(usage, "audio");
    // addNewFabric's time is the reference point, even when it comes later.
    assert_eq!(added_at(&collector.server.pool, "pc-1").await.timestamp_millis(), later as i64);
}

#[sqlx::test]
async fn setup_delay_is_measured_from_add_new_fabric(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let added = now_ms() - 10_000.0;
    accepted(&collector, &alice, ADDED, &add_fabric_body(&alice, added, "pc-1"), "addNewFabric").await;
    let setup = body_at(
        &alice,
        added + 1500.0,
        json!({ "connectionID": "pc-1", "remoteID": "bob", "eventType": "fabricSetup" }),
    );
    let response = collector.send(&alice, "events/fabric", &setup).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());

    let (added_at, delay): (DateTime<Utc>, Option<i32>) =
        sqlx::query_as("select added_at, setup_delay_ms from fabrics where connection_id = 'pc-1'")
            .fetch_one(&collector.server.pool)
            .await
            .expect("fabric");
    assert_eq!(added_at.timestamp_millis(), added as i64, "fabricSetup keeps addNewFabric's time");
    assert_eq!(delay, Some(1500));
    assert_eq!(count(&collector.server.pool, "fabrics").await, 1);
}

#[sqlx::test]
async fn report_error_stores_the_dom_error_and_sdps_on_the_fabric(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let dom_error = json!({ "name": "OperationError", "message": "Failed to set remote offer sdp" });
    let body = body_at(
        &alice,
        now_ms(),
        json!({
            "connectionID": "pc-1", "remoteID": "bob", "wrtcFuncName": "setRemoteDescription",
            "domError": dom_error, "localSDP": "v=0 local", "remoteSDP": "v=0 remote"
        }),
    );
    accepted(&collector, &alice, ERROR, &body, "reportError").await;
    let row: (Option<i64>, String, Option<Value>, Option<String>, Option<String>, bool) = sqlx::query_as(
        "select fabric_id, wrtc_func_name, dom_error, local_sdp, remote_sdp, truncated from reported_errors",
    )
    .fetch_one(&collector.server.pool)
    .await
    .expect("error row");
    let fabric = fabric_id(&collector.server.pool, "pc-1").await;
    assert_eq!(
        row,
        (
            Some(fabric),
            "setRemoteDescription".to_owned(),
            Some(dom_error),
            Some("v=0 local".to_owned()),
            Some("v=0 remote".to_owned()),
            false
        )
    );
    assert_eq!(error_count(&collector.server.pool).await, 1);
}

#[sqlx::test]
async fn every_wrtc_func_name_is_accepted_and_only_logs_are_not_failures(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let names = [
        "getUserMedia",
        "createOffer",
        "createAnswer",
        "setLocalDescription",
        "setRemoteDescription",
        "addIceCandidate",
        "iceConnectionFailure",
        "signalingError",
        "applicationLog",
    ];
    for name in names {
        let body = body_at(&alice, now_ms(), json!({ "connectionID": "pc-1", "wrtcFuncName": name }));
        accepted(&collector, &alice, ERROR, &body, "reportError").await;
    }
    let stored: Vec<String> = sqlx::query_scalar("select wrtc_func_name from reported_errors order by id")
        .fetch_all(&collector.server.pool)
        .await
        .expect("rows");
    assert_eq!(stored, names);
    assert_eq!(error_count(&collector.server.pool).await, 8, "applicationLog is not a failure");
}

#[sqlx::test]
async fn a_long_application_log_is_truncated_on_a_character_boundary(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let log = "ン".repeat(10 * 1024); // 30 KB: 3 bytes per character
    let body = body_at(&alice, now_ms(), json!({ "wrtcFuncName": "applicationLog", "message": log }));
    accepted(&collector, &alice, ERROR, &body, "reportError").await;
    let (message, truncated): (String, bool) = sqlx::query_as("select message, truncated from reported_errors")
        .fetch_one(&collector.server.pool)
        .await
        .expect("row");
    assert!(truncated);
    assert!(message.len() <= 20_480, "{} bytes", message.len());
    assert_eq!(message.len(), 20_478, "as many whole characters as fit");
    assert!(message.chars().all(|c| c == 'ン'), "no character was split");
    assert_eq!(error_count(&collector.server.pool).await, 0);

    let short = body_at(&alice, now_ms(), json!({ "wrtcFuncName": "applicationLog", "message": "ready" }));
    accepted(&collector, &alice, ERROR, &short, "reportError").await;
    let kept: (String, bool) =
        sqlx::query_as("select message, truncated from reported_errors order by id desc limit 1")
            .fetch_one(&collector.server.pool)
            .await
            .expect("row");
    assert_eq!(kept, ("ready".to_owned(), false));
}

#[sqlx::test]
async fn report_error_without_a_peer_connection_has_no_fabric(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let absent =
        body_at(&alice, now_ms(), json!({ "wrtcFuncName": "getUserMedia", "domError": { "name": "NotAllowedError" } }));
    accepted(&collector, &alice, ERROR, &absent, "reportError").await;
    let null = with(absent.clone(), json!({ "connectionID": null }));
    accepted(&collector, &alice, ERROR, &null, "reportError").await;
    let fabrics: Vec<Option<i64>> = sqlx::query_scalar("select fabric_id from reported_errors")
        .fetch_all(&collector.server.pool)
        .await
        .expect("rows");
    assert_eq!(fabrics, [None, None]);
    assert_eq!(count(&collector.server.pool, "fabrics").await, 0);
}

#[sqlx::test]
async fn report_error_refuses_bad_fields_naming_them(pool: PgPool) {
    let collector = spawn_roomy(pool).await;
    let alice = collector.join("conf", "alice").await;
    let base = body_at(&alice, now_ms(), json!({ "connectionID": "pc-1", "wrtcFuncName": "createOffer" }));
    let over_sdp = "s".repeat(256 * 1024 + 1);
    let cases = [
        (json!({ "wrtcFuncName": "createOfer" }), "wrtcFuncName"),
        (json!({ "localSDP": over_sdp }), "localSDP"),
        (json!({ "remoteSDP": over_sdp }), "remoteSDP"),
        (json!({ "domError": "NotAllowedError" }), "domError"),
        (json!({ "connectionID": "" }), "connectionID"),
        (json!({ "remoteID": "r".repeat(257) }), "remoteID"),
    ];
    for (extra, field) in cases {
        assert_invalid(collector.send(&alice, ERROR, &with(base.clone(), extra)).await, 422, field).await;
    }
    let ok_sdp = with(base.clone(), json!({ "localSDP": "s".repeat(256 * 1024) }));
    accepted(&collector, &alice, ERROR, &ok_sdp, "reportError").await;
    assert_eq!(count(&collector.server.pool, "reported_errors").await, 1, "only the valid report is stored");
}

#[sqlx::test]
async fn a_fabric_event_goes_on_the_fabric_timeline(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let at = now_ms() - 1000.0;
    accepted(&collector, &alice, ADDED, &add_fabric_body(&alice, at, "pc-1"), "addNewFabric").await;
    let devices = json!({ "mediaDeviceList": [{ "mediaDeviceID": "mic-1", "kind": "audioinput", "label": "USB" }] });
    let listed = body_at(
        &alice,
        at + 500.0,
        json!({ "connectionID": "pc-1", "fabricEvent": "activeDeviceList", "eventData": devices }),
    );
    accepted(&collector, &alice, ACTION, &listed, "sendFabricEvent").await;
    let hold =
        body_at(&alice, at + 600.0, json!({ "connectionID": "pc-1", "remoteID": "bob", "fabricEvent": "fabricHold" }));
    accepted(&collector, &alice, ACTION, &hold, "sendFabricEvent").await;

    let rows: Vec<(Option<i64>, String, Value, DateTime<Utc>)> =
        sqlx::query_as("select fabric_id, kind, payload, occurred_at from fabric_events order by id")
            .fetch_all(&collector.server.pool)
            .await
            .expect("rows");
    let fabric = Some(fabric_id(&collector.server.pool, "pc-1").await);
    let kinds: Vec<_> = rows.iter().map(|row| (row.0, row.1.as_str(), row.2.clone())).collect();
    assert_eq!(kinds, [(fabric, "activeDeviceList", devices), (fabric, "fabricHold", json!({}))]);
    assert_eq!(rows[0].3.timestamp_millis(), (at + 500.0) as i64);
}

#[sqlx::test]
async fn fabric_events_refuse_bad_fields_naming_them(pool: PgPool) {
    let collector = spawn_roomy(pool).await;
    let alice = collector.join("conf", "alice").await;
    let base = body_at(&alice, now_ms(), json!({ "connectionID": "pc-1", "fabricEvent": "audioMute" }));
    let cases = [
        // fabricTerminated is a v1 fabric event (events/fabric), not an action.
        (json!({ "fabricEvent": "fabricTerminated" }), "fabricEvent"),
        (json!({ "fabricEvent": "audioUnMute" }), "fabricEvent"),
        (json!({ "eventData": [1, 2] }), "eventData"),
        (json!({ "eventData": { "log": "x".repeat(64 * 1024) } }), "eventData"),
        (json!({ "connectionID": "" }), "connectionID"),
    ];
    for (extra, field) in cases {
        assert_invalid(collector.send(&alice, ACTION, &with(base.clone(), extra)).await, 422, field).await;
    }
    let mut missing = base.clone();
    missing.as_object_mut().expect("object").remove("connectionID");
    assert_invalid(collector.send(&alice, ACTION, &missing).await, 422, "connectionID").await;
    assert_eq!(count(&collector.server.pool, "fabric_events").await, 0);
}

#[sqlx::test]
async fn call_details_are_stored_as_sent_with_their_fabric(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    accepted(&collector, &alice, ADDED, &add_fabric_body(&alice, now_ms(), "pc-1"), "addNewFabric").await;
    let attributes = json!({ "callType": "inbound", "role": "agent", "queue": "billing" });
    let with_pc = body_at(&alice, now_ms(), json!({ "connectionID": "pc-1", "callAttributes": attributes }));
    accepted(&collector, &alice, DETAILS, &with_pc, "sendCallDetails").await;
    let without_pc = body_at(&alice, now_ms(), json!({ "callAttributes": { "role": "manager" } }));
    accepted(&collector, &alice, DETAILS, &without_pc, "sendCallDetails").await;

    let rows: Vec<(Option<i64>, Value)> = sqlx::query_as("select fabric_id, attributes from call_details order by id")
        .fetch_all(&collector.server.pool)
        .await
        .expect("rows");
    let fabric = fabric_id(&collector.server.pool, "pc-1").await;
    assert_eq!(rows, [(Some(fabric), attributes), (None, json!({ "role": "manager" }))]);
}

#[sqlx::test]
async fn call_details_refuse_bad_fields_naming_them(pool: PgPool) {
    let collector = spawn_roomy(pool).await;
    let alice = collector.join("conf", "alice").await;
    let base = body_at(&alice, now_ms(), json!({ "callAttributes": { "callType": "outbound" } }));
    let cases = [
        (json!({ "callAttributes": { "callType": "sideways" } }), "callAttributes.callType"),
        (json!({ "callAttributes": { "role": "boss" } }), "callAttributes.role"),
        (json!({ "callAttributes": "inbound" }), "callAttributes"),
        (json!({ "callAttributes": { "notes": "x".repeat(64 * 1024) } }), "callAttributes"),
        (json!({ "connectionID": "" }), "connectionID"),
    ];
    for (extra, field) in cases {
        assert_invalid(collector.send(&alice, DETAILS, &with(base.clone(), extra)).await, 422, field).await;
    }
    let mut missing = base.clone();
    missing.as_object_mut().expect("object").remove("callAttributes");
    assert_invalid(collector.send(&alice, DETAILS, &missing).await, 422, "callAttributes").await;
    assert_eq!(count(&collector.server.pool, "call_details").await, 0);
}

#[sqlx::test]
async fn the_openapi_document_lists_the_extension_endpoints(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let response = collector.server.client.get(collector.server.url("/v1/openapi.json")).send().await.expect("GET");
    let document: Value = response.json().await.expect("json");
    let functions = &document["components"]["schemas"]["WrtcFuncName"]["enum"];
    assert!(
        functions.as_array().is_some_and(|names| names.contains(&json!("getUserMedia"))),
        "wire spellings: {functions}"
    );
    for suffix in [ADDED, ERROR, ACTION, DETAILS] {
        let path = format!("/v1/apps/{{appID}}/conferences/{{confID}}/{{ucID}}/{suffix}");
        let operation = &document["paths"][&path]["post"];
        assert_eq!(operation["tags"], json!(["callstats.js extensions"]), "{path}");
        let description = operation["description"].as_str().unwrap_or_default();
        assert!(description.contains("Serves callstats.js"), "{path}: {description:?}");
    }
}
