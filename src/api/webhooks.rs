use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;

/// A webhook as the admin pages show it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRow {
    /// Internal id.
    pub id: i64,
    /// Where notifications are POSTed.
    pub url: String,
    /// Notification reasons (`domain::notification::Reason` names).
    pub reasons: Vec<String>,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// Ratio 0..=1 an interval's value must exceed (1 for individual).
    pub threshold: f64,
    /// Length of an interval's period, in seconds.
    pub interval_seconds: i32,
    /// Whether it fires.
    pub enabled: bool,
    /// Last four characters of its signing secret.
    pub secret_last4: String,
    /// When the next interval period ends (and is evaluated shortly after).
    pub next_evaluation_at: DateTime<Utc>,
    /// When an interval period was last evaluated.
    pub last_evaluated_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Deliveries waiting for an attempt.
    pub pending: i64,
    /// Deliveries given up on.
    pub failed: i64,
}

/// One attempt to deliver a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    /// 1 for the first.
    pub attempt: i32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long the receiver took to answer, or to fail.
    pub latency_ms: i32,
    /// The HTTP status, or none when no response came.
    pub status_code: Option<i16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// The start of the response body.
    pub response_snippet: String,
}

/// One notification and its attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    /// Internal id (also sent as `X-Callscope-Delivery`).
    pub id: i64,
    /// The notification reason.
    pub reason: String,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// `pending`, `delivered` or `failed` (given up).
    pub status: String,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the receiver accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The JSON body, once rendered by the first attempt.
    pub payload: Option<String>,
    /// The delivery this one replays.
    pub replay_of: Option<i64>,
    /// Its attempts, oldest first.
    pub attempts: Vec<AttemptRow>,
}

/// The admin page of one webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDetail {
    /// The app's public appID.
    pub app_id: String,
    /// The app's name.
    pub app_name: String,
    /// The webhook.
    pub webhook: WebhookRow,
    /// Its newest deliveries, newest first.
    pub deliveries: Vec<DeliveryRow>,
}

/// Deliveries shown on a webhook's page.
pub const DELIVERY_LOG_SIZE: i64 = 50;

/// One webhook with its delivery log. Admins only.
#[server(endpoint = "admin_webhook")]
pub async fn admin_webhook(
    /// The appID.
    app: String,
    /// The webhook's id.
    id: i64,
) -> Result<WebhookDetail, ApiError> {
    crate::server::auth::require_role(crate::domain::Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::webhooks::detail(&state.pool, &app, id).await?)
}
