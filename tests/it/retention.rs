//! The retention job over real calls: with app A keeping one day and app B
//! the defaults, a run removes A's old samples, detail and deliveries only,
//! drops the day partitions no app keeps, leaves nothing orphaned, keeps
//! every rollup (so the overview is unchanged), and runs once however many
//! instances ask.

use callscope::api::ReportQuery;
use callscope::domain::Role;
use callscope::domain::retention::{Retention, RetentionOverrides};
use callscope::server::AppError;
use callscope::server::apps;
use callscope::server::audit::Actor;
use callscope::server::db::dashboard::ReadPool;
use callscope::server::retention::{self, Policy};
use callscope::server::{lifecycle, reports};
use serde_json::json;
use sqlx::PgPool;

use crate::collector::{Collector, header, now_ms, with};
use crate::summaries::{fabric_event, instance_of, leave, send, stats};

const POLICY: Policy =
    Policy { defaults: Retention { stats_days: 30, detail_days: 180, webhook_days: 30 }, audit_days: 730 };

/// A call of one connection with events and two polls, ended, then moved
/// three days into the past; its instance.
async fn old_call(collector: &Collector, conf: &str) -> i64 {
    let pool = &collector.server.pool;
    let alice = collector.join(conf, "alice").await;
    fabric_event(collector, &alice, "pc-1", "fabricSetup", json!({ "delay": 100 })).await;
    let rating = with(header("alice"), json!({ "remoteID": "peer", "feedback": { "overallRating": 2 } }));
    send(collector, &alice, "events/feedback", &rating).await;
    for poll in 0..2 {
        let tracks = json!([{ "id": "in-audio", "type": "inbound-rtp", "kind": "audio", "ssrc": 7, "packetsReceived": 50 * poll }]);
        stats(collector, &alice, "pc-1", now_ms() - 20_000.0 + 10_000.0 * f64::from(poll), tracks, json!([])).await;
    }
    leave(collector, &alice).await;
    let instance = instance_of(pool, &alice).await;
    for statement in [
        "update conference_instances set started_at = started_at - interval '3 days',
             last_activity_at = last_activity_at - interval '3 days', ended_at = ended_at - interval '3 days'
         where id = $1",
        "update stats_samples set sampled_at = sampled_at - interval '3 days'
         where fabric_id in (select id from fabrics where instance_id = $1)",
    ] {
        sqlx::query(statement).bind(instance).execute(pool).await.expect(statement);
    }
    instance
}

/// A finished and a pending delivery of a webhook of `app`, three days old.
async fn old_deliveries(pool: &PgPool, app: i64) {
    sqlx::query(
        r"with hook as (
              insert into webhooks (app_id, url, secret_ciphertext, secret_nonce, reasons, trigger_type, threshold)
              values ($1, 'https://hooks.example/x', '\x00', '\x000000000000000000000000', '{failedConferences}',
                      'individual', 1)
              returning id
          ), deliveries as (
              insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key, payload, status,
                                              next_attempt_at, created_at)
              select id, 'failedConferences', 'individual', key, '{}', status, due, now() - interval '3 days'
              from hook, (values ('sent', 'delivered', null::timestamptz), ('waiting', 'pending', now())) d (key, status, due)
              returning id
          )
          insert into webhook_attempts (delivery_id, attempt, started_at, latency_ms)
          select id, 1, now() - interval '3 days', 10 from deliveries",
    )
    .bind(app)
    .execute(pool)
    .await
    .expect("deliveries");
}

/// Every rollup row, as text, in order.
async fn rollups(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select format('%s %s %s %s', app_id, day, tallies, md5(participants)) from daily_conferences
         union all
         select format('%s %s %s %s %s %s', app_id, day, app_version, kind, rating, count) from daily_feedback
         order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("rollups")
}

/// The overview of the last week of the app of `collector`, as the admin sees it.
async fn overview(collector: &Collector) -> callscope::api::OverviewView {
    let admin = callscope::api::CurrentUser { id: 0, email: "admin@example.com".into(), role: Role::Admin };
    let query = ReportQuery { app: Some(collector.app_id.clone()), ..ReportQuery::default() };
    reports::overview(&ReadPool::primary(collector.server.pool.clone()), &admin, query, chrono::Utc::now())
        .await
        .expect("overview")
}

async fn count(pool: &PgPool, sql: &'static str, instance: i64) -> i64 {
    sqlx::query_scalar(sql).bind(instance).fetch_one(pool).await.expect(sql)
}

