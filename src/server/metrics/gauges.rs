//! The gauges read when Prometheus scrapes: the pools and the stats queue
//! from memory, and from the store, in two queries on one connection, the
//! live conferences per app, the lifecycle's lag and the webhook outbox.
//! Every process reports the same store figures: aggregate them with `max`.

use std::time::Instant;

use chrono::Utc;
use metrics::{counter, gauge};
use sqlx::PgPool;

use super::{events, names};
use crate::server::AppState;
use crate::server::db::metrics::{self as store, AppLive, Backlog};
use crate::server::db::pulse;
use crate::server::lifecycle;

/// Sets every gauge to what it is now; a store that does not answer sets
/// [`names::STORE_UP`] to 0 and leaves its gauges as they were.
pub async fn refresh(state: &AppState) {
    pool(&state.pool, "main");
    pool(&state.dashboard_pool, "dashboard");
    if state.read_pool.is_replica() {
        pool(state.read_pool.pool(), "replica");
    }
    gauge!(names::STATS_QUEUE).set(state.stats_writer.queued() as f64);
    match read(&state.pool).await {
        Ok((apps, backlog)) => {
            apps.iter().for_each(app);
            gauge!(names::LIFECYCLE_LAG).set(backlog.lifecycle_lag_seconds);
            gauge!(names::OUTBOX_PENDING).set(backlog.outbox_pending as f64);
            gauge!(names::OUTBOX_DUE).set(backlog.outbox_due as f64);
            gauge!(names::OUTBOX_OLDEST_DUE).set(backlog.outbox_oldest_due_seconds);
            gauge!(names::STORE_UP).set(1.0);
        }
        Err(error) => {
            tracing::warn!(%error, "metrics: could not read the store's gauges");
            gauge!(names::STORE_UP).set(0.0);
        }
    }
}

async fn read(pool: &PgPool) -> Result<(Vec<AppLive>, Backlog), crate::server::AppError> {
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    events::pool_acquired("metrics", started.elapsed());
    let now = Utc::now();
    let apps = store::live_by_app(&mut conn).await?;
    let silent_before = lifecycle::silent_before(now, pulse::last(&mut conn).await?);
    let backlog = store::backlog(&mut conn, silent_before, now).await?;
    Ok((apps, backlog))
}

fn pool(pool: &PgPool, name: &'static str) {
    let (size, idle) = (pool.size() as f64, pool.num_idle() as f64);
    gauge!(names::POOL_CONNECTIONS, "pool" => name, "state" => "in_use").set(size - idle);
    gauge!(names::POOL_CONNECTIONS, "pool" => name, "state" => "idle").set(idle);
    gauge!(names::POOL_MAX, "pool" => name).set(f64::from(pool.options().get_max_connections()));
}

/// One app's gauges; its counters are touched so that they exist (at zero)
/// before their first event, and `increase()` sees that event.
fn app(live: &AppLive) {
    let app = live.app_id.to_string();
    gauge!(names::APP_INFO, "app" => app.clone(), "public_id" => live.public_id.clone()).set(1.0);
    gauge!(names::LIVE_CONFERENCES, "app" => app.clone()).set(live.conferences as f64);
    gauge!(names::LIVE_ENDPOINTS, "app" => app.clone()).set(live.endpoints as f64);
    for counter in [names::CONFERENCES_ENDED, names::CONFERENCES_FAILED, names::FEEDBACK_DISSATISFIED] {
        counter!(counter, "app" => app.clone()).increment(0);
    }
}
