//! Webhook notifications (callstats "Webhook Notifications"; `docs/webhooks.md`).
//!
//! - Managing an app's webhooks: one code path for the CLI and the admin
//!   pages, each action audited in its own transaction. A webhook's signing
//!   secret is generated here, sealed to its row with the master key
//!   (`server::sealed`), and returned exactly once; `view` shows them
//!   (never a secret) as the api's DTOs.
//! - Causes enqueue notifications in the transaction that commits them (see
//!   `db::webhooks`): a conference summarised as a total failure, a feedback
//!   rated 1–2, and — through [`evaluator`] — an interval whose share
//!   exceeds the threshold.
//! - [`delivery`] sends them, signed ([`signature`]), retried and logged,
//!   only to addresses [`target`] allows (no requests into the server's
//!   own networks).
//!
//! Every process runs [`start`]'s loop; the database decides who does what.

pub mod delivery;
pub mod evaluator;
pub mod payload;
pub mod signature;
pub mod target;
mod view;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::AppError;
use super::apps::{begin, random_secret};
use super::audit::{Action, Actor, record};
use super::db::webhook_deliveries as outbox;
use super::db::webhooks::{self as store, SealedSecret, Settings};
use super::master_key::MasterKey;
use super::sealed::{self, Owner, Sealed};
use crate::domain::InvalidField;
use crate::domain::notification::Reason;
pub use delivery::Deliverer;
pub use target::TargetPolicy;
pub use view::{detail, list};

/// How often each process evaluates and delivers.
const INTERVAL: Duration = Duration::from_secs(2);
/// The shortest and longest interval period.
pub const PERIOD_SECONDS: std::ops::RangeInclusive<i32> = 60..=7 * 86_400;
/// The period when none is given: an hour, as callstats had it.
pub const DEFAULT_PERIOD_SECONDS: i32 = 3600;

/// A webhook as asked for, before checking.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where to POST: an http or https URL.
    pub url: String,
    /// Notification reasons.
    pub reasons: Vec<String>,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// Ratio 0..=1 to exceed (interval only).
    pub threshold: Option<f64>,
    /// Period in seconds (interval only).
    pub interval_seconds: Option<i32>,
    /// Whether it fires.
    pub enabled: bool,
}

