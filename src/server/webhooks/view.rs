//! Webhooks as the admin pages and the CLI show them: what `db::webhooks`
//! and the outbox read, as the DTOs of `crate::api` (never a secret).

use sqlx::PgPool;

use crate::api::{AttemptRow, DELIVERY_LOG_SIZE, DeliveryRow, WebhookDetail, WebhookRow};
use crate::server::AppError;
use crate::server::apps::find;
use crate::server::db::{webhook_deliveries as outbox, webhooks as store};

/// The app's webhooks, oldest first.
pub async fn list(pool: &PgPool, public_id: &str) -> Result<Vec<WebhookRow>, AppError> {
    let app = find(pool, public_id).await?;
    Ok(store::list(pool, app.id, None).await?.into_iter().map(WebhookRow::from).collect())
}

/// One webhook with its newest deliveries.
pub async fn detail(pool: &PgPool, public_id: &str, id: i64) -> Result<WebhookDetail, AppError> {
    let app = find(pool, public_id).await?;
    let webhook = store::list(pool, app.id, Some(id)).await?.pop().ok_or(AppError::NotFound)?;
    let deliveries = outbox::log(pool, webhook.id, DELIVERY_LOG_SIZE).await?;
    Ok(WebhookDetail {
        app_id: app.public_id,
        app_name: app.name,
        webhook: webhook.into(),
        deliveries: deliveries.into_iter().map(DeliveryRow::from).collect(),
    })
}

impl From<store::WebhookRow> for WebhookRow {
    fn from(row: store::WebhookRow) -> Self {
        WebhookRow {
            id: row.id,
            url: row.url,
            reasons: row.reasons,
            trigger_type: row.trigger_type,
            threshold: row.threshold,
            interval_seconds: row.interval_seconds,
            enabled: row.enabled,
            secret_last4: row.secret_last4,
            next_evaluation_at: row.next_evaluation_at,
            last_evaluated_at: row.last_evaluated_at,
            created_at: row.created_at,
            pending: row.pending,
            failed: row.failed,
        }
    }
}

impl From<outbox::DeliveryRow> for DeliveryRow {
    fn from(row: outbox::DeliveryRow) -> Self {
        DeliveryRow {
            id: row.id,
            reason: row.reason,
            trigger_type: row.trigger_type,
            status: row.status,
            created_at: row.created_at,
            next_attempt_at: row.next_attempt_at,
            delivered_at: row.delivered_at,
            payload: row.payload,
            replay_of: row.replay_of,
            attempts: row.attempts.into_iter().map(AttemptRow::from).collect(),
        }
    }
}

impl From<outbox::AttemptRow> for AttemptRow {
    fn from(row: outbox::AttemptRow) -> Self {
        AttemptRow {
            attempt: row.attempt,
            started_at: row.started_at,
            latency_ms: row.latency_ms,
            status_code: row.status_code,
            error: row.error,
            response_snippet: row.response_snippet,
        }
    }
}
