//! The callstats.js calls that REST API v1 has no endpoint for, in the same
//! style as v1: `addNewFabric`, `reportError`, the fabric events of
//! `sendFabricEvent` and `sendCallDetails`; and what the SDK measures
//! itself: the pre-call test and time to first media. The SDK enums are parsed by
//! serde, so an unknown value is a 422 naming its field and listing the
//! accepted values.

pub mod call_details;
pub mod fabric_added;
pub mod fabric_event;
pub mod first_media;
pub mod precall_test;
pub mod report_error;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::fabric;
use super::ingest::Endpoint;
use crate::server::AppError;

/// The fabric named by an optional connectionID, created on first mention.
async fn fabric_of(
    conn: &mut PgConnection,
    endpoint: &Endpoint,
    connection_id: Option<&str>,
    remote_id: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let Some(connection_id) = connection_id else { return Ok(None) };
    let id = fabric::fabric_of(conn, endpoint, connection_id, remote_id.unwrap_or_default(), at).await?;
    Ok(Some(id))
}
