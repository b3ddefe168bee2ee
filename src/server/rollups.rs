//! Rolling up summarised conferences into their days (`db::rollups`),
//! run by every process's lifecycle loop: a batch per transaction, each
//! batch's day rows locked in one order, so processes never deadlock, and
//! the hot row of today is written once per batch rather than once per
//! conference. A batch that fails is retried one instance at a time; an
//! instance that still fails is logged and set aside (counted from its
//! rows), so one bad conference never holds back the others.

use sqlx::{Connection, PgPool};

use super::AppError;
use super::db::rollups;

/// Instances rolled up per transaction.
const BATCH: i64 = 200;
/// Batches per round at most: the rest wait for the next round.
const BATCHES_PER_ROUND: usize = 25;

/// Rolls up the instances due; returns how many were rolled up.
pub async fn roll_up_due(pool: &PgPool) -> Result<usize, AppError> {
    let mut rolled = 0;
    for _ in 0..BATCHES_PER_ROUND {
        let mut tx = pool.begin().await?;
        let ids = rollups::claim_due(&mut tx, BATCH).await?;
        let mut batch = tx.begin().await?;
        match rollups::roll_up(&mut batch, &ids).await {
            Ok(done) => {
                batch.commit().await?;
                rolled += done;
            }
            Err(error) => {
                batch.rollback().await?;
                tracing::warn!(%error, "could not roll up a batch of conferences; rolling them up one by one");
                for &id in &ids {
                    let mut one = tx.begin().await?;
                    match rollups::roll_up(&mut one, &[id]).await {
                        Ok(done) => {
                            one.commit().await?;
                            rolled += done;
                        }
                        Err(error) => {
                            one.rollback().await?;
                            tracing::error!(instance = id, %error, "could not roll up a conference; counted from its rows");
                            rollups::set_aside(&mut tx, id).await?;
                        }
                    }
                }
            }
        }
        tx.commit().await?;
        if ids.len() < BATCH as usize {
            break;
        }
    }
    Ok(rolled)
}
