use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::retention::{Retention, RetentionOverrides, RetentionRun};

/// One app in the admin list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSummary {
    /// The public appID.
    pub app_id: String,
    /// Display name.
    pub name: String,
    /// Whether the app is disabled (its tokens stop).
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

/// A secret's public face: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRow {
    /// Internal id, used to revoke it.
    pub id: i64,
    /// Label given at creation.
    pub label: String,
    /// Last four characters, to tell secrets apart.
    pub last4: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When a token was last made with it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An ES256 public key that verifies third-party JWTs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    /// The keyID claim naming it.
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

/// A whitelisted origin, in its RFC 6454 serialisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginRow {
    /// `scheme://host[:port]`.
    pub origin: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A dashboard user who may see an app through a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grantee {
    /// Sign-in address.
    pub email: String,
    /// Role.
    pub role: crate::domain::Role,
}

/// Everything the admin page of one app shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppDetail {
    /// The app.
    pub app: AppSummary,
    /// Its secrets, revoked ones included, oldest first.
    pub secrets: Vec<SecretRow>,
    /// Its public keys, revoked ones included, oldest first.
    pub keys: Vec<KeyRow>,
    /// Its whitelisted origins, alphabetically.
    pub origins: Vec<OriginRow>,
    /// Support and engineer users granted the app (admins see every app).
    pub grantees: Vec<Grantee>,
    /// Its webhooks, oldest first (never a secret).
    pub webhooks: Vec<super::WebhookRow>,
    /// How long its data is kept.
    pub retention: AppRetention,
}

/// How long an app's data is kept, and what the retention job last did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRetention {
    /// The app's own settings (`None`: the default).
    pub set: RetentionOverrides,
    /// The settings that apply.
    pub applied: Retention,
    /// The configured defaults.
    pub defaults: Retention,
    /// The retention job's last run (over every app).
    pub last_run: Option<RetentionRun>,
}

/// Every app, oldest first. Admins only.
#[server(endpoint = "admin_apps")]
pub async fn admin_apps() -> Result<Vec<AppSummary>, ApiError> {
    crate::server::auth::require_role(crate::domain::Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::apps::list(&state.pool).await?)
}

/// One app with its credentials (never a secret's value). Admins only.
#[server(endpoint = "admin_app")]
pub async fn admin_app(
    /// The appID.
    app: String,
) -> Result<AppDetail, ApiError> {
    crate::server::auth::require_role(crate::domain::Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::apps::detail(&state.pool, &app, state.config.retention).await?)
}
