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
/// (mute, devices, dominant speaker carry no connectionID), in time order.
pub async fn events(pool: &PgPool, fabric_id: i64, endpoint_id: Uuid) -> Result<Vec<EventRow>, AppError> {
    Ok(sqlx::query_as!(
        EventRow,
        r#"select occurred_at, kind, payload from fabric_events
            where fabric_id = $1 or (endpoint_id = $2 and fabric_id is null)
            order by occurred_at, id"#,
        fabric_id,
        endpoint_id,
    )
    .fetch_all(pool)
    .await?)
}

/// An SDP snapshot.
pub struct SdpRow {
    /// When.
    pub reported_at: DateTime<Utc>,
    /// Local description.
    pub local_sdp: Option<String>,
    /// Remote description.
    pub remote_sdp: Option<String>,
}

/// The fabric's SDP snapshots in time order.
pub async fn sdps(pool: &PgPool, fabric_id: i64) -> Result<Vec<SdpRow>, AppError> {
    Ok(sqlx::query_as!(
        SdpRow,
        "select reported_at, local_sdp, remote_sdp from sdps where fabric_id = $1 order by reported_at, id",
        fabric_id,
    )
    .fetch_all(pool)
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

/// One stats sample with the figures the charts plot.
pub struct SampleRow {
    /// Sample time.
    pub sampled_at: DateTime<Utc>,
    /// track, candidatePair, ...
    pub report_type: String,
    /// inbound / outbound.
    pub direction: Option<String>,
    /// audio / video.
    pub media_kind: Option<String>,
    /// SSRC.
    pub ssrc: Option<i64>,
    /// RTT.
    pub rtt_ms: Option<f64>,
    /// Jitter.
    pub jitter_ms: Option<f64>,
    /// Cumulative packets lost.
    pub packets_lost: Option<i64>,
    /// Cumulative packets received.
    pub packets_received: Option<i64>,
    /// Fraction lost (0..1).
    pub fraction_lost: Option<f64>,
    /// Bitrate.
    pub bitrate_bps: Option<f64>,
    /// Frames per second.
    pub frame_rate: Option<f64>,
    /// Frame height.
    pub frame_height: Option<i32>,
}

/// Track and candidate-pair samples of the fabric in `[from, to)`, in
/// time order. The time bounds keep the scan to those days' partitions.
pub async fn samples(
    pool: &PgPool,
    fabric_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SampleRow>, AppError> {
    Ok(sqlx::query_as!(
        SampleRow,
        r#"select sampled_at, report_type, direction, media_kind, ssrc, rtt_ms, jitter_ms, packets_lost,
                  packets_received, fraction_lost, bitrate_bps, frame_rate, frame_height
             from stats_samples
            where fabric_id = $1 and sampled_at >= $2 and sampled_at < $3
              and report_type in ('track', 'candidatePair')
            order by sampled_at"#,
        fabric_id,
        from,
        to,
    )
    .fetch_all(pool)
    .await?)
}
