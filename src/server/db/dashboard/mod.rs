//! What the dashboard reads: searches and the conference and fabric pages.
//!
//! Privacy is decided here, where the data is read: every query that could
//! return a `userName` takes `names: bool` and selects
//! `case when $names then user_name end`, so for an engineer the real name
//! never leaves the database.
//!
//! Work is bounded where the data is read: these queries run on the
//! dashboard's own [`pool`] under a `statement_timeout`, a fabric's stats
//! come back already reduced to a fixed number of time buckets
//! ([`series`]), and error lists carry previews, not SDPs or whole logs.

pub mod conference;
pub mod errors;
pub mod fabric;
pub mod feedback;
mod read_pool;
pub mod search;
pub mod series;

pub use read_pool::ReadPool;

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::server::AppError;

/// An app a dashboard user may see.
#[derive(Clone)]
pub struct VisibleApp {
    /// Internal id.
    pub id: i64,
    /// The public appID.
    pub public_id: String,
    /// Display name.
    pub name: String,
}

/// The apps a dashboard user may see, by name: every app for an admin,
/// else the apps granted to them.
pub async fn visible_apps(pool: &PgPool, user_id: i64, admin: bool) -> Result<Vec<VisibleApp>, AppError> {
    Ok(sqlx::query_as!(
        VisibleApp,
        r#"select id, public_id, name from apps
            where $2 or id in (select app_id from user_app_grants where user_id = $1)
            order by name, id"#,
        user_id,
        admin,
    )
    .fetch_all(pool)
    .await?)
}

/// The internal id of the app with public appID `public_id`.
pub async fn app_by_public_id(pool: &PgPool, public_id: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar!("select id from apps where public_id = $1", public_id).fetch_optional(pool).await?)
}

/// A pool for the dashboard's reads over the same store as `pool`: every
/// connection starts with `statement_timeout` set (zero: no limit), so
/// PostgreSQL cancels a page's query once it has run that long, whether or
/// not anyone still waits for it, and the page answers 503. It has fewer
/// connections than the collector's pool, so heavy pages viewed at once
/// queue here instead of taking every connection from the collector.
/// Connections open on first use.
pub fn pool(pool: &PgPool, statement_timeout: Duration) -> PgPool {
    pool_over(pool.connect_options().as_ref().clone(), statement_timeout)
}

/// A dashboard pool over `options`: see [`pool`].
fn pool_over(options: PgConnectOptions, statement_timeout: Duration) -> PgPool {
    let options = options.options([("statement_timeout", statement_timeout.as_millis().to_string())]);
    PgPoolOptions::new()
        .max_connections(DASHBOARD_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(options)
}

/// Connections of the dashboard's pool.
const DASHBOARD_CONNECTIONS: u32 = 8;
