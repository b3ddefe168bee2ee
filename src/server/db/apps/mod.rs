//! Customer apps and what authenticates them: secrets (encrypted), ES256
//! public keys, whitelisted origins and the JWT IDs already used.

mod listing;

pub use listing::{
    AppWithCounts, Grantee, KeyRow, OriginRow, SecretRow, grantees, keys, origins, secrets, with_counts,
};

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};

use crate::domain::retention::RetentionOverrides;
use crate::server::AppError;

/// An app as the collector and the CLI need it.
#[derive(Debug, Clone)]
pub struct AppRow {
    /// Internal id.
    pub id: i64,
    /// The appID of the wire protocol.
    pub public_id: String,
    /// Display name.
    pub name: String,
    /// Whether the app is disabled (its tokens stop).
    pub disabled: bool,
}

/// An app secret as stored: only ciphertext.
pub struct StoredSecret {
    /// Internal id.
    pub id: i64,
    /// AES-256-GCM ciphertext of the secret.
    pub ciphertext: Vec<u8>,
    /// Its nonce.
    pub nonce: Vec<u8>,
    /// How it was sealed (`server::sealed`).
    pub ciphertext_format: i16,
}

/// Inserts an app with `public_id`; `Ok(None)` when that appID is taken.
pub async fn create(tx: &mut Transaction<'_, Postgres>, public_id: &str, name: &str) -> Result<Option<i64>, AppError> {
    let id = sqlx::query_scalar!(
        "insert into apps (public_id, name) values ($1, $2) on conflict (public_id) do nothing returning id",
        public_id,
        name,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id)
}

/// The app with this appID, if any.
pub async fn find(db: impl PgExecutor<'_>, public_id: &str) -> Result<Option<AppRow>, AppError> {
    Ok(sqlx::query_as!(
        AppRow,
        r#"select id, public_id, name, disabled_at is not null as "disabled!" from apps where public_id = $1"#,
        public_id,
    )
    .fetch_optional(db)
    .await?)
}

/// Every app, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<AppRow>, AppError> {
    Ok(sqlx::query_as!(
        AppRow,
        r#"select id, public_id, name, disabled_at is not null as "disabled!" from apps order by id"#
    )
    .fetch_all(pool)
    .await?)
}

