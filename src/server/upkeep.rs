//! Upkeep, once an hour across the fleet: daily stats partitions are
//! created ahead of the rows that need them (and for the past week), and
//! expired idempotency keys, used JWT IDs, sessions and sign-in failures
//! are deleted.
//!
//! Like the retention job (`server::retention`), every instance asks for it
//! every few minutes and the one that takes its lease in `job_leases` runs
//! it, recording what it did there. Each step is idempotent too (partition
//! creation is serialised in the database), so a run that a dead instance
//! left half done is simply done again by the next.

use std::time::Duration;

use serde::Serialize;
use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::db;

/// The job's name in `job_leases`.
pub const JOB: &str = "upkeep";
/// How often the fleet runs it.
const EVERY: Duration = Duration::from_secs(60 * 60);
/// How long a run may hold the job: far longer than a run takes.
const HOLD: Duration = Duration::from_secs(10 * 60);
/// How often each instance asks.
const ASK_EVERY: Duration = Duration::from_secs(5 * 60);
/// Partitions exist for the days ahead of today, and for the last week
/// (late or past-dated samples, e.g. `callscope demo`'s history).
const DAYS_AHEAD: i32 = 2;
const DAYS_BACK: i32 = 7;
/// Idempotency keys are kept this long: far beyond any client's retries.
const IDEMPOTENCY_HOURS: i32 = 24;
/// Used JWT IDs are kept this long after they expire, as an audit trail.
const JWT_ID_AUDIT_DAYS: i32 = 30;
/// The sign-in throttle's window is at most a day (config).
const LOGIN_FAILURE_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// What one run did, as recorded in `job_leases.last_result`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Upkept {
    /// Daily stats partitions created.
    pub partitions: i32,
    /// Expired idempotency keys deleted.
    pub idempotency_keys: u64,
    /// Used JWT IDs deleted.
    pub jwt_ids: u64,
    /// Expired sessions deleted.
    pub sessions: u64,
    /// Sign-in failures past the throttle's window deleted.
    pub login_failures: u64,
}

/// Asks for the job now (so that the first rows of a fresh store already
/// have their partition), then every few minutes in the background.
pub async fn start(pool: PgPool) -> anyhow::Result<JoinHandle<()>> {
    let holder = super::retention::holder();
    run_if_due(&pool, &holder).await?;
    Ok(tokio::spawn(async move {
        let mut asking = tokio::time::interval(ASK_EVERY);
        asking.tick().await;
        loop {
            asking.tick().await;
            if let Err(error) = run_if_due(&pool, &holder).await {
                tracing::warn!(error = format!("{error:#}"), "upkeep failed; retrying in an hour");
            }
        }
    }))
}

/// Runs upkeep if `holder` takes its lease: what it did, or none when
/// another instance has it or it ran less than an hour ago.
pub async fn run_if_due(pool: &PgPool, holder: &str) -> anyhow::Result<Option<Upkept>> {
    if !db::job_leases::lease(pool, JOB, holder, EVERY, HOLD).await? {
        return Ok(None);
    }
    let outcome = run_once(pool).await;
    let (result, error) = match &outcome {
        Ok(upkept) => (serde_json::to_value(upkept)?, None),
        Err(error) => (serde_json::json!({}), Some(format!("{error:#}"))),
    };
    db::job_leases::finish(pool, JOB, holder, &result, error.as_deref()).await?;
    outcome.map(Some)
}

/// One round of upkeep, whoever else runs it.
pub async fn run_once(pool: &PgPool) -> anyhow::Result<Upkept> {
    let partitions = db::stats::ensure_partitions(pool, DAYS_BACK, DAYS_AHEAD).await?;
    if partitions > 0 {
        tracing::info!(created = partitions, "created daily stats partitions");
    }
    let upkept = Upkept {
        partitions,
        idempotency_keys: db::idempotency::purge_older_than(pool, IDEMPOTENCY_HOURS).await?,
        jwt_ids: db::apps::purge_used_jwt_ids(pool, JWT_ID_AUDIT_DAYS).await?,
        sessions: db::sessions::purge_expired(pool).await?,
        login_failures: db::login_failures::purge_older_than(pool, LOGIN_FAILURE_AGE).await?,
    };
    tracing::debug!(?upkept, "upkeep ran");
    Ok(upkept)
}
