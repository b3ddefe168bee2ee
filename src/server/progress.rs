//! Records integration progress off the hot path: at most once a minute per
//! app and step from this process, in the background, after the request's
//! own data is committed. Losing a progress mark costs nothing; the next
//! call records it again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::PgPool;

use super::db;

const INTERVAL: Duration = Duration::from_secs(60);

/// Remembers when each (app, step) was last written.
#[derive(Default)]
pub struct Progress {
    written: Mutex<HashMap<(i64, &'static str), Instant>>,
}

impl Progress {
    /// Notes that `step` succeeded for `app_id`.
    pub fn seen(&self, pool: &PgPool, app_id: i64, step: &'static str) {
        let now = Instant::now();
        {
            let mut written = self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match written.get(&(app_id, step)) {
                Some(last) if now.duration_since(*last) < INTERVAL => return,
                _ => written.insert((app_id, step), now),
            };
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            if let Err(error) = db::progress::record(&pool, app_id, step).await {
                tracing::warn!(%error, app_id, step, "cannot record integration progress");
            }
        });
    }
}
