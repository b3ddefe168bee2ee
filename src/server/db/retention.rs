//! Removing what the retention settings no longer keep, in bounded batches,
//! and what the retention job's last run did (its lease is `db::job_leases`).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::retention::{RetentionOverrides, RetentionRun};
use crate::server::AppError;

/// The last run of `job`, if it ever ran.
pub async fn last_run(pool: &PgPool, job: &str) -> Result<Option<RetentionRun>, AppError> {
    let row = sqlx::query!(
        r#"select last_started_at as "started_at!", last_finished_at, last_result, last_error
           from job_leases where name = $1 and last_started_at is not null"#,
        job,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| RetentionRun {
        started_at: row.started_at,
        // A run in progress has an older finish.
        finished_at: row.last_finished_at.filter(|finished| *finished >= row.started_at),
        removed: serde_json::from_value(row.last_result).unwrap_or_default(),
        error: row.last_error,
    }))
}

/// An app's retention settings and how far its samples have been removed.
#[derive(Debug, Clone)]
pub struct AppRetention {
    /// `apps.id`.
    pub app_id: i64,
    /// Its own settings.
    pub overrides: RetentionOverrides,
    /// Every sample before this has been removed.
    pub stats_removed_before: Option<DateTime<Utc>>,
}

/// Every app's retention settings.
pub async fn apps(pool: &PgPool) -> Result<Vec<AppRetention>, AppError> {
    let rows = sqlx::query!(
        "select id, stats_retention_days, detail_retention_days, webhook_retention_days, stats_removed_before
         from apps order by id"
    )
    .fetch_all(pool)
    .await?;
    let days = |value: Option<i32>| value.and_then(|days| u32::try_from(days).ok());
    Ok(rows
        .into_iter()
        .map(|row| AppRetention {
            app_id: row.id,
            overrides: RetentionOverrides {
                stats_days: days(row.stats_retention_days),
                detail_days: days(row.detail_retention_days),
                webhook_days: days(row.webhook_retention_days),
            },
            stats_removed_before: row.stats_removed_before,
        })
        .collect())
}

/// Drops the daily stats partitions of the days before `day`; how many.
pub async fn drop_stats_partitions_before(pool: &PgPool, day: NaiveDate) -> Result<i64, AppError> {
    let dropped =
        sqlx::query_scalar!(r#"select drop_stats_partitions_before($1) as "dropped!""#, day).fetch_one(pool).await?;
    Ok(i64::from(dropped))
}

/// Deletes app `app_id`'s samples older than `before` of up to `limit`
/// instances that started from `after` on (exclusive, by start then id);
/// returns the rows deleted and the last instance's start, or none when no
/// instance was left.
pub async fn delete_app_stats(
    pool: &PgPool,
    app_id: i64,
    after: (DateTime<Utc>, i64),
    before: DateTime<Utc>,
    limit: i64,
) -> Result<(i64, Option<(DateTime<Utc>, i64)>), AppError> {
    let row = sqlx::query!(
        r#"with page as (
               select id, started_at from conference_instances
               where app_id = $1 and (started_at, id) > ($2, $3) and started_at < $4
               order by started_at, id
               limit $5
           ), removed as (
               delete from stats_samples
               where fabric_id in (select f.id from fabrics f where f.instance_id in (select id from page))
                 and sampled_at < $4
               returning 1
           )
           select (select count(*) from removed) as "removed!",
                  (select started_at from page order by started_at desc, id desc limit 1) as last_started,
                  (select id from page order by started_at desc, id desc limit 1) as last_id"#,
        app_id,
        after.0,
        after.1,
        before,
        limit,
    )
    .fetch_one(pool)
    .await?;
    Ok((row.removed, row.last_started.zip(row.last_id)))
}

/// Marks that every sample of app `app_id` before `before` is removed.
pub async fn set_stats_removed_before(pool: &PgPool, app_id: i64, before: DateTime<Utc>) -> Result<(), AppError> {
    sqlx::query!("update apps set stats_removed_before = $2 where id = $1", app_id, before).execute(pool).await?;
    Ok(())
}

/// What removing conference detail deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetailRemoved {
    /// Instances whose detail went.
    pub conferences: i64,
    /// Their rows, all tables together.
    pub rows: i64,
}

/// Removes the detail of up to `limit` instances of app `app_id` that ended
/// before `before`, and marks them; instances another run holds are skipped.
pub async fn remove_detail(
    pool: &PgPool,
    app_id: i64,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<DetailRemoved, AppError> {
    let row = sqlx::query!(
        r#"with batch as (
               select id from conference_instances
               where app_id = $1 and ended_at < $2 and detail_removed_at is null
               order by ended_at
               limit $3
               for update skip locked
           ), people as (
               select id from endpoints where instance_id in (select id from batch)
           ), links as (
               select id from fabrics where instance_id in (select id from batch)
           ), events as (delete from fabric_events where endpoint_id in (select id from people) returning 1),
           errors as (delete from reported_errors where endpoint_id in (select id from people) returning 1),
           sdps as (delete from sdps where fabric_id in (select id from links) returning 1),
           ice as (delete from ice_candidates where fabric_id in (select id from links) returning 1),
           ssrc as (delete from ssrc_maps where fabric_id in (select id from links) returning 1),
           details as (delete from call_details where endpoint_id in (select id from people) returning 1),
           status as (delete from system_status_samples where endpoint_id in (select id from people) returning 1),
           precall as (delete from precall_tests where endpoint_id in (select id from people) returning 1),
           marked as (
               update conference_instances set detail_removed_at = now() where id in (select id from batch) returning 1
           )
           select (select count(*) from marked) as "conferences!",
                  (select count(*) from events) + (select count(*) from errors) + (select count(*) from sdps)
                  + (select count(*) from ice) + (select count(*) from ssrc) + (select count(*) from details)
                  + (select count(*) from status) + (select count(*) from precall) as "rows!""#,
        app_id,
        before,
        limit,
    )
    .fetch_one(pool)
    .await?;
    Ok(DetailRemoved { conferences: row.conferences, rows: row.rows })
}

/// Deletes up to `limit` of app `app_id`'s finished webhook deliveries
/// (their attempts with them) created before `before`; how many.
pub async fn delete_deliveries(pool: &PgPool, app_id: i64, before: DateTime<Utc>, limit: i64) -> Result<i64, AppError> {
    let deleted = sqlx::query_scalar!(
        r#"with removed as (
               delete from webhook_deliveries where id in (
                   select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
                   where w.app_id = $1 and d.status <> 'pending' and d.created_at < $2
                   limit $3)
               returning 1
           )
           select count(*) as "deleted!" from removed"#,
        app_id,
        before,
        limit,
    )
    .fetch_one(pool)
    .await?;
    Ok(deleted)
}

/// Deletes up to `limit` audit records older than `before`; how many.
pub async fn delete_audit(pool: &PgPool, before: DateTime<Utc>, limit: i64) -> Result<i64, AppError> {
    let deleted = sqlx::query_scalar!(
        r#"with removed as (
               delete from audit_log where id in (
                   select id from audit_log where occurred_at < $1 order by occurred_at limit $2)
               returning 1
           )
           select count(*) as "deleted!" from removed"#,
        before,
        limit,
    )
    .fetch_one(pool)
    .await?;
    Ok(deleted)
}