/// The app with this appID, its row locked for the rest of `tx`, so that
/// changes to one app (e.g. two rotations) happen one after the other.
pub async fn find_for_update(tx: &mut Transaction<'_, Postgres>, public_id: &str) -> Result<Option<AppRow>, AppError> {
    Ok(sqlx::query_as!(
        AppRow,
        r#"select id, public_id, name, disabled_at is not null as "disabled!" from apps where public_id = $1 for update"#,
        public_id,
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Reserves the id of a new app secret, so that its ciphertext can be
/// bound to it (`server::sealed`) before the row is written.
pub async fn next_secret_id(tx: &mut Transaction<'_, Postgres>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(r#"select nextval(pg_get_serial_sequence('app_secrets', 'id')) as "id!""#)
        .fetch_one(&mut **tx)
        .await?)
}

/// Stores secret `id` (from [`next_secret_id`]), sealed in `format`.
#[expect(clippy::too_many_arguments, reason = "one per column of the row")]
pub async fn insert_secret(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    app_id: i64,
    label: &str,
    ciphertext: &[u8],
    nonce: &[u8],
    format: i16,
    last4: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into app_secrets (id, app_id, label, ciphertext, nonce, ciphertext_format, last4)
         overriding system value values ($1, $2, $3, $4, $5, $6, $7)",
        id,
        app_id,
        label,
        ciphertext,
        nonce,
        format,
        last4,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The secrets of an app that are not revoked.
pub async fn active_secrets(db: impl PgExecutor<'_>, app_id: i64) -> Result<Vec<StoredSecret>, AppError> {
    Ok(sqlx::query_as!(
        StoredSecret,
        "select id, ciphertext, nonce, ciphertext_format from app_secrets
          where app_id = $1 and revoked_at is null order by id",
        app_id,
    )
    .fetch_all(db)
    .await?)
}

/// Renames app `app_id`.
pub async fn rename(db: impl PgExecutor<'_>, app_id: i64, name: &str) -> Result<(), AppError> {
    sqlx::query!("update apps set name = $2 where id = $1", app_id, name).execute(db).await?;
    Ok(())
}

/// App `app_id`'s own retention settings.
pub async fn retention(db: impl PgExecutor<'_>, app_id: i64) -> Result<RetentionOverrides, AppError> {
    let row = sqlx::query!(
        "select stats_retention_days, detail_retention_days, webhook_retention_days from apps where id = $1",
        app_id,
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let days = |value: Option<i32>| value.and_then(|days| u32::try_from(days).ok());
    Ok(RetentionOverrides {
        stats_days: days(row.stats_retention_days),
        detail_days: days(row.detail_retention_days),
        webhook_days: days(row.webhook_retention_days),
    })
}

/// Replaces app `app_id`'s own retention settings.
pub async fn set_retention(
    db: impl PgExecutor<'_>,
    app_id: i64,
    overrides: RetentionOverrides,
) -> Result<(), AppError> {
    let days = |value: Option<u32>| value.map(|days| i32::try_from(days).unwrap_or(i32::MAX));
    sqlx::query!(
        "update apps set stats_retention_days = $2, detail_retention_days = $3, webhook_retention_days = $4
         where id = $1",
        app_id,
        days(overrides.stats_days),
        days(overrides.detail_days),
        days(overrides.webhook_days),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Disables app `app_id`, or enables it again.
pub async fn set_disabled(db: impl PgExecutor<'_>, app_id: i64, disabled: bool) -> Result<(), AppError> {
    sqlx::query!(
        "update apps set disabled_at = case when $2 then coalesce(disabled_at, now()) end where id = $1",
        app_id,
        disabled,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes a secret of the app; `false` when there is no such active secret.
pub async fn revoke_secret(db: impl PgExecutor<'_>, app_id: i64, secret_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "update app_secrets set revoked_at = now() where id = $1 and app_id = $2 and revoked_at is null",
        secret_id,
        app_id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes that a token was just made with this secret.
pub async fn touch_secret(db: impl PgExecutor<'_>, secret_id: i64) -> Result<(), AppError> {
    sqlx::query!("update app_secrets set last_used_at = now() where id = $1", secret_id).execute(db).await?;
    Ok(())
}

/// Adds a whitelisted origin (already normalised); adding it twice is a no-op.
pub async fn add_origin(db: impl PgExecutor<'_>, app_id: i64, origin: &str) -> Result<(), AppError> {
    sqlx::query!(
        "insert into app_origins (app_id, origin) values ($1, $2) on conflict (app_id, origin) do nothing",
        app_id,
        origin,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a whitelisted origin; `false` when it was not on the list.
pub async fn remove_origin(db: impl PgExecutor<'_>, app_id: i64, origin: &str) -> Result<bool, AppError> {
    let done =
        sqlx::query!("delete from app_origins where app_id = $1 and origin = $2", app_id, origin).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

/// Stores an ES256 public key; [`AppError::Conflict`] when the keyID is taken.
pub async fn add_key(
    db: impl PgExecutor<'_>,
    app_id: i64,
    key_id: &str,
    pem: &str,
    fingerprint: &str,
) -> Result<i64, AppError> {
    sqlx::query_scalar!(
        "insert into app_jwt_keys (app_id, key_id, public_key_pem, fingerprint) values ($1, $2, $3, $4) returning id",
        app_id,
        key_id,
        pem,
        fingerprint,
    )
    .fetch_one(db)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db_error) if db_error.constraint() == Some("app_jwt_keys_app_key_id_key") => {
            AppError::Conflict(format!("keyID {key_id:?} is already used by this app; add the key under a new keyID"))
        }
        _ => error.into(),
    })
}

/// The active key named `key_id`: `(id, pem)`.
pub async fn active_key(db: impl PgExecutor<'_>, app_id: i64, key_id: &str) -> Result<Option<(i64, String)>, AppError> {
    let row = sqlx::query!(
        "select id, public_key_pem from app_jwt_keys where app_id = $1 and key_id = $2 and revoked_at is null",
        app_id,
        key_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.id, row.public_key_pem)))
}

/// Revokes a key; `false` when there is no such active key.
pub async fn revoke_key(db: impl PgExecutor<'_>, app_id: i64, key_id: &str) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "update app_jwt_keys set revoked_at = now() where app_id = $1 and key_id = $2 and revoked_at is null",
        app_id,
        key_id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which credential verified a token, for the audit trail of used JWT IDs.
#[derive(Debug, Clone, Copy)]
pub enum Verifier {
    /// An app secret (HS256).
    Secret(i64),
    /// A public key (ES256).
    Key(i64),
}

/// Records a used JWT ID; `false` when it was already used (a replay).
pub async fn record_jti(
    db: impl PgExecutor<'_>,
    app_id: i64,
    jti: &str,
    verifier: Verifier,
    user_id: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool, AppError> {
    let (method, secret_id, key_id) = match verifier {
        Verifier::Secret(id) => ("app_secret", Some(id), None),
        Verifier::Key(id) => ("jwt_key", None, Some(id)),
    };
    let fresh = sqlx::query_scalar!(
        r#"insert into used_jwt_ids (app_id, jti, auth_method, app_secret_id, jwt_key_id, client_user_id, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (app_id, jti) do nothing
           returning 1 as "inserted!""#,
        app_id,
        jti,
        method,
        secret_id,
        key_id,
        user_id,
        expires_at,
    )
    .fetch_optional(db)
    .await?;
    Ok(fresh.is_some())
}

/// Whether a request from `origin` may use the app with this appID: always
/// when the app has no whitelist, otherwise only when `origin` is on it
/// (so never without an Origin). `false` for an unknown app.
pub async fn origin_allowed(db: impl PgExecutor<'_>, public_id: &str, origin: Option<&str>) -> Result<bool, AppError> {
    let allowed = sqlx::query_scalar!(
        r#"select not exists (select 1 from app_origins o where o.app_id = a.id)
                  or exists (select 1 from app_origins o where o.app_id = a.id and o.origin = $2) as "allowed!"
           from apps a where a.public_id = $1"#,
        public_id,
        origin,
    )
    .fetch_optional(db)
    .await?;
    Ok(allowed.unwrap_or(false))
}

/// Forgets JWT IDs that expired more than `days` ago (kept that long for audit).
pub async fn purge_used_jwt_ids(db: impl PgExecutor<'_>, days: i32) -> Result<u64, AppError> {
    let done = sqlx::query!("delete from used_jwt_ids where expires_at < now() - make_interval(days => $1)", days)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
