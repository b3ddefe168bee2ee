//! `GET /healthz` (liveness) and `GET /readyz` (readiness), and the
//! draining flag a stopping process raises so that `/readyz` fails before
//! the listener closes. docs/operations.md ("Health and readiness").

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{AppState, db};

/// How long `/readyz` waits for the store: a balancer's probe gives up after
/// a few seconds, and an answer naming the store beats a probe timing out
/// (the pool itself would wait its whole acquire timeout).
const STORE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether this process is stopping. Raised on SIGTERM before the drain
/// delay, so balancers see `/readyz` fail while requests are still served.
#[derive(Debug, Default)]
pub struct Draining(AtomicBool);

impl Draining {
    /// Marks the process as stopping; there is no way back.
    pub fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Draining::start`] was called.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// 200 while the process serves: no database call, so a store outage does
/// not get every instance restarted by a liveness probe.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 when this instance should get traffic: not draining, the store
/// answers, and the latest migration built into the binary is applied.
/// Otherwise 503, with `notReady` naming each check that failed.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let draining = state.draining.is_set();
    let store = match tokio::time::timeout(STORE_CHECK_TIMEOUT, check_store(&state.pool)).await {
        Ok(store) => store,
        Err(_) => {
            tracing::warn!(timeout = ?STORE_CHECK_TIMEOUT, "readiness: the database did not answer in time");
            Store::Unreachable
        }
    };
    let (database, migrations) = match store {
        Store::Current => ("ok", "ok"),
        Store::Behind => ("ok", "behind"),
        // Nothing is known of the migrations then; the store is what failed.
        Store::Unreachable => ("unreachable", "unknown"),
    };
    let failed = [("draining", draining), ("database", database != "ok"), ("migrations", migrations == "behind")];
    let not_ready: Vec<&str> = failed.into_iter().filter_map(|(name, failed)| failed.then_some(name)).collect();
    let status = if not_ready.is_empty() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if not_ready.is_empty() { "ready" } else { "not ready" },
        "draining": draining,
        "database": database,
        "migrations": migrations,
        "notReady": not_ready,
    });
    (status, Json(body))
}

/// What `/readyz` found in the store.
enum Store {
    /// Reachable, with the binary's latest migration applied.
    Current,
    /// Reachable, but the binary's latest migration is not applied (or the
    /// migrations table cannot be read).
    Behind,
    /// No answer.
    Unreachable,
}

async fn check_store(pool: &sqlx::PgPool) -> Store {
    if let Err(error) = db::ping(pool).await {
        tracing::warn!(%error, "readiness: database unreachable");
        return Store::Unreachable;
    }
    let Some(latest) = db::latest_embedded_migration() else {
        return Store::Current;
    };
    match db::migration_applied(pool, latest).await {
        Ok(true) => Store::Current,
        Ok(false) => {
            tracing::warn!(migration = latest, "readiness: the binary's latest migration is not applied");
            Store::Behind
        }
        Err(error) => {
            tracing::warn!(%error, "readiness: cannot read the applied migrations");
            Store::Behind
        }
    }
}
