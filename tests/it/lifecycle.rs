//! Conference instances end and are summarised: at once when every fabric
//! terminated; after 30 s of silence through the lifecycle worker (5
//! minutes when nothing else is heard: tests/it/outage/silence.rs), once
//! each even with two workers; a late event stays with its instance and
//! its summary is computed again; a join after the end opens a new
//! instance. The worker takes `now`, so the clock is driven, not slept.

use callscope::server::lifecycle::{self, SILENCE, SILENCE_CAP};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::collector::{Collector, Joined, header, with};
use crate::common::TestApp;
use crate::outage::heard;

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
    let rolled_up = lifecycle::Round { rolled_up: 1, ..lifecycle::Round::default() };
    assert_eq!(round, rolled_up, "nothing left for the worker but its day's rollup");
}

#[sqlx::test]
async fn a_silent_instance_ends_30_s_after_its_last_activity_while_others_are_heard(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("quiet", "alice").await;
    let talking = instance(pool, &collector.join("talking", "bob").await).await.id;
    let live = instance(pool, &alice).await;
    let last = live.last_seen_at;

    let early = last + SILENCE - TimeDelta::seconds(1);
    heard(pool, talking, early).await;
    assert!(lifecycle::run_once(pool, early).await.expect("round").ended.is_empty());
    assert_eq!(instance(pool, &alice).await.status, "live", "29 s of silence is not enough");

    let due = last + SILENCE + TimeDelta::seconds(1);
    heard(pool, talking, due).await;
    let round = lifecycle::run_once(pool, due).await.expect("round");
    assert_eq!(round.ended, [live.id]);
    let ended = instance(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.end_reason.as_deref()), ("ended", Some("inactivity")));
    assert_eq!(ended.ended_at, Some(live.last_activity_at), "it ended when it fell silent, not when it was noticed");
    assert!(ended.summarized);

    let again = lifecycle::run_once(pool, last + SILENCE * 2).await.expect("round");
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
    lifecycle::run_once(pool, first.last_seen_at + SILENCE_CAP + TimeDelta::seconds(1)).await.expect("round");
    let ended = instance(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.error_count), ("ended", 0));

    // A report still in flight when the instance ended, received by another
    // callscope process. (The process that took the join notes activity at
    // most every 5 s of real time; here the clock jumped 5 minutes in no time.)
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
    let now = latest + SILENCE_CAP + TimeDelta::seconds(1);
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

/// Makes every summary of an instance whose conferenceID starts with
/// `broken` fail, as an unforeseen bug or row would; [`repair`] undoes it.
async fn break_summaries(pool: &PgPool) {
    sqlx::query(
        "create function refuse_summary() returns trigger language plpgsql as $$
         begin raise exception 'summary refused by the test'; end $$",
    )
    .execute(pool)
    .await
    .expect("function");
    sqlx::query(
        "create trigger refuse_summary before update on conference_instances for each row
           when (new.conference_id like 'broken%' and new.summarized_at is not null)
           execute function refuse_summary()",
    )
    .execute(pool)
    .await
    .expect("trigger");
}

async fn repair(pool: &PgPool) {
    sqlx::query("drop trigger refuse_summary on conference_instances").execute(pool).await.expect("drop trigger");
}

