//! Periodic upkeep that every instance runs, hourly: daily stats partitions
//! are created ahead of the rows that need them (and for the past week), and expired idempotency
//! keys, used JWT IDs and sessions are deleted. Every step is idempotent
//! (partition creation is serialised in the database), so several
//! instances running it at once is harmless.

use std::time::Duration;

use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::db;

/// Partitions exist for the days ahead of today, and for the last week
/// (late or past-dated samples, e.g. `callscope demo`'s history).
const DAYS_AHEAD: i32 = 2;
const DAYS_BACK: i32 = 7;
/// Idempotency keys are kept this long: far beyond any client's retries.
const IDEMPOTENCY_HOURS: i32 = 24;
/// Used JWT IDs are kept this long after they expire, as an audit trail.
const JWT_ID_AUDIT_DAYS: i32 = 30;
const INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Creates the partitions now (so the first rows of a fresh store already
/// have one), then hourly in the background.
pub async fn start(pool: PgPool) -> anyhow::Result<JoinHandle<()>> {
    run_once(&pool).await?;
    Ok(tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(INTERVAL);
        every_hour.tick().await;
        loop {
            every_hour.tick().await;
            if let Err(error) = run_once(&pool).await {
                tracing::warn!(error = format!("{error:#}"), "upkeep failed; retrying in an hour");
            }
        }
    }))
}

/// One round of upkeep.
pub async fn run_once(pool: &PgPool) -> anyhow::Result<()> {
    ensure_partitions(pool).await?;
    let keys = db::idempotency::purge_older_than(pool, IDEMPOTENCY_HOURS).await?;
    let jwt_ids = db::apps::purge_used_jwt_ids(pool, JWT_ID_AUDIT_DAYS).await?;
    let sessions = db::sessions::purge_expired(pool).await?;
    // The sign-in throttle's window is at most a day (config).
    let login_failures = db::login_failures::purge_older_than(pool, Duration::from_secs(24 * 60 * 60)).await?;
    tracing::debug!(keys, jwt_ids, sessions, login_failures, "purged expired rows");
    Ok(())
}

async fn ensure_partitions(pool: &PgPool) -> anyhow::Result<()> {
    let created = db::stats::ensure_partitions(pool, DAYS_BACK, DAYS_AHEAD).await?;
    if created > 0 {
        tracing::info!(created, "created daily stats partitions");
    }
    Ok(())
}
