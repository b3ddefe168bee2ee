//! When each conference instance was last heard from, as this process
//! tells the store: at most once every 5 s per instance, and for what
//! arrives within those 5 s, once they are up (the trailing write, by a
//! task that looks every second). So every poll reaches its instance's row
//! within about 6 s however the writes are throttled, and an instance that
//! another process has just ended learns of stats that arrived after its
//! summary (`conferences::touch_instance` marks that summary stale).
//!
//! A poll is noted when it arrives (so that its instance is heard from at
//! once) and again once it is stored, which always leaves a trailing write
//! after it. That write takes the instance's row lock: an end decided
//! elsewhere while the poll was being stored either waits for it (and its
//! summary reads the poll) or is seen by it (and the summary is computed
//! again).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::server::AppError;
use crate::server::db::conferences;

/// The least time between two writes of one instance from this process.
const INTERVAL: Duration = Duration::from_secs(5);
/// How often the trailing writes that are due are made.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Instances with nothing pending are forgotten this long after their
/// last write, or at once when more than [`CAPACITY`] are remembered.
const FORGET_AFTER: Duration = Duration::from_secs(60);
const CAPACITY: usize = 100_000;

/// Activity noted per instance, and what is still to be written.
#[derive(Default)]
pub struct Activity {
    instances: Mutex<HashMap<i64, Noted>>,
}

struct Noted {
    written: Instant,
    /// The latest client time noted since the last write, not written yet.
    pending: Option<DateTime<Utc>>,
}

impl Activity {
    /// Starts the trailing writes over `pool`; they stop when the returned
    /// value is dropped.
    pub fn start(pool: &PgPool) -> Arc<Self> {
        let activity = Arc::new(Self::default());
        let (weak, pool) = (Arc::downgrade(&activity), pool.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(FLUSH_EVERY);
            loop {
                every.tick().await;
                let Some(activity) = weak.upgrade() else { return };
                if let Err(error) = activity.flush(&pool).await {
                    tracing::warn!(%error, "could not note the activity of conference instances; retrying");
                }
            }
        });
        activity
    }

    /// Notes activity at client time `at` in instance `instance_id`:
    /// written now unless this process wrote the instance less than 5 s
    /// ago, else by the trailing write. A failed write is left to the
    /// trailing write too: the request goes on all the same.
    pub async fn note(&self, pool: &PgPool, instance_id: i64, at: DateTime<Utc>) {
        let Some(at) = self.claim(instance_id, at) else { return };
        if let Err(error) = conferences::touch_instance(pool, instance_id, at).await {
            tracing::warn!(%error, instance = instance_id, "could not note activity; the trailing write retries");
            self.defer(instance_id, at);
        }
    }

    /// Notes that data at client time `at` of instance `instance_id` is
    /// stored: written by the trailing write, 5 s after the last write.
    pub fn stored(&self, instance_id: i64, at: DateTime<Utc>) {
        self.defer(instance_id, at);
    }

    /// Makes the trailing writes that are due; how many it made.
    pub async fn flush(&self, pool: &PgPool) -> Result<usize, AppError> {
        let due: Vec<(i64, DateTime<Utc>)> = {
            let mut instances = self.instances.lock().unwrap_or_else(PoisonError::into_inner);
            instances.retain(|_, noted| noted.pending.is_some() || noted.written.elapsed() < FORGET_AFTER);
            instances
                .iter_mut()
                .filter(|(_, noted)| noted.written.elapsed() >= INTERVAL)
                .filter_map(|(&id, noted)| {
                    let at = noted.pending.take()?;
                    noted.written = Instant::now();
                    Some((id, at))
                })
                .collect()
        };
        for (done, &(instance_id, at)) in due.iter().enumerate() {
            if let Err(error) = conferences::touch_instance(pool, instance_id, at).await {
                due[done..].iter().for_each(|&(id, at)| self.defer(id, at));
                return Err(error);
            }
        }
        Ok(due.len())
    }

    /// Forgets when the instance was last written, so that the next
    /// activity is written at once (the instance has just ended).
    pub fn forget(&self, instance_id: i64) {
        self.instances.lock().unwrap_or_else(PoisonError::into_inner).remove(&instance_id);
    }

    /// The client time to write now, or `None` when the write waits for the
    /// trailing one (`at` is then kept as pending).
    fn claim(&self, instance_id: i64, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut instances = self.instances.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(noted) = instances.get_mut(&instance_id) {
            if noted.written.elapsed() < INTERVAL {
                noted.pending = noted.pending.max(Some(at));
                return None;
            }
            noted.written = Instant::now();
            return Some(noted.pending.take().map_or(at, |pending| pending.max(at)));
        }
        if instances.len() >= CAPACITY {
            instances.retain(|_, noted| noted.pending.is_some());
        }
        instances.insert(instance_id, Noted { written: Instant::now(), pending: None });
        Some(at)
    }

    /// Keeps `at` for the trailing write.
    fn defer(&self, instance_id: i64, at: DateTime<Utc>) {
        let mut instances = self.instances.lock().unwrap_or_else(PoisonError::into_inner);
        let noted = instances.entry(instance_id).or_insert(Noted { written: Instant::now(), pending: None });
        noted.pending = noted.pending.max(Some(at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_5_s_of_a_write_activity_waits_for_the_trailing_write_and_keeps_the_latest_time() {
        let activity = Activity::default();
        let (early, late) = (Utc::now(), Utc::now() + chrono::TimeDelta::seconds(3));
        assert_eq!(activity.claim(1, early), Some(early), "the first is written at once");
        assert_eq!(activity.claim(1, late), None);
        assert_eq!(activity.claim(1, early), None);
        assert_eq!(activity.instances.lock().expect("lock")[&1].pending, Some(late));
        assert_eq!(activity.claim(2, early), Some(early), "each instance on its own");

        activity.forget(1);
        assert_eq!(activity.claim(1, early), Some(early), "after an end, written at once");
        activity.stored(1, early);
        assert_eq!(activity.instances.lock().expect("lock")[&1].pending, Some(early), "a write follows what is stored");
    }
}