/// How often an instance's summary failed, when it is tried next, and why.
async fn retry_state(pool: &PgPool, id: i64) -> (i32, Option<DateTime<Utc>>, Option<String>) {
    sqlx::query_as("select summary_attempts, summary_retry_at, summary_error from conference_instances where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("retry state")
}

#[sqlx::test]
async fn a_worker_round_with_one_broken_instance_still_ends_the_others_and_retries_it_later(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let mut joined = Vec::new();
    for conf in ["room-1", "broken-room", "room-2"] {
        joined.push(collector.join(conf, "alice").await);
    }
    let mut live = Vec::new();
    for one in &joined {
        live.push(instance(pool, one).await);
    }
    let broken = live[1].id;
    break_summaries(pool).await;

    let now = live.iter().map(|one| one.last_seen_at).max().expect("three") + SILENCE_CAP + TimeDelta::seconds(1);
    let round = lifecycle::run_once(pool, now).await.expect("one bad instance does not fail the round");
    assert_eq!(round.ended.len(), 3, "{round:?}");
    assert_eq!(round.deferred, [broken]);
    for one in &joined {
        let ended = instance(pool, one).await;
        assert_eq!(ended.status, "ended", "every silent instance ends, the broken one too");
        assert_eq!(ended.summarized, ended.id != broken, "the others are summarised");
    }
    let (attempts, retry_at, error) = retry_state(pool, broken).await;
    assert_eq!((attempts, retry_at), (1, Some(now + lifecycle::FIRST_RETRY)));
    assert!(error.as_deref().is_some_and(|error| error.contains("summary refused by the test")), "{error:?}");

    let waiting = lifecycle::run_once(pool, now + TimeDelta::seconds(30)).await.expect("round");
    assert_eq!(waiting, lifecycle::Round::default(), "not retried every round");
    let later = now + lifecycle::FIRST_RETRY;
    let again = lifecycle::run_once(pool, later).await.expect("round");
    assert_eq!((again.resummarized.len(), again.deferred.as_slice()), (0, [broken].as_slice()));
    assert_eq!(retry_state(pool, broken).await.0, 2, "tried again after a minute, and it failed again");
    assert_eq!(retry_state(pool, broken).await.1, Some(later + lifecycle::retry_delay(2)), "then waits longer");

    repair(pool).await;
    let fixed = lifecycle::run_once(pool, later + lifecycle::retry_delay(2)).await.expect("round");
    assert_eq!((fixed.resummarized.as_slice(), fixed.deferred.len()), ([broken].as_slice(), 0));
    assert!(instance(pool, &joined[1]).await.summarized, "summarised once fixed");
    assert_eq!(retry_state(pool, broken).await, (0, None, None));
}

#[sqlx::test]
async fn stored_figures_that_once_overflowed_the_summary_no_longer_stop_the_worker(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let fine = collector.join("fine", "alice").await;
    let poisoned = collector.join("poisoned", "bob").await;
    let setup = json!({ "remoteID": "alice", "connectionID": "pc-1", "eventType": "fabricSetup" });
    send(&collector, &poisoned, "events/fabric", setup).await;
    crate::summaries::store_samples_directly(pool, &poisoned, "pc-1", 1234, &["1e308", "1e308"]).await;

    let latest = instance(pool, &fine).await.last_seen_at.max(instance(pool, &poisoned).await.last_seen_at);
    let round = lifecycle::run_once(pool, latest + SILENCE_CAP + TimeDelta::seconds(1)).await.expect("round");
    assert_eq!((round.ended.len(), round.deferred.len()), (2, 0), "{round:?}");
    for joined in [&fine, &poisoned] {
        let ended = instance(pool, joined).await;
        assert_eq!((ended.status.as_str(), ended.summarized), ("ended", true));
    }
}

#[sqlx::test]
async fn the_event_that_ends_an_instance_is_acknowledged_even_when_its_summary_fails(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    break_summaries(pool).await;
    let alice = collector.join("broken-left", "alice").await;
    let bob = collector.join("broken-fabric", "bob").await;

    send(&collector, &alice, "events/user/left", json!({})).await;
    let fabric = |event: &str| json!({ "remoteID": "carol", "connectionID": "pc-1", "eventType": event });
    send(&collector, &bob, "events/fabric", fabric("fabricSetup")).await;
    send(&collector, &bob, "events/fabric", fabric("fabricTerminated")).await;

    let mut ids = Vec::new();
    for (joined, reason) in [(&alice, "allLeft"), (&bob, "fabricsEnded")] {
        let ended = instance(pool, joined).await;
        assert_eq!((ended.status.as_str(), ended.end_reason.as_deref()), ("ended", Some(reason)), "stored");
        assert!(!ended.summarized, "its summary is left to the worker");
        assert_eq!(retry_state(pool, ended.id).await.0, 1);
        ids.push(ended.id);
    }
    let left: bool = sqlx::query_scalar("select left_at is not null from endpoints where id = $1::uuid")
        .bind(&alice.uc_id)
        .fetch_one(pool)
        .await
        .expect("endpoint");
    assert!(left, "the user/left itself was stored");

    repair(pool).await;
    let round = lifecycle::run_once(pool, Utc::now() + lifecycle::FIRST_RETRY).await.expect("round");
    assert_eq!(round.resummarized, ids);
    for joined in [&alice, &bob] {
        assert!(instance(pool, joined).await.summarized);
    }
}
