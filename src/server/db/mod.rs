//! The only place SQL lives: one module per aggregate. Queries are checked
//! at compile time against the migrations (`.sqlx/` holds the offline data).

pub mod apps;
pub mod arrays;
pub mod audit;
pub mod conferences;
pub mod dashboard;
pub mod diagnosis;
pub mod events;
pub mod fabrics;
pub mod feedback;
pub mod ice;
pub mod idempotency;
pub mod job_leases;
pub mod login_failures;
pub mod metrics;
pub mod precall;
pub mod progress;
pub mod pulse;
pub mod reports;
pub mod retention;
pub mod rollups;
pub mod sdps;
pub mod sealed;
pub mod sessions;
pub mod ssrc;
pub mod stats;
pub mod subject;
pub mod summaries;
pub mod system_status;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_ratios;
pub mod webhooks;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens a pool to `url`.
pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = url.parse().context("DATABASE_URL is not a valid PostgreSQL URL")?;
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.log_statements(tracing::log::LevelFilter::Debug))
        .await
        .context("connecting to PostgreSQL")
}

/// Applies pending migrations. Applied migrations are never edited, so
/// running this again is a no-op.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying database migrations")
}

/// Creates `database` on the server at `maintenance_url` unless it exists.
pub async fn ensure_database(maintenance_url: &str, database: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(maintenance_url).await.context("connecting to PostgreSQL")?;
    let exists =
        sqlx::query_scalar!(r#"select exists(select 1 from pg_database where datname = $1) as "exists!""#, database)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; quote it.
        let quoted = format!("\"{}\"", database.replace('"', "\"\""));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {quoted}"))).execute(&mut conn).await?;
    }
    conn.close().await?;
    Ok(())
}

/// Checks that the store answers.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!("select 1 as one").fetch_one(pool).await.map(|_| ())
}

/// The version of the newest migration built into the binary (`None` if
/// it has none): a store is current when this one is applied.
pub fn latest_embedded_migration() -> Option<i64> {
    MIGRATOR.iter().filter(|migration| !migration.migration_type.is_down_migration()).map(|m| m.version).max()
}

/// Whether migration `version` was applied successfully to the store.
pub async fn migration_applied(pool: &PgPool, version: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from _sqlx_migrations where version = $1 and success) as "applied!""#,
        version
    )
    .fetch_one(pool)
    .await
}

/// Serialises first-start work across instances until the transaction ends.
pub async fn lock_first_start(db: impl sqlx::PgExecutor<'_>) -> Result<(), sqlx::Error> {
    // Arbitrary constant naming the "first start" lock.
    sqlx::query!("select pg_advisory_xact_lock(7242510001)").execute(db).await.map(|_| ())
}
