//! Apps as the admin pages and the CLI show them: what `db::apps` lists,
//! as the DTOs of `crate::api` (labels and last four characters, never a
//! secret's value).

use sqlx::PgPool;

use super::find;
use crate::api::{AppDetail, AppRetention, AppSummary, Grantee, KeyRow, OriginRow, SecretRow};
use crate::domain::retention::Retention;
use crate::server::AppError;
use crate::server::db::apps as store;
use crate::server::db::{retention as retention_store, webhooks as webhook_store};
use crate::server::retention::JOB;

/// Every app with counts of its credentials, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<AppSummary>, AppError> {
    Ok(store::with_counts(pool, None).await?.into_iter().map(AppSummary::from).collect())
}

/// The app with this appID, everything that authenticates it and its
/// webhooks, for the admin page.
pub async fn detail(pool: &PgPool, public_id: &str, defaults: Retention) -> Result<AppDetail, AppError> {
    let row = find(pool, public_id).await?;
    let set = store::retention(pool, row.id).await?;
    let retention = AppRetention {
        set,
        applied: defaults.with(set),
        defaults,
        last_run: retention_store::last_run(pool, JOB).await?,
    };
    let app = store::with_counts(pool, Some(row.id)).await?.pop().ok_or(AppError::NotFound)?;
    Ok(AppDetail {
        app: app.into(),
        secrets: mapped(store::secrets(pool, row.id).await?),
        keys: mapped(store::keys(pool, row.id).await?),
        origins: mapped(store::origins(pool, row.id).await?),
        grantees: mapped(store::grantees(pool, row.id).await?),
        webhooks: mapped(webhook_store::list(pool, row.id, None).await?),
        retention,
    })
}

/// Every secret of the app, revoked ones included, oldest first.
pub async fn secrets(pool: &PgPool, public_id: &str) -> Result<Vec<SecretRow>, AppError> {
    let app = find(pool, public_id).await?;
    Ok(mapped(store::secrets(pool, app.id).await?))
}

fn mapped<Row, Dto: From<Row>>(rows: Vec<Row>) -> Vec<Dto> {
    rows.into_iter().map(Dto::from).collect()
}

impl From<store::AppWithCounts> for AppSummary {
    fn from(row: store::AppWithCounts) -> Self {
        AppSummary {
            app_id: row.app_id,
            name: row.name,
            disabled: row.disabled,
            created_at: row.created_at,
            active_secrets: row.active_secrets,
            last_used_at: row.last_used_at,
            origins: row.origins,
            active_keys: row.active_keys,
        }
    }
}

impl From<store::SecretRow> for SecretRow {
    fn from(row: store::SecretRow) -> Self {
        SecretRow {
            id: row.id,
            label: row.label,
            last4: row.last4,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

impl From<store::KeyRow> for KeyRow {
    fn from(row: store::KeyRow) -> Self {
        KeyRow {
            key_id: row.key_id,
            fingerprint: row.fingerprint,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

impl From<store::OriginRow> for OriginRow {
    fn from(row: store::OriginRow) -> Self {
        OriginRow { origin: row.origin, created_at: row.created_at }
    }
}

impl From<store::Grantee> for Grantee {
    fn from(row: store::Grantee) -> Self {
        Grantee { email: row.email, role: row.role }
    }
}
