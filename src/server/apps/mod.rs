//! Managing apps and their credentials: one code path for the CLI and the
//! admin pages. Secrets are generated here, encrypted with the master key,
//! and returned exactly once.

pub mod jwt_key;
pub mod origin;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, RngCore};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sqlx::PgPool;

use super::AppError;
use super::db::apps::{self as store, AppRow, SecretInfo};
use super::master_key::MasterKey;
use crate::domain::InvalidField;

/// An app may hold this many unrevoked secrets: the current one and, during
/// a rotation, its successor.
pub const MAX_ACTIVE_SECRETS: usize = 2;

/// A secret just created. The only time its value exists outside the
/// database's ciphertext.
#[derive(Serialize)]
pub struct NewSecret {
    /// The appID it belongs to.
    #[serde(rename = "appID")]
    pub app_id: String,
    /// Id used to revoke it.
    #[serde(rename = "secretID")]
    pub secret_id: i64,
    /// The secret itself.
    #[serde(serialize_with = "expose")]
    pub secret: SecretString,
}

fn expose<S: serde::Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// Creates an app named `name` with a first secret.
pub async fn create(pool: &PgPool, key: &MasterKey, name: &str) -> Result<(AppRow, NewSecret), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(InvalidField::new("name", "must be 1 to 200 characters").into());
    }
    let mut tx = pool.begin().await?;
    let mut attempt = 0;
    let (id, public_id) = loop {
        // callstats appIDs are 9-digit numbers; retry the rare collision.
        let public_id = rand::rng().random_range(100_000_000..1_000_000_000u32).to_string();
        if let Some(id) = store::create(&mut tx, &public_id, name).await? {
            break (id, public_id);
        }
        attempt += 1;
        if attempt == 10 {
            return Err(AppError::Internal(anyhow::anyhow!("no free appID after 10 attempts")));
        }
    };
    let secret = insert_secret(&mut tx, key, id, &public_id, "first secret").await?;
    tx.commit().await?;
    Ok((AppRow { id, public_id, name: name.to_owned(), disabled: false }, secret))
}

/// The app with this appID, or [`AppError::NotFound`].
pub async fn find(pool: &PgPool, public_id: &str) -> Result<AppRow, AppError> {
    store::find(pool, public_id).await?.ok_or(AppError::NotFound)
}

/// Adds a secret for a rotation: the old one keeps working until revoked.
/// Refused while the app already has [`MAX_ACTIVE_SECRETS`].
pub async fn rotate_secret(
    pool: &PgPool,
    key: &MasterKey,
    public_id: &str,
    label: &str,
) -> Result<NewSecret, AppError> {
    let app = find(pool, public_id).await?;
    let mut tx = pool.begin().await?;
    store::lock(&mut tx, app.id).await?;
    if store::active_secrets(&mut *tx, app.id).await?.len() >= MAX_ACTIVE_SECRETS {
        return Err(AppError::Conflict(format!(
            "app {public_id} already has {MAX_ACTIVE_SECRETS} active secrets; revoke the old one first"
        )));
    }
    let secret = insert_secret(&mut tx, key, app.id, public_id, label).await?;
    tx.commit().await?;
    Ok(secret)
}

/// Revokes a secret at once: tokens can no longer be made with it.
pub async fn revoke_secret(pool: &PgPool, public_id: &str, secret_id: i64) -> Result<(), AppError> {
    let app = find(pool, public_id).await?;
    if !store::revoke_secret(pool, app.id, secret_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Every secret of the app, without values.
pub async fn secrets(pool: &PgPool, public_id: &str) -> Result<Vec<SecretInfo>, AppError> {
    let app = find(pool, public_id).await?;
    store::secrets(pool, app.id).await
}

/// Whitelists an origin; returns it normalised.
pub async fn add_origin(pool: &PgPool, public_id: &str, input: &str) -> Result<String, AppError> {
    let origin = origin::normalise(input)?;
    let app = find(pool, public_id).await?;
    store::add_origin(pool, app.id, &origin).await?;
    Ok(origin)
}

/// Removes an origin from the whitelist.
pub async fn remove_origin(pool: &PgPool, public_id: &str, input: &str) -> Result<String, AppError> {
    let origin = origin::normalise(input)?;
    let app = find(pool, public_id).await?;
    if !store::remove_origin(pool, app.id, &origin).await? {
        return Err(AppError::NotFound);
    }
    Ok(origin)
}

/// Adds an ES256 public key under `key_id`; returns its fingerprint.
pub async fn add_key(pool: &PgPool, public_id: &str, key_id: &str, pem: &str) -> Result<String, AppError> {
    if key_id.is_empty() || key_id.len() > 256 {
        return Err(InvalidField::new("keyID", "must be 1 to 256 bytes").into());
    }
    let key = jwt_key::parse(pem)?;
    let app = find(pool, public_id).await?;
    store::add_key(pool, app.id, key_id, &key.pem, &key.fingerprint).await?;
    Ok(key.fingerprint)
}

/// Revokes the key named `key_id` at once.
pub async fn revoke_key(pool: &PgPool, public_id: &str, key_id: &str) -> Result<(), AppError> {
    let app = find(pool, public_id).await?;
    if !store::revoke_key(pool, app.id, key_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn insert_secret(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    key: &MasterKey,
    app_id: i64,
    public_id: &str,
    label: &str,
) -> Result<NewSecret, AppError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(InvalidField::new("label", "must be 1 to 100 characters").into());
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = SecretString::from(URL_SAFE_NO_PAD.encode(bytes));
    let (ciphertext, nonce) = key.encrypt(secret.expose_secret().as_bytes())?;
    let plain = secret.expose_secret();
    let last4 = &plain[plain.len() - 4..];
    let secret_id = store::insert_secret(tx, app_id, label, &ciphertext, &nonce, last4).await?;
    Ok(NewSecret { app_id: public_id.to_owned(), secret_id, secret })
}