#[sqlx::test]
async fn each_app_keeps_its_own_retention_and_the_job_runs_once(pool: PgPool) {
    let a = Collector::spawn(pool.clone()).await;
    let b = Collector::spawn(pool.clone()).await;
    sqlx::query("select ensure_stats_partitions(current_date - 45, 48)").execute(&pool).await.expect("partitions");
    sqlx::query(
        "update apps set stats_retention_days = 1, detail_retention_days = 1, webhook_retention_days = 1 where id = $1",
    )
    .bind(a.app_pk)
    .execute(&pool)
    .await
    .expect("A keeps a day");
    let (old_a, old_b) = (old_call(&a, "old call").await, old_call(&b, "old call").await);
    // One of B's samples is 40 days old: past every app's retention.
    sqlx::query(
        "with one as (select s.fabric_id, s.sampled_at, s.stat_key from stats_samples s join fabrics f on f.id = s.fabric_id
                      where f.instance_id = $1 limit 1)
         update stats_samples s set sampled_at = s.sampled_at - interval '37 days' from one
         where (s.fabric_id, s.sampled_at, s.stat_key) = (one.fabric_id, one.sampled_at, one.stat_key)",
    )
    .bind(old_b)
    .execute(&pool)
    .await
    .expect("an ancient sample");
    let recent_a = a.join("recent call", "bob").await;
    fabric_event(&a, &recent_a, "pc-1", "fabricSetup", json!({ "delay": 100 })).await;
    for app in [a.app_pk, b.app_pk] {
        old_deliveries(&pool, app).await;
    }
    sqlx::query(
        "insert into audit_log (actor_kind, actor_label, action, occurred_at)
         values ('system', 'system', 'test.ancient', now() - interval '3 years'), ('system', 'system', 'test.recent', now())",
    )
    .execute(&pool)
    .await
    .expect("audit");

    let samples =
        "select count(*) from stats_samples where fabric_id in (select id from fabrics where instance_id = $1)";
    let events =
        "select count(*) from fabric_events where fabric_id in (select id from fabrics where instance_id = $1)";
    let (samples_b, events_b) = (count(&pool, samples, old_b).await, count(&pool, events, old_b).await);
    assert!(count(&pool, samples, old_a).await > 0 && samples_b > 1 && events_b > 0);
    lifecycle::run_once(&pool, chrono::Utc::now()).await.expect("ended and rolled up");
    let (rollups_before, overview_before) = (rollups(&pool).await, overview(&a).await);
    assert_eq!(rollups_before.len(), 2 + 2 * 2, "each app's day of conferences and of feedback: {rollups_before:?}");
    assert_eq!((overview_before.conferences, overview_before.participants), (2, 2));

    let (first, second) = tokio::join!(
        retention::run_once(&pool, POLICY, "instance-1"),
        retention::run_once(&pool, POLICY, "instance-2")
    );
    let runs: Vec<_> = [first.expect("run"), second.expect("run")].into_iter().flatten().collect();
    assert_eq!(runs.len(), 1, "one of two instances runs the job");
    let removed = runs[0];
    assert_eq!(retention::run_once(&pool, POLICY, "instance-1").await.expect("again"), None, "once an hour");

    assert_eq!((count(&pool, samples, old_a).await, count(&pool, events, old_a).await), (0, 0), "A's old call");
    assert_eq!(
        (count(&pool, samples, old_b).await, count(&pool, events, old_b).await),
        (samples_b - 1, events_b),
        "B keeps its call but the 40-day-old sample"
    );
    assert!(count(&pool, events, instance_of(&pool, &recent_a).await).await > 0, "A's call still running");
    assert!(removed.stats_partitions >= 1, "{removed:?}");
    assert_eq!(
        (removed.detail_conferences, removed.webhook_deliveries, removed.audit_records),
        (1, 1, 1),
        "{removed:?}"
    );

    // The instances, their people and connections stay; nothing points nowhere.
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from conference_instances ci where ci.id = any($1)
           and exists (select 1 from endpoints e where e.instance_id = ci.id)
           and exists (select 1 from fabrics f where f.instance_id = ci.id)",
    )
    .bind(vec![old_a, old_b])
    .fetch_one(&pool)
    .await
    .expect("kept");
    assert_eq!(kept, 2);
    let orphans: i64 = sqlx::query_scalar(
        "select count(*) from stats_samples s where not exists (select 1 from fabrics f where f.id = s.fabric_id)",
    )
    .fetch_one(&pool)
    .await
    .expect("orphans");
    assert_eq!(orphans, 0);
    let deliveries: Vec<(i64, String)> = sqlx::query_as(
        "select w.app_id, d.status from webhook_deliveries d join webhooks w on w.id = d.webhook_id order by 1, 2",
    )
    .fetch_all(&pool)
    .await
    .expect("deliveries");
    let expected = [(a.app_pk, "pending"), (b.app_pk, "delivered"), (b.app_pk, "pending")];
    assert_eq!(deliveries, expected.map(|(app, status)| (app, status.to_owned())));
    let audit: Vec<String> = sqlx::query_scalar("select action from audit_log where action like 'test.%'")
        .fetch_all(&pool)
        .await
        .expect("audit");
    assert_eq!(audit, ["test.recent"]);
    let (runs, result): (i64, serde_json::Value) =
        sqlx::query_as("select run_count, last_result from job_leases where name = 'retention'")
            .fetch_one(&pool)
            .await
            .expect("lease");
    assert_eq!((runs, result["detailConferences"].as_i64()), (1, Some(1)), "{result}");
    assert_eq!(rollups(&pool).await, rollups_before, "every rollup is kept");
    assert_eq!(overview(&a).await, overview_before, "A's overview still shows its old call");
}

#[sqlx::test]
async fn an_app_cannot_keep_samples_longer_than_their_conference(pool: PgPool) {
    let a = Collector::spawn(pool.clone()).await;
    let defaults = POLICY.defaults;
    let longer = RetentionOverrides { stats_days: Some(20), detail_days: Some(14), webhook_days: None };
    let refused = apps::retention::set(&pool, &Actor::Cli, &a.app_id, longer, defaults).await;
    assert!(matches!(&refused, Err(AppError::Validation { field, .. }) if field == "statsDays"), "{refused:?}");
    let zero = RetentionOverrides { webhook_days: Some(0), ..RetentionOverrides::default() };
    let refused = apps::retention::set(&pool, &Actor::Cli, &a.app_id, zero, defaults).await;
    assert!(matches!(&refused, Err(AppError::Validation { field, .. }) if field == "webhookDays"), "{refused:?}");

    let week = RetentionOverrides { stats_days: Some(7), ..RetentionOverrides::default() };
    let applied = apps::retention::set(&pool, &Actor::Cli, &a.app_id, week, defaults).await.expect("a week");
    assert_eq!(applied, Retention { stats_days: 7, ..defaults });
    assert_eq!(apps::retention::get(&pool, &a.app_id, defaults).await.expect("read"), (week, applied));
}
