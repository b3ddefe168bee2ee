//! What the admin pages and the CLI list of an app: its credential
//! counts, secrets (labels and last four characters, never a value), public
//! keys, origins and the users granted it.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::Role;
use crate::server::AppError;
use crate::server::db::users::parse_role;

/// An app with counts of its credentials.
#[derive(Debug, Clone)]
pub struct AppWithCounts {
    /// The public appID.
    pub app_id: String,
    /// Display name.
    pub name: String,
    /// Whether the app is disabled.
    pub disabled: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Secrets not revoked.
    pub active_secrets: i64,
    /// When a token was last made for this app, with any secret.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whitelisted origins.
    pub origins: i64,
    /// Public keys not revoked.
    pub active_keys: i64,
}

/// A secret as listed: never its value.
#[derive(Debug, Clone)]
pub struct SecretRow {
    /// Internal id.
    pub id: i64,
    /// Label given at creation.
    pub label: String,
    /// Last four characters.
    pub last4: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When a token was last made with it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An ES256 public key, as listed (without its PEM).
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// The keyID naming it.
    pub key_id: String,
    /// SHA-256 of its DER SubjectPublicKeyInfo, lowercase hex.
    pub fingerprint: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When a token was last verified with it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A whitelisted origin.
#[derive(Debug, Clone)]
pub struct OriginRow {
    /// `scheme://host[:port]`.
    pub origin: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A user granted an app.
#[derive(Debug, Clone)]
pub struct Grantee {
    /// Sign-in address.
    pub email: String,
    /// Role.
    pub role: Role,
}

/// Every app with counts of its credentials, oldest first (`app_id` filters
/// to one app).
pub async fn with_counts(db: impl PgExecutor<'_>, app_id: Option<i64>) -> Result<Vec<AppWithCounts>, AppError> {
    Ok(sqlx::query_as!(
        AppWithCounts,
        r#"select a.public_id as app_id, a.name, a.disabled_at is not null as "disabled!", a.created_at,
                  (select count(*) from app_secrets s where s.app_id = a.id and s.revoked_at is null) as "active_secrets!",
                  (select max(s.last_used_at) from app_secrets s where s.app_id = a.id) as last_used_at,
                  (select count(*) from app_origins o where o.app_id = a.id) as "origins!",
                  (select count(*) from app_jwt_keys k where k.app_id = a.id and k.revoked_at is null) as "active_keys!"
             from apps a
            where $1::bigint is null or a.id = $1
            order by a.id"#,
        app_id,
    )
    .fetch_all(db)
    .await?)
}

/// The public keys of an app, revoked ones included, oldest first.
pub async fn keys(db: impl PgExecutor<'_>, app_id: i64) -> Result<Vec<KeyRow>, AppError> {
    Ok(sqlx::query_as!(
        KeyRow,
        "select key_id, fingerprint, created_at, last_used_at, revoked_at from app_jwt_keys where app_id = $1 order by id",
        app_id,
    )
    .fetch_all(db)
    .await?)
}

/// The whitelisted origins of an app, alphabetically.
pub async fn origins(db: impl PgExecutor<'_>, app_id: i64) -> Result<Vec<OriginRow>, AppError> {
    Ok(sqlx::query_as!(
        OriginRow,
        "select origin, created_at from app_origins where app_id = $1 order by origin",
        app_id,
    )
    .fetch_all(db)
    .await?)
}

/// The non-admin users granted an app, by email.
pub async fn grantees(db: impl PgExecutor<'_>, app_id: i64) -> Result<Vec<Grantee>, AppError> {
    let rows = sqlx::query!(
        "select u.email, u.role from user_app_grants g join users u on u.id = g.user_id
          where g.app_id = $1 and u.role <> 'admin' order by u.email",
        app_id,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(|row| Ok(Grantee { email: row.email, role: parse_role(&row.role)? })).collect()
}

/// Every secret of an app, revoked ones included, oldest first.
pub async fn secrets(db: impl PgExecutor<'_>, app_id: i64) -> Result<Vec<SecretRow>, AppError> {
    Ok(sqlx::query_as!(
        SecretRow,
        "select id, label, last4, created_at, last_used_at, revoked_at from app_secrets where app_id = $1 order by id",
        app_id,
    )
    .fetch_all(db)
    .await?)
}
