//! Interval triggers: when a webhook's period has ended (and settled), the
//! share of its reason in it is computed (its whole days from the daily
//! rollups, `db::webhook_ratios`) — of the summarised conferences,
//! those that failed or showed an issue; of the rated feedback, the
//! dissatisfied — and a notification is enqueued when it exceeds the threshold.
//!
//! Periods follow each other from the webhook's creation (or its last
//! change): `[end - interval, end)`, with `end` in `next_evaluation_at`. A
//! period is evaluated [`SETTLE`] after it ends, so that conferences that
//! went silent in it have been ended and summarised, and feedback given
//! right after a call has arrived. Each webhook row is locked while its
//! period is evaluated and moved on to the next period in the same
//! transaction, so several processes evaluate each period once; periods
//! missed while no process ran are evaluated one by one when one starts.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;

use crate::domain::notification::Reason;
use crate::domain::rollup;
use crate::server::AppError;
use crate::server::db::webhook_ratios::{self as ratios, Ratio};
use crate::server::db::webhooks as store;

/// How long after its end a period is evaluated.
pub const SETTLE: TimeDelta = TimeDelta::minutes(2);
/// Webhooks evaluated per transaction.
const BATCH: i64 = 10;

/// One reason of one period, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The webhook.
    pub webhook_id: i64,
    /// The reason.
    pub reason: String,
    /// The period's end.
    pub period_end: DateTime<Utc>,
    /// What was counted.
    pub ratio: Ratio,
    /// Whether it exceeded the threshold (and a notification was enqueued).
    pub fired: bool,
}

/// Evaluates every period that had settled by `now`.
pub async fn run_once(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<Evaluation>, AppError> {
    let mut done = Vec::new();
    loop {
        let mut tx = pool.begin().await?;
        let due = store::claim_due(&mut tx, now - SETTLE, BATCH).await?;
        if due.is_empty() {
            return Ok(done);
        }
        for webhook in due {
            let interval = TimeDelta::seconds(i64::from(webhook.interval_seconds));
            let (from, to) = (webhook.period_end - interval, webhook.period_end);
            let cut = rollup::cut(from, to);
            for reason in &webhook.reasons {
                let parsed = Reason::parse(reason)
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown webhook reason {reason:?}")))?;
                let ratio = match parsed.conference_match() {
                    Some(counted) => ratios::conferences_with(&mut tx, webhook.app_id, counted, &cut).await?,
                    None => ratios::dissatisfied_feedback(&mut tx, webhook.app_id, &cut).await?,
                };
                let fired = exceeds(ratio, webhook.threshold);
                if fired {
                    store::enqueue_interval(&mut tx, webhook.id, reason, ratio, from, to).await?;
                }
                done.push(Evaluation { webhook_id: webhook.id, reason: reason.clone(), period_end: to, ratio, fired });
            }
            store::evaluated(&mut tx, webhook.id, now, to + interval).await?;
        }
        tx.commit().await?;
    }
}

/// Whether `ratio` exceeds `threshold`; a period with nothing counted never does.
fn exceeds(ratio: Ratio, threshold: f64) -> bool {
    ratio.total > 0 && ratio.actual as f64 / ratio.total as f64 > threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_only_above_the_threshold() {
        assert!(exceeds(Ratio { actual: 7, total: 62 }, 0.1));
        assert!(!exceeds(Ratio { actual: 1, total: 10 }, 0.1));
        assert!(!exceeds(Ratio { actual: 0, total: 0 }, 0.0));
        assert!(exceeds(Ratio { actual: 1, total: 100 }, 0.0));
    }
}