impl Input {
    /// The settings to store, or the first field that breaks a rule; the
    /// URL must not name an address `targets` refuses.
    pub fn check(self, targets: &TargetPolicy) -> Result<Settings, InvalidField> {
        let url = check_url(&self.url, targets)?;
        let mut reasons = Vec::new();
        for reason in self.reasons {
            if Reason::parse(&reason).is_none() {
                let names: Vec<&str> = Reason::all().map(Reason::as_str).collect();
                return Err(InvalidField::new("reasons", format!("must be among {}", names.join(", "))));
            }
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        if reasons.is_empty() {
            return Err(InvalidField::new("reasons", "choose at least one reason"));
        }
        let (threshold, interval_seconds) = match self.trigger_type.as_str() {
            "interval" => {
                let threshold = self
                    .threshold
                    .filter(|threshold| (0.0..=1.0).contains(threshold))
                    .ok_or_else(|| InvalidField::new("threshold", "must be a share from 0 to 100 %"))?;
                let seconds = self.interval_seconds.unwrap_or(DEFAULT_PERIOD_SECONDS);
                if !PERIOD_SECONDS.contains(&seconds) {
                    return Err(InvalidField::new("interval", "must be from 1 minute to 7 days"));
                }
                (threshold, seconds)
            }
            // Documented as 1 for individual triggers; the period is unused.
            "individual" => (1.0, self.interval_seconds.unwrap_or(DEFAULT_PERIOD_SECONDS).clamp(60, 7 * 86_400)),
            _ => return Err(InvalidField::new("triggerType", "must be interval or individual")),
        };
        Ok(Settings {
            url,
            reasons,
            trigger_type: self.trigger_type,
            threshold,
            interval_seconds,
            enabled: self.enabled,
        })
    }
}

/// An http(s) URL with a host, at most 2048 bytes, as typed (trimmed),
/// whose host, when an IP address, is one webhooks may reach.
fn check_url(input: &str, targets: &TargetPolicy) -> Result<String, InvalidField> {
    let input = input.trim();
    let bad = || InvalidField::new("url", "must be an http:// or https:// URL of at most 2048 bytes");
    if input.is_empty() || input.len() > 2048 || input.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let parsed = url::Url::parse(input).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    targets.check_url(&parsed).map_err(|refused| {
        InvalidField::new(
            "url",
            format!("{refused} (an operator may allow a network: CALLSCOPE_WEBHOOK_ALLOW_NETWORKS)"),
        )
    })?;
    Ok(input.to_owned())
}

/// A webhook's signing secret, just made: shown once.
#[derive(Serialize)]
pub struct NewWebhookSecret {
    /// The webhook.
    #[serde(rename = "webhookID")]
    pub webhook_id: i64,
    /// The secret, the HMAC key of its signatures.
    #[serde(serialize_with = "super::apps::expose")]
    pub secret: SecretString,
}

/// Adds a webhook to the app; returns it with its secret.
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    key: &MasterKey,
    targets: &TargetPolicy,
    public_id: &str,
    input: Input,
) -> Result<NewWebhookSecret, AppError> {
    let settings = input.check(targets)?;
    let (app, mut tx) = begin(pool, public_id).await?;
    let id = store::next_id(&mut tx).await?;
    let (secret, sealed) = new_secret(key, Owner::Webhook { app_id: app.id, webhook_id: id })?;
    let sealed = sealed.as_sealed();
    store::insert(&mut tx, id, app.id, &settings, &sealed, actor.user_id(), period_from_now(&settings)).await?;
    record(&mut tx, actor, action("webhook.create", app.id, id, described(public_id, &settings))).await?;
    tx.commit().await?;
    Ok(NewWebhookSecret { webhook_id: id, secret })
}

/// Replaces a webhook's settings. A new period starts now when the period
/// or the trigger changed, or the webhook was enabled again.
pub async fn update(
    pool: &PgPool,
    actor: &Actor,
    targets: &TargetPolicy,
    public_id: &str,
    id: i64,
    input: Input,
) -> Result<(), AppError> {
    let settings = input.check(targets)?;
    let (app, mut tx) = begin(pool, public_id).await?;
    let before = store::settings_for_update(&mut tx, app.id, id).await?.ok_or(AppError::NotFound)?;
    let restart = before.interval_seconds != settings.interval_seconds
        || before.trigger_type != settings.trigger_type
        || (!before.enabled && settings.enabled);
    store::update(&mut tx, id, &settings, restart.then(|| period_from_now(&settings))).await?;
    record(&mut tx, actor, action("webhook.update", app.id, id, described(public_id, &settings))).await?;
    Ok(tx.commit().await?)
}

/// Replaces a webhook's signing secret at once; returns the new one.
pub async fn rotate_secret(
    pool: &PgPool,
    actor: &Actor,
    key: &MasterKey,
    public_id: &str,
    id: i64,
) -> Result<NewWebhookSecret, AppError> {
    let (app, mut tx) = begin(pool, public_id).await?;
    store::settings_for_update(&mut tx, app.id, id).await?.ok_or(AppError::NotFound)?;
    let (secret, sealed) = new_secret(key, Owner::Webhook { app_id: app.id, webhook_id: id })?;
    store::set_secret(&mut tx, id, &sealed.as_sealed()).await?;
    record(&mut tx, actor, action("webhook.secret.rotate", app.id, id, json!({ "appID": public_id }))).await?;
    tx.commit().await?;
    Ok(NewWebhookSecret { webhook_id: id, secret })
}

