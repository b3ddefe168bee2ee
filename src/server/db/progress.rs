//! Integration progress: which SDK and collector calls an app has been seen
//! making successfully.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use crate::server::AppError;

/// Records that `step` succeeded for the app just now.
pub async fn record(db: impl PgExecutor<'_>, app_id: i64, step: &str) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into app_integration_progress (app_id, step) values ($1, $2)
           on conflict (app_id, step) do update
           set last_seen_at = now(), seen_count = app_integration_progress.seen_count + 1"#,
        app_id,
        step,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A step an app was seen making.
pub struct StepRow {
    /// The step's name.
    pub step: String,
    /// First time seen.
    pub first_seen_at: DateTime<Utc>,
    /// Last time seen.
    pub last_seen_at: DateTime<Utc>,
    /// Times recorded (at most once a minute per process).
    pub seen_count: i64,
}

/// Every step app `app_id` was seen making.
pub async fn list(pool: &PgPool, app_id: i64) -> Result<Vec<StepRow>, AppError> {
    Ok(sqlx::query_as!(
        StepRow,
        "select step, first_seen_at, last_seen_at, seen_count from app_integration_progress where app_id = $1",
        app_id,
    )
    .fetch_all(pool)
    .await?)
}
