//! Conference instances end and are summarised: at once when every fabric
//! terminated; after 30 s of silence through the lifecycle worker, once
//! each even with two workers; a late event stays with its instance and
//! its summary is computed again; a join after the end opens a new
//! instance. The worker takes `now`, so the clock is driven, not slept.

use callscope::server::lifecycle::{self, SILENCE};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::collector::{Collector, Joined, header, with};
use crate::common::TestApp;

/// What the tests read of an instance.
#[derive(Debug, sqlx::FromRow)]
struct Instance {
    id: i64,
    status: String,
    end_reason: Option<String>,
    summarized: bool,
    last_activity_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    error_count: i32,
    summary: Value,
}

async fn instance(pool: &PgPool, joined: &Joined) -> Instance {
    sqlx::query_as(
        "select ci.id, ci.status, ci.end_reason, ci.summarized_at is not null as summarized, ci.last_activity_at, ci.last_seen_at,
                ci.ended_at, ci.error_count, ci.summary
           from conference_instances ci join endpoints e on e.instance_id = ci.id where e.id = $1::uuid",
    )
    .bind(&joined.uc_id)
    .fetch_one(pool)
    .await
    .expect("instance")
}

async fn send(collector: &Collector, joined: &Joined, suffix: &str, body: Value) {
    let response = collector.send(joined, suffix, &with(header(&joined.user), body)).await;
    assert_eq!(response.status(), 200, "{suffix}: {}", response.text().await.unwrap_or_default());
}

#[sqlx::test]
async fn an_instance_whose_fabrics_all_terminated_ends_at_once(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("room", "alice").await;
    let fabric = |event: &str| json!({ "remoteID": "bob", "connectionID": "pc-1", "eventType": event });
    send(&collector, &alice, "events/fabric", fabric("fabricSetup")).await;
    assert_eq!(instance(pool, &alice).await.status, "live");

    send(&collector, &alice, "events/fabric", fabric("fabricTerminated")).await;
    let ended = instance(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.end_reason.as_deref()), ("ended", Some("fabricsEnded")));
    assert!(ended.summarized, "summarised in the same request");
    let round = lifecycle::run_once(pool, Utc::now() + SILENCE * 2).await.expect("round");
    assert_eq!(round, lifecycle::Round::default(), "nothing left for the worker");
}

#[sqlx::test]
async fn a_silent_instance_ends_30_s_after_its_last_activity(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("quiet", "alice").await;
    let live = instance(pool, &alice).await;
    let last = live.last_seen_at;

    let early = lifecycle::run_once(pool, last + SILENCE - TimeDelta::seconds(1)).await.expect("round");
    assert!(early.ended.is_empty());
    assert_eq!(instance(pool, &alice).await.status, "live", "29 s of silence is not enough");

    let round = lifecycle::run_once(pool, last + SILENCE + TimeDelta::seconds(1)).await.expect("round");
    assert_eq!(round.ended, [live.id]);
    let ended = instance(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.end_reason.as_deref()), ("ended", Some("inactivity")));
    assert_eq!(ended.ended_at, Some(live.last_activity_at), "it ended when it fell silent, not when it was noticed");
    assert!(ended.summarized);

    let again = lifecycle::run_once(pool, last + SILENCE * 3).await.expect("round");
    assert_eq!(again, lifecycle::Round::default(), "an instance ends once");
}

#[sqlx::test]
async fn silence_is_measured_by_the_server_clock_not_the_clients(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    // A client whose clock is an hour behind (or a replay of a past call).
    let token = collector.authenticate("alice").await;
    let an_hour_ago = crate::collector::now_ms() - 3_600_000.0;
    let body = with(header("alice"), json!({ "timestamp": an_hour_ago, "endpointInfo": { "type": "browser" } }));
    let response = collector.post(&token, &collector.conference_url(&collector.app_id, "behind", &[]), &body).await;
    assert_eq!(response.status(), 200);
    let round = lifecycle::run_once(pool, Utc::now()).await.expect("round");
    assert!(round.ended.is_empty(), "heard from just now: still live");
    let live: (String, DateTime<Utc>) =
        sqlx::query_as("select status, last_activity_at from conference_instances where conference_id = 'behind'")
            .fetch_one(pool)
            .await
            .expect("instance");
    assert_eq!(live.0, "live");
    assert!(live.1 < Utc::now() - TimeDelta::minutes(59), "its times stay the client's");
}

