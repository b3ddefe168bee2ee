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
//! - Silence counts only while the collector is heard from: when it has
//!   heard nothing from any live instance for [`QUIET`], the collector
//!   itself may be what cannot be reached (every process down for a
//!   deploy, the network in front of them), and after such a gap silence
//!   counts again from when it heard again ([`silent_before`], from the
//!   pulse of `db::pulse`). So an outage of the collector ends no call
//!   whose clients come back within [`SILENCE`] of its end. A system that
//!   hears nothing at all cannot tell an outage from a last call whose
//!   clients left without a word: there an instance ends after
//!   [`SILENCE_CAP`].
//! - Every ended instance is summarised in the transaction that ends it,
//!   through [`summarize_or_defer`]: the summary runs in a savepoint, so
//!   when it fails (data no summary foresaw, a bug) only it is rolled back.
//!   The instance stays ended, the failure is logged and recorded, and the
//!   summary is tried again here after a back-off ([`retry_delay`]). One
//!   bad conference never holds back the others of its batch, nor the
//!   request that ended it.
//! - A live instance is diagnosed every [`DIAGNOSE_EVERY`], so its page
//!   and search show its issues before it ends; each in its own
//!   transaction, a failure logged and tried again next time.
//! - Summarised instances are rolled up into their day's rollup
//!   (`server::rollups`), which the overview and webhooks read.
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

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::task::JoinHandle;

use super::AppError;
use super::db::pulse::{self, Pulse};
use super::db::{conferences, diagnosis, summaries};
use super::metrics::events as metrics;
use crate::domain::limits::truncate_bytes;

/// Silence after which a live instance ends.
pub const SILENCE: TimeDelta = TimeDelta::seconds(30);
/// Hearing nothing from any live instance for longer than this means the
/// collector may be unreachable: every client that is still there posts
/// at least every 10 s (userAlive, and stats by default).
pub const QUIET: TimeDelta = TimeDelta::seconds(15);
/// Silence after which a live instance ends even while nothing at all is
/// heard: the longest a collector outage can be without ending calls.
pub const SILENCE_CAP: TimeDelta = TimeDelta::minutes(5);
/// The wait after a summary's first failure.
pub const FIRST_RETRY: TimeDelta = TimeDelta::minutes(1);
/// The longest wait between two attempts at a summary that keeps failing.
pub const LONGEST_RETRY: TimeDelta = TimeDelta::hours(1);
/// How often a live instance is diagnosed.
pub const DIAGNOSE_EVERY: TimeDelta = TimeDelta::minutes(1);
/// Live instances diagnosed per round at most: the rest wait for the next.
const DIAGNOSED_PER_ROUND: i64 = 50;
/// How often each process looks.
const INTERVAL: Duration = Duration::from_secs(5);
/// Instances handled per transaction.
const BATCH: i64 = 100;
/// The most of a summary's error kept with its instance.
const ERROR_BYTES: usize = 1024;

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Instances ended for silence (and summarised, unless `deferred`).
    pub ended: Vec<i64>,
    /// Ended instances summarised again: after a late event, or after a
    /// failed summary's back-off.
    pub resummarized: Vec<i64>,
    /// Instances whose summary failed in this round, left for a later one.
    pub deferred: Vec<i64>,
    /// Live instances diagnosed.
    pub diagnosed: Vec<i64>,
    /// Summarised instances rolled up into their days (`server::rollups`).
    pub rolled_up: usize,
}

/// What became of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// Computed and stored; whether the instance is a total failure.
    Done {
        /// No fabric of the instance was ever set up.
        total_failure: bool,
    },
    /// Failed: rolled back, recorded, and left to a later round.
    Deferred,
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
                        deferred = round.deferred.len(),
                        diagnosed = round.diagnosed.len(),
                        "lifecycle round"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "lifecycle round failed; retrying"),
            }
        }
    })
}

/// One round as of `now`: takes the collector's pulse, ends the instances
/// that fell silent ([`silent_before`]), summarises again those a late
/// event made stale or whose failed summary is due for another try, and
/// diagnoses the live ones that are due.
pub async fn run_once(pool: &PgPool, now: DateTime<Utc>) -> Result<Round, AppError> {
    let pulse = pulse::observe(&mut *pool.acquire().await?, QUIET).await?;
    let (ended, mut deferred) = pass(pool, Some(silent_before(now, pulse)), now).await?;
    let (stale, failed_again) = pass(pool, None, now).await?;
    let resummarized = stale.into_iter().filter(|id| !failed_again.contains(id)).collect();
    deferred.extend(failed_again);
    let diagnosed = diagnose_live(pool, now).await?;
    let rolled_up = super::rollups::roll_up_due(pool).await?;
    Ok(Round { ended, resummarized, deferred, diagnosed, rolled_up })
}

/// The instant before which a live instance last heard from has fallen
/// silent, as of `now`, given the collector's `pulse`: `now` − [`SILENCE`]
/// while the collector hears from someone and has done so for
/// [`SILENCE`] since its last gap; otherwise `now` − [`SILENCE_CAP`].
pub fn silent_before(now: DateTime<Utc>, pulse: Option<Pulse>) -> DateTime<Utc> {
    let counting = pulse
        .is_some_and(|pulse| now - pulse.heard_at <= QUIET && pulse.resumed_at.is_none_or(|at| at <= now - SILENCE));
    if counting { now - SILENCE } else { now - SILENCE_CAP }
}