/// Removes a webhook and its delivery log.
pub async fn remove(pool: &PgPool, actor: &Actor, public_id: &str, id: i64) -> Result<(), AppError> {
    let (app, mut tx) = begin(pool, public_id).await?;
    if !store::delete(&mut tx, app.id, id).await? {
        return Err(AppError::NotFound);
    }
    record(&mut tx, actor, action("webhook.remove", app.id, id, json!({ "appID": public_id }))).await?;
    Ok(tx.commit().await?)
}

/// Sends the body of delivery `delivery_id` again, as a new delivery due
/// now; returns its id.
pub async fn replay(pool: &PgPool, actor: &Actor, public_id: &str, id: i64, delivery_id: i64) -> Result<i64, AppError> {
    let (app, mut tx) = begin(pool, public_id).await?;
    store::settings_for_update(&mut tx, app.id, id).await?.ok_or(AppError::NotFound)?;
    let replay = outbox::replay(&mut tx, id, delivery_id).await?.ok_or_else(|| {
        AppError::Conflict(format!("delivery {delivery_id} of this webhook has not been attempted yet"))
    })?;
    let details = json!({ "appID": public_id, "deliveryID": delivery_id, "replayID": replay });
    record(&mut tx, actor, action("webhook.delivery.replay", app.id, id, details)).await?;
    tx.commit().await?;
    Ok(replay)
}

/// Evaluates and delivers every few seconds in the background, only to
/// addresses `targets` allows.
pub fn start(
    pool: PgPool,
    master_key: Arc<MasterKey>,
    public_url: &str,
    targets: TargetPolicy,
) -> anyhow::Result<JoinHandle<()>> {
    let deliverer = Deliverer::new(pool.clone(), master_key, public_url, targets)?;
    Ok(tokio::spawn(async move {
        let mut every = tokio::time::interval(INTERVAL);
        loop {
            every.tick().await;
            let now = Utc::now();
            if let Err(error) = evaluator::run_once(&pool, now).await {
                tracing::warn!(%error, "webhook evaluation failed; retrying");
            }
            if let Err(error) = deliverer.run_once(now).await {
                tracing::warn!(%error, "webhook delivery round failed; retrying");
            }
        }
    }))
}

/// The end of a period of `settings` that starts now.
fn period_from_now(settings: &Settings) -> DateTime<Utc> {
    Utc::now() + TimeDelta::seconds(i64::from(settings.interval_seconds))
}

/// A new secret's sealed form.
struct NewSealed {
    sealed: Sealed,
    last4: String,
}

impl NewSealed {
    fn as_sealed(&self) -> SealedSecret<'_> {
        SealedSecret {
            ciphertext: &self.sealed.ciphertext,
            nonce: &self.sealed.nonce,
            format: sealed::BOUND,
            last4: &self.last4,
        }
    }
}

/// A new signing secret, sealed to the webhook `owner`.
fn new_secret(key: &MasterKey, owner: Owner) -> Result<(SecretString, NewSealed), AppError> {
    let secret = random_secret("whsec_");
    let plain = secret.expose_secret();
    let sealed = sealed::seal(key, owner, plain.as_bytes())?;
    let last4 = plain[plain.len() - 4..].to_owned();
    Ok((secret, NewSealed { sealed, last4 }))
}

/// What the audit log says of a webhook: never its URL's path or query,
/// which may carry a token.
fn described(public_id: &str, settings: &Settings) -> serde_json::Value {
    let origin = url::Url::parse(&settings.url).map(|url| url.origin().ascii_serialization()).unwrap_or_default();
    json!({
        "appID": public_id,
        "origin": origin,
        "reasons": settings.reasons,
        "triggerType": settings.trigger_type,
        "threshold": settings.threshold,
        "intervalSeconds": settings.interval_seconds,
        "enabled": settings.enabled,
    })
}

fn action(action: &'static str, app_id: i64, webhook_id: i64, details: serde_json::Value) -> Action {
    Action { action, app_id: Some(app_id), target: Some(("webhook", webhook_id.to_string())), details }
}
