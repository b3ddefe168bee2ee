//! The retention job: removes what the retention settings (configured
//! defaults, per-app overrides) no longer keep. Every instance of a fleet
//! asks for it every few minutes; the one that takes its lease in
//! `job_leases` runs it, at most once an hour across the fleet, and records
//! what it removed there for the admin pages.
//!
//! Work is done in bounded batches, at most [`BATCHES_PER_RUN`] statements
//! a run, a quarter for each kind below, so one kind's long catch-up never
//! starves the others (what is left waits for the next run):
//! - stats samples: whole day partitions are dropped once every app's
//!   retention allows; an app that keeps them for less time has its rows
//!   deleted, connection by connection, walking its instances by start;
//! - conference detail of instances ended long enough ago (the instances,
//!   participants, connections, feedback and issues stay);
//! - finished webhook deliveries and their attempts; the audit log.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::db;
use crate::domain::retention::{Removed, Retention};

/// The job's name in `job_leases`.
pub const JOB: &str = "retention";
/// How often the fleet runs it.
const EVERY: Duration = Duration::from_secs(60 * 60);
/// How long a run may hold the job before another instance may take it
/// over (a run that died).
const HOLD: Duration = Duration::from_secs(60 * 60);
/// How often each instance asks.
const ASK_EVERY: Duration = Duration::from_secs(5 * 60);
/// Rows (or instances' detail) one statement removes at most.
const BATCH: i64 = 1_000;
/// Instances whose samples one statement deletes: an hour-long call of
/// eight is 100,000 rows.
const STATS_INSTANCES: i64 = 10;
/// Statements a run issues at most.
pub const BATCHES_PER_RUN: usize = 500;
/// An app's samples are looked for in instances that started up to this
/// long before the last run's mark: a call that was still running then.
const LONG_CALL: TimeDelta = TimeDelta::days(1);

/// How long each kind of data is kept.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Apps' defaults.
    pub defaults: Retention,
    /// Days the audit log is kept.
    pub audit_days: u32,
}

/// Asks for the job every few minutes in the background.
pub fn start(pool: PgPool, policy: Policy) -> JoinHandle<()> {
    let holder = holder();
    tokio::spawn(async move {
        let mut asking = tokio::time::interval(ASK_EVERY);
        loop {
            asking.tick().await;
            match run_once(&pool, policy, &holder).await {
                Ok(Some(removed)) => tracing::info!(?removed, "retention job ran"),
                Ok(None) => {}
                Err(error) => tracing::warn!(error = format!("{error:#}"), "retention job failed"),
            }
        }
    })
}

/// This process, as a lease holder: host, process id and a random tag.
pub fn holder() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!("{}:{}:{:08x}", host.trim(), std::process::id(), rand::random::<u32>())
}

/// Runs the job if `holder` takes its lease: what it removed, or none when
/// another instance has it or it ran less than an hour ago.
pub async fn run_once(pool: &PgPool, policy: Policy, holder: &str) -> anyhow::Result<Option<Removed>> {
    if !db::job_leases::lease(pool, JOB, holder, EVERY, HOLD).await? {
        return Ok(None);
    }
    let outcome = remove(pool, policy, Utc::now()).await;
    let (result, error) = match &outcome {
        Ok(removed) => (serde_json::to_value(removed)?, None),
        Err(error) => (serde_json::json!({}), Some(format!("{error:#}"))),
    };
    db::job_leases::finish(pool, JOB, holder, &result, error.as_deref()).await?;
    outcome.map(Some)
}

/// Statements left to one kind of data in a run: each kind has its own
/// share, so a long catch-up of one never starves the others.
struct Budget(usize);

impl Budget {
    /// Each kind's share of [`BATCHES_PER_RUN`].
    fn share() -> Self {
        Self(BATCHES_PER_RUN / 4)
    }

    /// Takes one statement; false when none is left.
    fn spend(&mut self) -> bool {
        self.0 = self.0.saturating_sub(1);
        self.0 > 0
    }
}

async fn remove(pool: &PgPool, policy: Policy, now: DateTime<Utc>) -> anyhow::Result<Removed> {
    let days = |days: u32| TimeDelta::days(i64::from(days));
    let apps: Vec<(db::retention::AppRetention, Retention)> = db::retention::apps(pool)
        .await?
        .into_iter()
        .map(|app| {
            let retention = policy.defaults.with(app.overrides).applied();
            (app, retention)
        })
        .collect();
    let mut removed = Removed::default();

    let longest = apps.iter().map(|(_, retention)| retention.stats_days).max().unwrap_or(policy.defaults.stats_days);
    removed.stats_partitions =
        db::retention::drop_stats_partitions_before(pool, (now - days(longest)).date_naive()).await?;
    let mut budget = Budget::share();
    'stats: for (app, retention) in apps.iter().filter(|(_, retention)| retention.stats_days < longest) {
        let before = now - days(retention.stats_days);
        // Older samples went with their partitions: no walk starts before them.
        let floor = now - days(longest) - LONG_CALL;
        let from = app.stats_removed_before.map_or(floor, |mark| (mark - LONG_CALL).max(floor));
        let mut after = (from, 0);
        loop {
            let (rows, last) =
                db::retention::delete_app_stats(pool, app.app_id, after, before, STATS_INSTANCES).await?;
            removed.stats_rows += rows;
            let Some(last) = last else {
                db::retention::set_stats_removed_before(pool, app.app_id, before).await?;
                break;
            };
            after = last;
            if !budget.spend() {
                db::retention::set_stats_removed_before(pool, app.app_id, after.0).await?;
                removed.incomplete = true;
                break 'stats;
            }
        }
    }

    let mut budget = Budget::share();
    'detail: for (app, retention) in &apps {
        loop {
            let batch =
                db::retention::remove_detail(pool, app.app_id, now - days(retention.detail_days), BATCH).await?;
            removed.detail_conferences += batch.conferences;
            removed.detail_rows += batch.rows;
            if batch.conferences < BATCH {
                break;
            }
            if !budget.spend() {
                removed.incomplete = true;
                break 'detail;
            }
        }
    }

    let mut budget = Budget::share();
    'deliveries: for (app, retention) in &apps {
        loop {
            let deleted =
                db::retention::delete_deliveries(pool, app.app_id, now - days(retention.webhook_days), BATCH).await?;
            removed.webhook_deliveries += deleted;
            if deleted < BATCH {
                break;
            }
            if !budget.spend() {
                removed.incomplete = true;
                break 'deliveries;
            }
        }
    }

    let mut budget = Budget::share();
    loop {
        let deleted = db::retention::delete_audit(pool, now - days(policy.audit_days), BATCH).await?;
        removed.audit_records += deleted;
        if deleted < BATCH {
            break;
        }
        if !budget.spend() {
            removed.incomplete = true;
            break;
        }
    }
    Ok(removed)
}
