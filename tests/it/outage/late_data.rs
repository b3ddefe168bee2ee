//! Data that reaches one callscope process just after another ended its
//! conference is summarised: a late event at once, late stats within the
//! activity's trailing write (about 6 s), although the receiving process
//! had written the instance's activity less than 5 s before.

use std::time::{Duration, Instant};

use callscope::server::lifecycle;
use chrono::Utc;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, Joined, header, now_ms, with};
use crate::common::TestApp;
use crate::summaries::{instance_of, leave};

/// POSTs `body` to `/…/{ucID}/{suffix}` of `joined` at process `other`.
async fn send_via(other: &TestApp, collector: &Collector, joined: &Joined, suffix: &str, body: Value) {
    let mut segments = vec![joined.uc_id.as_str()];
    segments.extend(suffix.split('/'));
    let url = collector.conference_url(&collector.app_id, &joined.conf, &segments);
    let url = url.replacen(&collector.server.base, &other.base, 1);
    let response = collector.post(&joined.token, &url, &with(header(&joined.user), body)).await;
    assert_eq!(response.status(), 200, "{suffix}: {}", response.text().await.unwrap_or_default());
}

fn poll(at: f64) -> Value {
    json!({ "connectionID": "pc-1", "remoteID": "bob",
            "stats": { "timestamp": at, "candidatePairs": [],
                       "tracks": [{ "type": "inbound-rtp", "kind": "audio", "ssrc": "1", "packetsReceived": 50 }] } })
}

async fn summarized(pool: &PgPool, id: i64) -> bool {
    sqlx::query_scalar("select summarized_at is not null from conference_instances where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("instance")
}

#[sqlx::test]
async fn data_reaching_another_process_just_after_the_end_is_summarised(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let other = TestApp::spawn(pool.clone()).await;
    let alice = collector.join("late", "alice").await;
    let id = instance_of(pool, &alice).await;
    // The other process hears from the call: it writes the activity now,
    // and holds back its next write for 5 s.
    send_via(&other, &collector, &alice, "stats", poll(now_ms())).await;

    leave(&collector, &alice).await;
    assert!(summarized(pool, id).await, "ended and summarised by the first process");

    let late = json!({ "wrtcFuncName": "createAnswer", "connectionID": "pc-1", "remoteID": "bob",
                       "domError": { "name": "OperationError", "message": "late" } });
    send_via(&other, &collector, &alice, "events/error", late).await;
    assert!(!summarized(pool, id).await, "a late event makes the summary stale at once");
    let round = lifecycle::run_once(pool, Utc::now()).await.expect("round");
    assert_eq!(round.resummarized, [id]);
    let errors: i32 = sqlx::query_scalar("select error_count from conference_instances where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("errors");
    assert_eq!(errors, 1, "summarised with the late event");

    send_via(&other, &collector, &alice, "stats", poll(now_ms())).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while summarized(pool, id).await {
        assert!(Instant::now() < deadline, "late stats never made the summary stale");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let round = lifecycle::run_once(pool, Utc::now()).await.expect("round");
    assert_eq!(round.resummarized, [id], "summarised again with the late stats");
}
