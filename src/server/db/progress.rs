//! Integration progress: which SDK and collector calls an app has been seen
//! making successfully.

use sqlx::PgExecutor;

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
