//! How long an app's data is kept: its own settings over the configured
//! defaults, set from the CLI or the admin page, audited.

use serde_json::json;
use sqlx::PgPool;

use super::{app_action, begin, find};
use crate::domain::retention::{Retention, RetentionOverrides};
use crate::server::AppError;
use crate::server::audit::{Actor, record};
use crate::server::db::apps as store;

/// The app's own settings and those that apply with `defaults`.
pub async fn get(
    pool: &PgPool,
    public_id: &str,
    defaults: Retention,
) -> Result<(RetentionOverrides, Retention), AppError> {
    let app = find(pool, public_id).await?;
    let overrides = store::retention(pool, app.id).await?;
    Ok((overrides, defaults.with(overrides)))
}

/// Replaces the app's own settings (`None`: the default); refused (422,
/// naming the field) unless the settings that then apply are valid.
pub async fn set(
    pool: &PgPool,
    actor: &Actor,
    public_id: &str,
    overrides: RetentionOverrides,
    defaults: Retention,
) -> Result<Retention, AppError> {
    let applied = defaults.with(overrides).validate()?;
    let (app, mut tx) = begin(pool, public_id).await?;
    store::set_retention(&mut *tx, app.id, overrides).await?;
    let details = json!({ "appID": public_id, "set": overrides, "applied": applied });
    record(&mut tx, actor, app_action("app.retention", app.id, ("app", public_id.to_owned()), details)).await?;
    tx.commit().await?;
    Ok(applied)
}
