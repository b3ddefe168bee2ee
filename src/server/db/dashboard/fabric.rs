//! The fabric page: its timeline, SDPs, SSRC labels and stats series.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::server::AppError;

/// One timeline event.
pub struct EventRow {
    /// When (client clock).
    pub occurred_at: DateTime<Utc>,
    /// SDK enum spelling.
    pub kind: String,
    /// The body's other fields.
    pub payload: Value,
}

/// Events of the fabric and the endpoint-level events of its endpoint
/// (mute, devices, dominant speaker carry no connectionID), in time order;
/// the first [`EVENTS_LISTED`].
pub async fn events(pool: &PgPool, fabric_id: i64, endpoint_id: Uuid) -> Result<Vec<EventRow>, AppError> {
    Ok(sqlx::query_as!(
        EventRow,
        r#"select occurred_at, kind, payload from fabric_events
            where fabric_id = $1 or (endpoint_id = $2 and fabric_id is null)
            order by occurred_at, id limit $3"#,
        fabric_id,
        endpoint_id,
        EVENTS_LISTED,
    )
    .fetch_all(pool)
    .await?)
}

/// SDP snapshots a fabric page lists, at most (oldest first).
pub const SDPS_LISTED: i64 = 100;
/// Timeline events a fabric page shows, at most (oldest first).
pub const EVENTS_LISTED: i64 = 1_000;

/// An SDP snapshot as a list shows it: when, and how big (the SDPs
/// themselves are read on demand with [`sdp`]).
pub struct SdpRow {
    /// Snapshot id.
    pub id: i64,
    /// When.
    pub reported_at: DateTime<Utc>,
    /// Bytes of the local description.
    pub local_bytes: Option<i32>,
    /// Bytes of the remote description.
    pub remote_bytes: Option<i32>,
}

/// The fabric's first [`SDPS_LISTED`] SDP snapshots in time order.
pub async fn sdps(pool: &PgPool, fabric_id: i64) -> Result<Vec<SdpRow>, AppError> {
    Ok(sqlx::query_as!(
        SdpRow,
        r#"select id, reported_at, octet_length(local_sdp) as local_bytes, octet_length(remote_sdp) as remote_bytes
             from sdps where fabric_id = $1 order by reported_at, id limit $2"#,
        fabric_id,
        SDPS_LISTED,
    )
    .fetch_all(pool)
    .await?)
}

/// One SDP snapshot in full.
pub struct SdpDetailRow {
    /// When.
    pub reported_at: DateTime<Utc>,
    /// Local description.
    pub local_sdp: Option<String>,
    /// Remote description.
    pub remote_sdp: Option<String>,
}

/// Snapshot `id` if it belongs to fabric `fabric_id`.
pub async fn sdp(pool: &PgPool, fabric_id: i64, id: i64) -> Result<Option<SdpDetailRow>, AppError> {
    Ok(sqlx::query_as!(
        SdpDetailRow,
        "select reported_at, local_sdp, remote_sdp from sdps where id = $1 and fabric_id = $2",
        id,
        fabric_id,
    )
    .fetch_optional(pool)
    .await?)
}

/// Who an SSRC belongs to.
pub struct SsrcRow {
    /// The SSRC.
    pub ssrc: i64,
    /// Producer's userID.
    pub user_id: String,
    /// Producer's userName, only when names may be read.
    pub user_name: Option<String>,
    /// e.g. microphone, camera, screen.
    pub usage_label: Option<String>,
}

/// The fabric's SSRC map.
pub async fn ssrc_labels(pool: &PgPool, fabric_id: i64, names: bool) -> Result<Vec<SsrcRow>, AppError> {
    Ok(sqlx::query_as!(
        SsrcRow,
        r#"select ssrc, user_id, case when $2 then user_name end as user_name, usage_label
             from ssrc_maps where fabric_id = $1"#,
        fabric_id,
        names,
    )
    .fetch_all(pool)
    .await?)
}
