//! The timeline: events of an endpoint or one of its fabrics.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// Appends an event of `kind` (an SDK enum spelling, see migrations/0004)
/// with the body's other fields as `payload`.
pub async fn insert(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    fabric_id: Option<i64>,
    kind: &str,
    occurred_at: DateTime<Utc>,
    payload: &Value,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into fabric_events (endpoint_id, fabric_id, kind, occurred_at, payload)
           values ($1, $2, $3, $4, $5) returning id"#,
        endpoint_id,
        fabric_id,
        kind,
        occurred_at,
        payload,
    )
    .fetch_one(conn)
    .await?)
}
