//! Where the dashboard's read-only pages read: a streaming replica when
//! `DATABASE_READ_URL` is set, else the primary (docs/operations.md).

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgPool};

use crate::server::AppError;

/// Connections for reads that may be a moment behind the primary: the
/// replica's, or the primary's dashboard pool when there is none. A report
/// takes one to say that it tolerates that lag; whatever must see the latest
/// write (live conferences, admin pages, sign-in, the collector, workers,
/// transactions) takes the primary's `PgPool` instead.
#[derive(Clone)]
pub struct ReadPool {
    pool: PgPool,
    replica: bool,
}

impl ReadPool {
    /// Reads on the primary's dashboard pool, as when no replica is configured.
    pub fn primary(dashboard_pool: PgPool) -> Self {
        Self { pool: dashboard_pool, replica: false }
    }

    /// Reads on the replica at `url`, over a pool made like the primary's
    /// dashboard pool (same size and `statement_timeout`). Connections open
    /// on first use, so the server starts while the replica is down; the
    /// pages it serves answer 503 until it is back.
    pub fn replica(url: &str, statement_timeout: Duration) -> anyhow::Result<Self> {
        let options: PgConnectOptions = url.parse().context("DATABASE_READ_URL is not a valid PostgreSQL URL")?;
        let options = options.log_statements(tracing::log::LevelFilter::Debug);
        Ok(Self { pool: super::pool_over(options, statement_timeout), replica: true })
    }

    /// The connections to read with.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether these are a replica's connections (`DATABASE_READ_URL`).
    pub fn is_replica(&self) -> bool {
        self.replica
    }

    /// The pool for conference instance `id`'s pages: this one once both
    /// the primary and this replica hold the instance as ended, else
    /// `primary`. A live conference changes by the second (and one that
    /// started a moment ago may not have reached the replica), so its pages
    /// never depend on the replica; an ended one changes little, so a
    /// replica a moment behind shows it as the primary would.
    pub async fn for_instance<'a>(&'a self, primary: &'a PgPool, id: i64) -> Result<&'a PgPool, AppError> {
        if !self.replica || !has_ended(primary, id).await? {
            return Ok(primary);
        }
        Ok(if has_ended(&self.pool, id).await? { &self.pool } else { primary })
    }
}

/// Whether `pool` holds instance `id` as ended (`false` when it has none).
async fn has_ended(pool: &PgPool, id: i64) -> Result<bool, AppError> {
    let ended =
        sqlx::query_scalar!(r#"select ended_at is not null as "ended!" from conference_instances where id = $1"#, id)
            .fetch_optional(pool)
            .await?;
    Ok(ended == Some(true))
}
