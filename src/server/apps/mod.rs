//! Managing apps and their credentials: one code path for the CLI and the
//! admin pages, each action audited in its own transaction. Secrets are
//! generated here, sealed to their row with the master key (`server::sealed`),
//! and returned exactly once.

pub mod jwt_key;
pub mod origin;
pub mod retention;
mod view;

pub use view::{detail, list, secrets};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, RngCore};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use sqlx::{PgPool, Postgres, Transaction};

use super::AppError;
use super::audit::{Action, Actor, record};
use super::db::apps::{self as store, AppRow};
use super::master_key::MasterKey;
use super::sealed::{self, Owner};
use crate::domain::InvalidField;

/// An app may hold this many unrevoked secrets: the current one and, during
/// a rotation, its successor.
pub const MAX_ACTIVE_SECRETS: usize = 2;

/// The label of the secret an app is created with.
pub const FIRST_SECRET_LABEL: &str = "first secret";

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

/// Serialises a secret's value: only for the one answer that shows it.
pub(crate) fn expose<S: serde::Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// Creates an app named `name` with a first secret.
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    key: &MasterKey,
    name: &str,
) -> Result<(AppRow, NewSecret), AppError> {
    let name = check_name(name)?;
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
    let secret = insert_secret(&mut tx, key, id, &public_id, FIRST_SECRET_LABEL).await?;
    let details = json!({ "appID": public_id, "name": name, "secretID": secret.secret_id });
    record(&mut tx, actor, app_action("app.create", id, ("app", public_id.clone()), details)).await?;
    tx.commit().await?;
    Ok((AppRow { id, public_id, name: name.to_owned(), disabled: false }, secret))
}

/// Renames the app.
pub async fn rename(pool: &PgPool, actor: &Actor, public_id: &str, name: &str) -> Result<AppRow, AppError> {
    let name = check_name(name)?;
    let (mut app, mut tx) = begin(pool, public_id).await?;
    store::rename(&mut *tx, app.id, name).await?;
    let details = json!({ "appID": public_id, "from": app.name, "to": name });
    record(&mut tx, actor, app_action("app.rename", app.id, ("app", public_id.to_owned()), details)).await?;
    tx.commit().await?;
    app.name = name.to_owned();
    Ok(app)
}

/// Disables the app (its access tokens stop working and no new ones are
/// made), or enables it again.
pub async fn set_disabled(pool: &PgPool, actor: &Actor, public_id: &str, disabled: bool) -> Result<AppRow, AppError> {
    let (mut app, mut tx) = begin(pool, public_id).await?;
    store::set_disabled(&mut *tx, app.id, disabled).await?;
    let verb = if disabled { "app.disable" } else { "app.enable" };
    record(&mut tx, actor, app_action(verb, app.id, ("app", public_id.to_owned()), json!({ "appID": public_id })))
        .await?;
    tx.commit().await?;
    app.disabled = disabled;
    Ok(app)
}

/// The app with this appID, or [`AppError::NotFound`].
pub async fn find(pool: &PgPool, public_id: &str) -> Result<AppRow, AppError> {
    store::find(pool, public_id).await?.ok_or(AppError::NotFound)
}

/// Adds a secret for a rotation: the old one keeps working until revoked.
/// Refused while the app already has [`MAX_ACTIVE_SECRETS`].
pub async fn rotate_secret(
    pool: &PgPool,
    actor: &Actor,
    key: &MasterKey,
    public_id: &str,
    label: &str,
) -> Result<NewSecret, AppError> {
    let (app, mut tx) = begin(pool, public_id).await?;
    if store::active_secrets(&mut *tx, app.id).await?.len() >= MAX_ACTIVE_SECRETS {
        return Err(AppError::Conflict(format!(
            "app {public_id} already has {MAX_ACTIVE_SECRETS} active secrets; revoke the old one first"
        )));
    }
    let secret = insert_secret(&mut tx, key, app.id, public_id, label).await?;
    let target = ("app_secret", secret.secret_id.to_string());
    let details = json!({ "appID": public_id, "label": label.trim() });
    record(&mut tx, actor, app_action("app.secret.rotate", app.id, target, details)).await?;
    tx.commit().await?;
    Ok(secret)
}

/// Revokes a secret at once: tokens can no longer be made with it.
pub async fn revoke_secret(pool: &PgPool, actor: &Actor, public_id: &str, secret_id: i64) -> Result<(), AppError> {
    let (app, mut tx) = begin(pool, public_id).await?;
    if !store::revoke_secret(&mut *tx, app.id, secret_id).await? {
        return Err(AppError::NotFound);
    }
    let target = ("app_secret", secret_id.to_string());
    record(&mut tx, actor, app_action("app.secret.revoke", app.id, target, json!({ "appID": public_id }))).await?;
    Ok(tx.commit().await?)
}

