//! What an endpoint reports about itself besides events: errors and
//! application logs (`reportError`) and contact-centre call details
//! (`sendCallDetails`).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// One `reportError()` call, already validated (and its message truncated).
pub struct ReportedError<'a> {
    /// The endpoint (ucID) that reported it.
    pub endpoint_id: Uuid,
    /// The fabric of the pc argument; `None` when no pc was given (getUserMedia).
    pub fabric_id: Option<i64>,
    /// The endpoint's app (internal id).
    pub app_id: i64,
    /// The wrtcFuncName, in its wire spelling.
    pub wrtc_func_name: &'a str,
    /// The DOMError / DOMException as sent.
    pub dom_error: Option<&'a Value>,
    /// The log text, at most 20 480 bytes.
    pub message: Option<&'a str>,
    /// Whether `message` was cut to fit.
    pub truncated: bool,
    /// The local SDP at the time of the error.
    pub local_sdp: Option<&'a str>,
    /// The remote SDP at the time of the error.
    pub remote_sdp: Option<&'a str>,
    /// When it happened (client clock).
    pub occurred_at: DateTime<Utc>,
}

/// Stores a reported error or application log; returns its id.
pub async fn insert_error(conn: &mut PgConnection, error: &ReportedError<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into reported_errors
               (endpoint_id, fabric_id, app_id, wrtc_func_name, dom_error, message, truncated,
                local_sdp, remote_sdp, occurred_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           returning id"#,
        error.endpoint_id,
        error.fabric_id,
        error.app_id,
        error.wrtc_func_name,
        error.dom_error,
        error.message,
        error.truncated,
        error.local_sdp,
        error.remote_sdp,
        error.occurred_at,
    )
    .fetch_one(conn)
    .await?)
}

/// Counts one more failure against a conference instance. Kept up to date
/// as errors arrive (not only by the summary) so live conferences show it.
pub async fn count_error(conn: &mut PgConnection, instance_id: i64) -> Result<(), AppError> {
    sqlx::query!("update conference_instances set error_count = error_count + 1 where id = $1", instance_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores the call attributes of `sendCallDetails()`; returns the row's id.
pub async fn insert_call_details(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    fabric_id: Option<i64>,
    attributes: &Value,
    reported_at: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into call_details (endpoint_id, fabric_id, attributes, reported_at)
           values ($1, $2, $3, $4) returning id"#,
        endpoint_id,
        fabric_id,
        attributes,
        reported_at,
    )
    .fetch_one(conn)
    .await?)
}
