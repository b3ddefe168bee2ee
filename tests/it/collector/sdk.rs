//! What the browser SDK sends beyond the callstats API: pre-call test
//! results, time to first media, and the unload beacons that carry their
//! access token and idempotency key in the query.

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, Joined, assert_invalid, header, now_ms, with};

const PRECALL: &str = "events/precalltest";
const FIRST_FRAME: &str = "events/media/firstframe";
const FABRIC: &str = "events/fabric";

fn body(joined: &Joined, extra: Value) -> Value {
    with(with(header(&joined.user), json!({ "timestamp": now_ms() })), extra)
}

async fn assert_accepted(response: reqwest::Response, step: &str) {
    let status = response.status();
    let answer: Value = response.json().await.expect("json");
    assert_eq!((status.as_u16(), answer), (200, json!({ "status": "success", "msg": format!("{step} received") })));
}

/// The URL of `/…/{ucID}/{suffix}` of a joined endpoint.
fn endpoint_url(collector: &Collector, joined: &Joined, suffix: &str) -> String {
    let mut segments = vec![joined.uc_id.as_str()];
    segments.extend(suffix.split('/'));
    collector.conference_url(&collector.app_id, &joined.conf, &segments)
}

#[sqlx::test]
async fn a_precall_test_result_is_stored_with_its_endpoint(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let passed = body(
        &alice,
        json!({ "connectivity": true, "rtt": 2.5, "jitter": 0.4, "fractionLoss": 0.02, "throughput": 8240.0,
                "candidateType": "host", "duration": 4210 }),
    );
    assert_accepted(collector.send(&alice, PRECALL, &passed).await, "precallTest").await;
    let failed = body(&alice, json!({ "connectivity": false, "message": "ICE timed out after 10 s" }));
    assert_accepted(collector.send(&alice, PRECALL, &failed).await, "precallTest").await;

    type Row = (String, bool, Option<f64>, Option<f64>, Option<f64>, Option<String>, Option<i32>, String);
    let rows: Vec<Row> = sqlx::query_as(
        "select endpoint_id::text, connectivity, rtt_ms, fraction_lost, throughput_kbps, candidate_type,
                duration_ms, message
           from precall_tests order by id",
    )
    .fetch_all(&collector.server.pool)
    .await
    .expect("rows");
    let uc = alice.uc_id.clone();
    assert_eq!(
        rows,
        [
            (uc.clone(), true, Some(2.5), Some(0.02), Some(8240.0), Some("host".to_owned()), Some(4210), String::new()),
            (uc, false, None, None, None, None, None, "ICE timed out after 10 s".to_owned()),
        ]
    );
}

#[sqlx::test]
async fn a_precall_test_with_bad_figures_is_refused_naming_the_field(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let cases = [
        (json!({ "rtt": -1 }), "rtt"),
        (json!({ "fractionLoss": 1.5 }), "fractionLoss"),
        (json!({ "throughput": "fast" }), "throughput"),
        (json!({ "candidateType": "tcp" }), "candidateType"),
        (json!({ "duration": -5 }), "duration"),
        (json!({ "message": "x".repeat(1025) }), "message"),
        (json!({ "connectivity": "yes" }), "connectivity"),
    ];
    for (extra, field) in cases {
        let request = body(&alice, with(json!({ "connectivity": true }), extra));
        assert_invalid(collector.send(&alice, PRECALL, &request).await, 422, field).await;
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from precall_tests")
        .fetch_one(&collector.server.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);
}

#[sqlx::test]
async fn time_to_first_media_goes_on_the_fabric_timeline(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let bob = collector.join("conf", "bob").await;
    let first =
        body(&bob, json!({ "connectionID": "pc-1", "remoteID": "alice", "ssrc": "3735928559", "delay": 412.4 }));
    assert_accepted(collector.send(&bob, FIRST_FRAME, &first).await, "timeToFirstMedia").await;

    let (kind, payload, connection): (String, Value, String) = sqlx::query_as(
        "select e.kind, e.payload, f.connection_id from fabric_events e join fabrics f on f.id = e.fabric_id",
    )
    .fetch_one(&collector.server.pool)
    .await
    .expect("event");
    assert_eq!(
        (kind.as_str(), payload, connection.as_str()),
        ("timeToFirstMedia", json!({ "ssrc": "3735928559", "delay": 412 }), "pc-1")
    );

    let bad_ssrc = with(first.clone(), json!({ "ssrc": "4294967296" }));
    assert_invalid(collector.send(&bob, FIRST_FRAME, &bad_ssrc).await, 422, "ssrc").await;
    let bad_delay = with(first, json!({ "delay": -1 }));
    assert_invalid(collector.send(&bob, FIRST_FRAME, &bad_delay).await, 422, "delay").await;
}

#[sqlx::test]
async fn an_unload_beacon_carries_its_token_and_key_in_the_query(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let terminated =
        body(&alice, json!({ "eventType": "fabricTerminated", "connectionID": "pc-1", "remoteID": "bob" }));
    // What navigator.sendBeacon sends: no headers of its own, a text/plain body.
    let beacon = || {
        let url = format!(
            "{}?access_token={}&idempotencyKey=unload-pc-1",
            endpoint_url(&collector, &alice, FABRIC),
            alice.token
        );
        collector
            .server
            .client
            .post(url)
            .header("content-type", "text/plain;charset=UTF-8")
            .body(terminated.to_string())
    };
    assert_accepted(beacon().send().await.expect("beacon"), "fabricTerminated").await;
    // The page may send it twice (pagehide after beforeunload): stored once.
    assert_accepted(beacon().send().await.expect("beacon again"), "fabricTerminated").await;
    let stored: i64 = sqlx::query_scalar("select count(*) from fabric_events where kind = 'fabricTerminated'")
        .fetch_one(&collector.server.pool)
        .await
        .expect("count");
    assert_eq!(stored, 1);

    let forged = format!("{}?access_token=not-a-token", endpoint_url(&collector, &alice, FABRIC));
    let response = collector.server.client.post(forged).body(terminated.to_string()).send().await.expect("POST");
    assert_eq!(response.status(), 401);
}