/// Whitelists an origin; returns it normalised.
pub async fn add_origin(pool: &PgPool, actor: &Actor, public_id: &str, input: &str) -> Result<String, AppError> {
    let origin = origin::normalise(input)?;
    let (app, mut tx) = begin(pool, public_id).await?;
    store::add_origin(&mut *tx, app.id, &origin).await?;
    let details = json!({ "appID": public_id, "origin": origin });
    record(&mut tx, actor, app_action("app.origin.add", app.id, ("app_origin", origin.clone()), details)).await?;
    tx.commit().await?;
    Ok(origin)
}

/// Removes an origin from the whitelist.
pub async fn remove_origin(pool: &PgPool, actor: &Actor, public_id: &str, input: &str) -> Result<String, AppError> {
    let origin = origin::normalise(input)?;
    let (app, mut tx) = begin(pool, public_id).await?;
    if !store::remove_origin(&mut *tx, app.id, &origin).await? {
        return Err(AppError::NotFound);
    }
    let details = json!({ "appID": public_id, "origin": origin });
    record(&mut tx, actor, app_action("app.origin.remove", app.id, ("app_origin", origin.clone()), details)).await?;
    tx.commit().await?;
    Ok(origin)
}

/// Adds an ES256 public key under `key_id`; returns its fingerprint.
pub async fn add_key(
    pool: &PgPool,
    actor: &Actor,
    public_id: &str,
    key_id: &str,
    pem: &str,
) -> Result<String, AppError> {
    if key_id.is_empty() || key_id.len() > 256 {
        return Err(InvalidField::new("keyID", "must be 1 to 256 bytes").into());
    }
    let key = jwt_key::parse(pem)?;
    let (app, mut tx) = begin(pool, public_id).await?;
    store::add_key(&mut *tx, app.id, key_id, &key.pem, &key.fingerprint).await?;
    let details = json!({ "appID": public_id, "keyID": key_id, "fingerprint": key.fingerprint });
    record(&mut tx, actor, app_action("app.key.add", app.id, ("app_jwt_key", key_id.to_owned()), details)).await?;
    tx.commit().await?;
    Ok(key.fingerprint)
}

/// Revokes the key named `key_id` at once.
pub async fn revoke_key(pool: &PgPool, actor: &Actor, public_id: &str, key_id: &str) -> Result<(), AppError> {
    let (app, mut tx) = begin(pool, public_id).await?;
    if !store::revoke_key(&mut *tx, app.id, key_id).await? {
        return Err(AppError::NotFound);
    }
    let details = json!({ "appID": public_id, "keyID": key_id });
    record(&mut tx, actor, app_action("app.key.revoke", app.id, ("app_jwt_key", key_id.to_owned()), details)).await?;
    Ok(tx.commit().await?)
}

/// A new secret: `prefix` and 32 random bytes in base64url.
pub(crate) fn random_secret(prefix: &str) -> SecretString {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::from(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The app with this appID, locked for a change in a new transaction.
pub(crate) async fn begin(
    pool: &PgPool,
    public_id: &str,
) -> Result<(AppRow, Transaction<'static, Postgres>), AppError> {
    let mut tx = pool.begin().await?;
    let app = store::find_for_update(&mut tx, public_id).await?.ok_or(AppError::NotFound)?;
    Ok((app, tx))
}

/// An app name: trimmed, 1 to 200 characters.
fn check_name(name: &str) -> Result<&str, InvalidField> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(InvalidField::new("name", "must be 1 to 200 characters"));
    }
    Ok(name)
}

fn app_action(action: &'static str, app_id: i64, target: (&'static str, String), details: serde_json::Value) -> Action {
    Action { action, app_id: Some(app_id), target: Some(target), details }
}

async fn insert_secret(
    tx: &mut Transaction<'_, Postgres>,
    key: &MasterKey,
    app_id: i64,
    public_id: &str,
    label: &str,
) -> Result<NewSecret, AppError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(InvalidField::new("label", "must be 1 to 100 characters").into());
    }
    let secret = random_secret("");
    let secret_id = store::next_secret_id(tx).await?;
    let plain = secret.expose_secret();
    let sealed = sealed::seal(key, Owner::AppSecret { app_id, secret_id }, plain.as_bytes())?;
    let last4 = &plain[plain.len() - 4..];
    store::insert_secret(tx, secret_id, app_id, label, &sealed.ciphertext, &sealed.nonce, sealed::BOUND, last4).await?;
    Ok(NewSecret { app_id: public_id.to_owned(), secret_id, secret })
}