/// Diagnoses the live instances due at `now`, each in its own transaction;
/// one that fails is logged and left for its next turn.
async fn diagnose_live(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
    let mut claim = pool.acquire().await?;
    let ids = conferences::claim_undiagnosed(&mut claim, now - DIAGNOSE_EVERY, now, DIAGNOSED_PER_ROUND).await?;
    drop(claim);
    let mut diagnosed = Vec::new();
    for id in ids {
        let mut tx = pool.begin().await?;
        match diagnosis::refresh_live(&mut tx, id).await {
            Ok(done) => {
                tx.commit().await?;
                if done {
                    diagnosed.push(id);
                }
            }
            Err(error) => tracing::error!(instance = id, %error, "could not diagnose a live conference instance"),
        }
    }
    Ok(diagnosed)
}

/// Summarises instance `instance_id` in a savepoint of the caller's
/// transaction. On failure only the summary's writes are rolled back: the
/// failure is logged and recorded on the instance with the time of the
/// next attempt (`now` + [`retry_delay`]), and the caller carries on, its
/// other work intact. Only an error that also breaks the transaction (the
/// store gone) is returned.
pub async fn summarize_or_defer(
    conn: &mut PgConnection,
    instance_id: i64,
    now: DateTime<Utc>,
) -> Result<Summary, AppError> {
    let mut savepoint = conn.begin().await?;
    let error = match summaries::summarize(&mut savepoint, instance_id).await {
        Ok(total_failure) => {
            savepoint.commit().await?;
            return Ok(Summary::Done { total_failure });
        }
        Err(error) => error,
    };
    savepoint.rollback().await?;
    let attempts = summaries::failed_attempts(conn, instance_id).await?.saturating_add(1);
    let retry_at = now + retry_delay(attempts);
    let message = format!("{error:#}");
    let (message, _) = truncate_bytes(&message, ERROR_BYTES);
    tracing::error!(
        instance = instance_id,
        attempts,
        %retry_at,
        error = message,
        "could not summarise a conference instance; it stays ended and is retried later"
    );
    summaries::record_failure(conn, instance_id, attempts, retry_at, message).await?;
    Ok(Summary::Deferred)
}

/// The wait before the next attempt at a summary that has failed
/// `attempts` times: [`FIRST_RETRY`], doubling with each failure, at most
/// [`LONGEST_RETRY`]. It never stops: what is fixed later (a bug, a row
/// repaired by hand) is summarised then.
pub fn retry_delay(attempts: i32) -> TimeDelta {
    let doublings = attempts.clamp(1, 16) - 1;
    (FIRST_RETRY * 2_i32.pow(doublings as u32)).min(LONGEST_RETRY)
}

/// Claims instances a batch per transaction until none is left, and
/// summarises each: live ones silent since `silent_since` (ending them
/// first), or with `None` ended ones whose summary is stale or due for a
/// retry at `now`. Returns the instances claimed and those whose summary
/// failed; a failure neither stops the batch nor undoes its other work.
async fn pass(
    pool: &PgPool,
    silent_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(Vec<i64>, Vec<i64>), AppError> {
    let (mut claimed, mut deferred) = (Vec::new(), Vec::new());
    loop {
        let mut tx = pool.begin().await?;
        let ids = match silent_since {
            Some(cutoff) => conferences::claim_silent(&mut tx, cutoff, BATCH).await?,
            None => conferences::claim_stale(&mut tx, now, BATCH).await?,
        };
        let (mut failed, mut ends) = (Vec::new(), Vec::new());
        for &id in &ids {
            let ended_app = match silent_since {
                Some(_) => conferences::end_silent(&mut tx, id).await?,
                None => None,
            };
            let summary = summarize_or_defer(&mut tx, id, now).await?;
            if summary == Summary::Deferred {
                failed.push(id);
            }
            ends.extend(ended_app.map(|app_id| (app_id, summary)));
        }
        tx.commit().await?;
        for (app_id, summary) in ends {
            metrics::conference_ended(app_id, summary);
        }
        claimed.extend(&ids);
        deferred.extend(failed);
        if ids.len() < BATCH as usize {
            return Ok((claimed, deferred));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulse(heard_ago: i64, resumed_ago: Option<i64>, now: DateTime<Utc>) -> Option<Pulse> {
        let resumed_at = resumed_ago.map(|ago| now - TimeDelta::seconds(ago));
        Some(Pulse { heard_at: now - TimeDelta::seconds(heard_ago), resumed_at })
    }

    #[test]
    fn silence_counts_only_while_the_collector_hears_from_someone() {
        let now = Utc::now();
        assert_eq!(silent_before(now, pulse(1, None, now)), now - SILENCE, "heard from others just now");
        assert_eq!(silent_before(now, pulse(15, Some(31), now)), now - SILENCE, "a gap ended 31 s ago");
        assert_eq!(silent_before(now, pulse(16, None, now)), now - SILENCE_CAP, "nothing heard for 16 s");
        assert_eq!(silent_before(now, pulse(1, Some(29), now)), now - SILENCE_CAP, "heard again 29 s ago");
        assert_eq!(silent_before(now, None), now - SILENCE_CAP, "no live instance");
    }

    #[test]
    fn a_failing_summary_waits_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_delay(0), FIRST_RETRY);
        assert_eq!(retry_delay(1), TimeDelta::minutes(1));
        assert_eq!(retry_delay(2), TimeDelta::minutes(2));
        assert_eq!(retry_delay(6), TimeDelta::minutes(32));
        assert_eq!(retry_delay(7), LONGEST_RETRY);
        assert_eq!(retry_delay(i32::MAX), LONGEST_RETRY);
    }
}
