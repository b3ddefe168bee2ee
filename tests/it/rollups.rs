//! Daily rollups over real calls: the overview reads the same figures
//! whether its conferences are rolled up or not; a conference summarised
//! again counts once; a day row that cannot be read sets only its own
//! conferences aside; and a week-long webhook interval reads its whole
//! days from the rollups, corrected by a conference summarised again.

use callscope::api::{CurrentUser, OverviewView, ReportQuery};
use callscope::domain::Role;
use callscope::server::db::dashboard::ReadPool;
use callscope::server::webhooks::evaluator::{self, Evaluation, SETTLE};
use callscope::server::{lifecycle, reports, rollups};
use chrono::{TimeDelta, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::collector::Collector;
use crate::summaries::{fabric_event, instance_of};
use crate::webhooks::{add_webhook, failed_conference, good_conference, input};

fn admin() -> CurrentUser {
    CurrentUser { id: 0, email: "admin@example.com".into(), role: Role::Admin }
}

async fn overview(collector: &Collector) -> OverviewView {
    let query = ReportQuery { app: Some(collector.app_id.clone()), ..ReportQuery::default() };
    reports::overview(&ReadPool::primary(collector.server.pool.clone()), &admin(), query, Utc::now())
        .await
        .expect("overview")
}

async fn rolled_up(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from conference_instances where rollup is not null")
        .fetch_one(pool)
        .await
        .expect("count")
}

async fn day_conferences(pool: &PgPool) -> Vec<i64> {
    sqlx::query_scalar("select (tallies ->> 'conferences')::bigint from daily_conferences order by app_id, day")
        .fetch_all(pool)
        .await
        .expect("days")
}

#[sqlx::test]
async fn the_overview_is_the_same_read_from_rollups_or_from_rows(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    for n in 0..3 {
        failed_conference(&collector, &format!("failed {n}")).await;
    }
    for n in 0..5 {
        good_conference(&collector, &format!("good {n}")).await;
    }
    let live = collector.join("still running", "carol").await;
    fabric_event(&collector, &live, "pc-1", "fabricSetup", json!({ "delay": 900 })).await;

    let from_rows = overview(&collector).await;
    assert_eq!(rolled_up(&pool).await, 0);
    assert_eq!((from_rows.conferences, from_rows.summarized, from_rows.total_failures), (9, 8, 3));
    let (count, min, max): (i64, i32, i32) =
        sqlx::query_as("select count(setup_delay_ms), min(setup_delay_ms), max(setup_delay_ms) from fabrics")
            .fetch_one(&pool)
            .await
            .expect("delays");
    let delays = from_rows.setup_delay.clone().expect("delays");
    assert_eq!((delays.count, delays.min, delays.max), (count, min, max));
    assert!(count >= 6, "every set-up connection, the live one's too: {count}");

    let round = lifecycle::run_once(&pool, Utc::now()).await.expect("round");
    assert_eq!((round.rolled_up, rolled_up(&pool).await), (8, 8), "the summarised ones, not the live one");
    assert_eq!(day_conferences(&pool).await, [8]);
    assert_eq!(overview(&collector).await, from_rows);
    assert_eq!(rollups::roll_up_due(&pool).await.expect("again"), 0, "each is rolled up once");

    // A summary stamped later than the roll-up (another clock) is not due again.
    sqlx::query(
        "update conference_instances set summarized_at = now() + interval '1 hour' where summarized_at is not null",
    )
    .execute(&pool)
    .await
    .expect("a summary from the future");
    assert_eq!(rollups::roll_up_due(&pool).await.expect("once more"), 8);
    assert_eq!(rollups::roll_up_due(&pool).await.expect("again"), 0, "and only once");
    assert_eq!(day_conferences(&pool).await, [8]);
}

#[sqlx::test]
async fn a_conference_summarised_again_counts_once_with_its_new_summary(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let alice = failed_conference(&collector, "late").await;
    lifecycle::run_once(&pool, Utc::now()).await.expect("rolled up");
    assert_eq!(overview(&collector).await.total_failures, 1);

    // A late fabricSetup of another connection: the summary goes stale,
    // the conference is now a partial failure.
    fabric_event(&collector, &alice, "pc-2", "fabricSetup", json!({ "delay": 400 })).await;
    let instance = instance_of(&pool, &alice).await;
    let stale: bool = sqlx::query_scalar("select summarized_at is null from conference_instances where id = $1")
        .bind(instance)
        .fetch_one(&pool)
        .await
        .expect("stale");
    assert!(stale, "the late event makes the summary stale");
    let round = lifecycle::run_once(&pool, Utc::now()).await.expect("summarised again");
    assert_eq!((round.resummarized, round.rolled_up), (vec![instance], 1));
    assert_eq!(day_conferences(&pool).await, [1], "taken out, then added again");
    let view = overview(&collector).await;
    assert_eq!((view.conferences, view.total_failures, view.partial_failures), (1, 0, 1));
    let delays = view.setup_delay.expect("delays");
    assert_eq!((delays.count, delays.min, delays.max), (1, 400, 400), "the connection set up late");
}

#[sqlx::test]
async fn a_day_that_cannot_be_read_sets_aside_only_its_own_conferences(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let old = good_conference(&collector, "yesterday").await;
    lifecycle::run_once(&pool, Utc::now()).await.expect("rolled up");
    sqlx::query("update conference_instances set started_at = started_at - interval '1 day', rollup = null, rolled_up_summary_at = null")
        .execute(&pool)
        .await
        .expect("moved to yesterday");
    sqlx::query("update daily_conferences set day = day - 1, setup_delays = '\\x00'")
        .execute(&pool)
        .await
        .expect("yesterday's row broken");
    for n in 0..3 {
        good_conference(&collector, &format!("today {n}")).await;
    }

    let round = lifecycle::run_once(&pool, Utc::now()).await.expect("round");
    assert_eq!(round.rolled_up, 3, "today's conferences, despite yesterday's row");
    let (rollup, set_aside): (Option<serde_json::Value>, bool) =
        sqlx::query_as("select rollup, rolled_up_summary_at is not null from conference_instances where id = $1")
            .bind(instance_of(&pool, &old).await)
            .fetch_one(&pool)
            .await
            .expect("old");
    assert_eq!((rollup, set_aside), (None, true), "yesterday's conference is set aside, not claimed again");
    assert_eq!(rollups::roll_up_due(&pool).await.expect("again"), 0);
}

/// A week-long `failedConferences` interval over a failed and a good
/// conference that started two days into it (a whole day of the period),
/// rolled up: the webhook's id.
async fn a_week_of_two_conferences_rolled_up(collector: &Collector, pool: &PgPool) -> i64 {
    let mut week = input("https://hooks.example.com/week", "failedConferences", "interval", Some(0.0));
    week.interval_seconds = Some(7 * 24 * 3600);
    let (id, _) = add_webhook(collector, week).await;
    failed_conference(collector, "failed").await;
    good_conference(collector, "good").await;
    sqlx::query(
        "update conference_instances set started_at = started_at + interval '2 days',
             last_activity_at = last_activity_at + interval '2 days', ended_at = ended_at + interval '2 days'",
    )
    .execute(pool)
    .await
    .expect("moved");
    lifecycle::run_once(pool, Utc::now()).await.expect("rolled up");
    id
}

/// The evaluation of webhook `id` once its week has ended.
async fn evaluated_week(pool: &PgPool, id: i64) -> Evaluation {
    let end = Utc::now() + TimeDelta::days(7);
    let evaluated = evaluator::run_once(pool, end + SETTLE + TimeDelta::seconds(1)).await.expect("evaluate");
    evaluated.into_iter().find(|evaluation| evaluation.webhook_id == id).expect("evaluated")
}

#[sqlx::test]
async fn a_week_long_interval_reads_its_whole_days_from_the_rollups(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let id = a_week_of_two_conferences_rolled_up(&collector, &pool).await;
    // The rows no longer say it failed; the day's rollup still does.
    sqlx::query("update conference_instances set failure_group = null").execute(&pool).await.expect("rows changed");

    let week = evaluated_week(&pool, id).await;
    assert_eq!((week.ratio.actual, week.ratio.total, week.fired), (1, 2, true), "{week:?}");
}

#[sqlx::test]
async fn a_week_long_interval_counts_a_conference_summarised_again_with_its_new_summary(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let id = a_week_of_two_conferences_rolled_up(&collector, &pool).await;
    // Summarised again (no longer failed) and not rolled up again yet: the
    // day row still holds the failure, which must be taken out.
    sqlx::query("update conference_instances set failure_group = null, summarized_at = now() + interval '1 second'")
        .execute(&pool)
        .await
        .expect("summarised again");

    let week = evaluated_week(&pool, id).await;
    assert_eq!((week.ratio.actual, week.ratio.total, week.fired), (0, 2, false), "{week:?}");
}
