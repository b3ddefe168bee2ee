//! What lists show only as previews, read in full one at a time: a
//! reported error with its log and SDPs, and a fabric's SDP snapshot.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ApiError, ConferenceSummary, FabricRow, Person};

/// One reportError call in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The conference it was reported in.
    pub conference: ConferenceSummary,
    /// Error id.
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who reported it, as the viewer may see them.
    pub person: Person,
    /// The fabric, when the error belongs to one.
    pub fabric_id: Option<i64>,
    /// The WebRTC function that failed (or `applicationLog`).
    pub function: String,
    /// DOM error name and message.
    pub dom_error: Option<String>,
    /// Application log text.
    pub message: Option<String>,
    /// Whether the log was cut to 20 KB when stored.
    pub truncated: bool,
    /// The local SDP sent with the error.
    pub local_sdp: Option<String>,
    /// The remote SDP sent with the error.
    pub remote_sdp: Option<String>,
}

/// One SDP snapshot of a fabric in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SdpDetail {
    /// The conference of the fabric.
    pub conference: ConferenceSummary,
    /// The fabric.
    pub fabric: FabricRow,
    /// When the SDPs were reported.
    pub at: DateTime<Utc>,
    /// Local SDP.
    pub local: Option<String>,
    /// Remote SDP.
    pub remote: Option<String>,
}

/// Error `error` of conference instance `conference` in full; `NotFound`
/// unless it was reported there and the caller may see the app.
#[server(endpoint = "get_error_detail")]
pub async fn get_error_detail(
    /// Conference instance id.
    conference: i64,
    /// Error id.
    error: i64,
) -> Result<ErrorDetail, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::error_detail(&state.dashboard_pool, &state.read_pool, &user, conference, error).await?)
}

/// SDP snapshot `sdp` of fabric `fabric` in full; `NotFound` unless the
/// snapshot belongs to that fabric of that instance and the caller may see
/// the app.
#[server(endpoint = "get_sdp_snapshot")]
pub async fn get_sdp_snapshot(
    /// Conference instance id.
    conference: i64,
    /// Fabric id.
    fabric: i64,
    /// Snapshot id.
    sdp: i64,
) -> Result<SdpDetail, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::sdp_snapshot(&state.dashboard_pool, &state.read_pool, &user, conference, fabric, sdp)
        .await?)
}
