//! Ending conference instances that nobody ended, and keeping summaries
//! true after late events.
//!
//! - An instance ends at once, in the request that does it, when its last
//!   endpoint leaves or its last fabric terminates (the collector).
//! - One that falls silent ends here, when the server has heard nothing
//!   from it for [`SILENCE`] (by the server's clock: client clocks may be
//!   wrong, and `callscope demo` replays past calls), with
//!   `end_reason = 'inactivity'` and `ended_at` at its last activity (by
//!   the clients' clock, like every other time of the conference).
//! - Every ended instance is summarised in the transaction that ends it.
//! - An event that arrives for an ended instance (a late `fabricTerminated`,
//!   stats still in flight, an error report) is stored with that instance
//!   and clears its `summarized_at`; the next round here summarises it
//!   again. A *join* after the end opens a new instance instead.
//!
//! Every callscope process runs this loop. Rows are claimed with
//! `FOR UPDATE SKIP LOCKED` and only in their state (`live` and silent, or
//! `ended` and unsummarised), so two processes never end or summarise the
//! same instance twice; `now` is a parameter, so tests drive the clock.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::AppError;
use super::db::{conferences, summaries};

/// Silence after which a live instance ends.
pub const SILENCE: chrono::TimeDelta = chrono::TimeDelta::seconds(30);
/// How often each process looks.
const INTERVAL: Duration = Duration::from_secs(5);
/// Instances handled per transaction.
const BATCH: i64 = 100;

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Instances ended for silence, and summarised.
    pub ended: Vec<i64>,
    /// Ended instances summarised again after a late event.
    pub resummarized: Vec<i64>,
}

/// Runs a round every few seconds in the background.
pub fn start(pool: PgPool) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(INTERVAL);
        loop {
            every.tick().await;
            match run_once(&pool, Utc::now()).await {
                Ok(round) if round != Round::default() => {
                    tracing::debug!(
                        ended = round.ended.len(),
                        resummarized = round.resummarized.len(),
                        "lifecycle round"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "lifecycle round failed; retrying"),
            }
        }
    })
}

/// One round as of `now`: ends the instances silent for [`SILENCE`] and
/// summarises again those a late event made stale.
pub async fn run_once(pool: &PgPool, now: DateTime<Utc>) -> Result<Round, AppError> {
    Ok(Round { ended: pass(pool, Some(now - SILENCE)).await?, resummarized: pass(pool, None).await? })
}

/// Claims instances a batch per transaction until none is left, and
/// summarises each: live ones silent since `silent_since` (ending them
/// first), or with `None` ended ones whose summary is stale.
async fn pass(pool: &PgPool, silent_since: Option<DateTime<Utc>>) -> Result<Vec<i64>, AppError> {
    let mut done = Vec::new();
    loop {
        let mut tx = pool.begin().await?;
        let ids = match silent_since {
            Some(cutoff) => conferences::claim_silent(&mut tx, cutoff, BATCH).await?,
            None => conferences::claim_stale(&mut tx, BATCH).await?,
        };
        for &id in &ids {
            if silent_since.is_some() {
                conferences::end_silent(&mut tx, id).await?;
            }
            summaries::summarize(&mut tx, id).await?;
        }
        tx.commit().await?;
        done.extend(&ids);
        if ids.len() < BATCH as usize {
            return Ok(done);
        }
    }
}