#[sqlx::test]
async fn a_late_event_stays_with_its_ended_instance_and_a_join_opens_a_new_one(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("reused", "alice").await;
    let first = instance(pool, &alice).await;
    lifecycle::run_once(pool, first.last_seen_at + SILENCE + TimeDelta::seconds(1)).await.expect("round");
    let ended = instance(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.error_count), ("ended", 0));

    // A report still in flight when the instance ended, received by another
    // callscope process. (The process that took the join notes activity at
    // most every 5 s of real time; here the clock jumped 31 s in no time.)
    let other = TestApp::spawn(pool.clone()).await;
    let late = json!({ "wrtcFuncName": "createOffer", "connectionID": "pc-1", "remoteID": "bob",
                       "domError": { "name": "OperationError", "message": "late" } });
    let url = collector.conference_url(&collector.app_id, &alice.conf, &[&alice.uc_id, "events", "error"]);
    let url = url.replacen(&collector.server.base, &other.base, 1);
    let response = collector.post(&alice.token, &url, &with(header("alice"), late)).await;
    assert_eq!(response.status(), 200);
    let stale = instance(pool, &alice).await;
    assert_eq!(stale.id, first.id, "stored with the instance it belongs to");
    assert!(!stale.summarized, "its summary is stale until the worker runs");

    let round = lifecycle::run_once(pool, Utc::now()).await.expect("round");
    assert_eq!(round.resummarized, [first.id]);
    let summarized = instance(pool, &alice).await;
    assert!(summarized.summarized);
    assert_eq!(summarized.status, "ended");
    assert_eq!(summarized.error_count, 1);
    assert_eq!(summarized.summary["failuresByFunction"], json!({ "createOffer": 1 }));
    assert_eq!(summarized.ended_at, ended.ended_at, "a late event does not move the end");

    let bob = collector.join("reused", "bob").await;
    let second = instance(pool, &bob).await;
    assert_ne!(second.id, first.id, "a join after the end opens a new instance");
    assert_eq!(second.status, "live");
    assert_eq!(instance(pool, &alice).await.status, "ended");
}

#[sqlx::test]
async fn two_workers_on_one_database_end_and_summarise_each_instance_once(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let mut ids = Vec::new();
    let mut latest = DateTime::<Utc>::MIN_UTC;
    for n in 0..30 {
        let joined = collector.join(&format!("conference-{n}"), "alice").await;
        let live = instance(pool, &joined).await;
        ids.push(live.id);
        latest = latest.max(live.last_seen_at);
    }
    // A second pool: two callscope processes on one database.
    let other = PgPoolOptions::new().connect_with(pool.connect_options().as_ref().clone()).await.expect("second pool");
    let now = latest + SILENCE + TimeDelta::seconds(1);
    let (a, b) = tokio::join!(lifecycle::run_once(pool, now), lifecycle::run_once(&other, now));
    let (a, b) = (a.expect("worker a"), b.expect("worker b"));

    let mut ended: Vec<i64> = a.ended.iter().chain(&b.ended).copied().collect();
    ended.sort_unstable();
    ids.sort_unstable();
    assert_eq!(ended, ids, "every instance ended by exactly one worker ({} + {})", a.ended.len(), b.ended.len());
    let unsummarized: i64 = sqlx::query_scalar(
        "select count(*) from conference_instances where status <> 'ended' or summarized_at is null",
    )
    .fetch_one(pool)
    .await
    .expect("count");
    assert_eq!(unsummarized, 0);
}
