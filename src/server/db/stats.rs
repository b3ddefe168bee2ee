//! Stats samples: the bulk of the data, one row per measured object per
//! submission, inserted in one statement per submission.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::server::AppError;

/// One measured object of a submission.
#[derive(Debug, Default)]
pub struct Sample {
    /// Identity of the object within the submission.
    pub stat_key: String,
    /// Which array it came from: track, candidatePair, transport, mst, dataChannel, codec.
    pub report_type: &'static str,
    /// inbound / outbound, for tracks.
    pub direction: Option<&'static str>,
    /// audio / video.
    pub media_kind: Option<&'static str>,
    /// RTP SSRC.
    pub ssrc: Option<i64>,
    /// Round-trip time, ms.
    pub rtt_ms: Option<f64>,
    /// Jitter, ms.
    pub jitter_ms: Option<f64>,
    /// Cumulative packets lost.
    pub packets_lost: Option<i64>,
    /// Cumulative packets received.
    pub packets_received: Option<i64>,
    /// Cumulative packets sent.
    pub packets_sent: Option<i64>,
    /// Fraction lost, 0..1.
    pub fraction_lost: Option<f64>,
    /// Bitrate, bits per second.
    pub bitrate_bps: Option<f64>,
    /// Frames per second.
    pub frame_rate: Option<f64>,
    /// Frame width, pixels.
    pub frame_width: Option<i32>,
    /// Frame height, pixels.
    pub frame_height: Option<i32>,
    /// The object as sent.
    pub raw: serde_json::Value,
}

/// The samples of one submission, for one fabric.
#[derive(Debug)]
pub struct Poll {
    /// The fabric measured.
    pub fabric_id: i64,
    /// Its app (internal id).
    pub app_id: i64,
    /// When it was measured.
    pub sampled_at: DateTime<Utc>,
    /// One row per measured object.
    pub samples: Vec<Sample>,
}

/// Stores the samples of several submissions in one statement; a retried
/// submission (same fabric, time and keys) is stored once.
pub async fn insert(db: impl PgExecutor<'_>, polls: &[Poll]) -> Result<(), AppError> {
    let rows = || polls.iter().flat_map(|poll| poll.samples.iter().map(move |sample| (poll, sample)));
    macro_rules! column {
        (poll.$field:ident) => {
            rows().map(|(poll, _)| poll.$field).collect::<Vec<_>>()
        };
        ($field:ident) => {
            rows().map(|(_, sample)| sample.$field.clone()).collect::<Vec<_>>()
        };
    }
    sqlx::query!(
        r#"insert into stats_samples (
               sampled_at, fabric_id, app_id, stat_key, report_type, direction, media_kind, ssrc,
               rtt_ms, jitter_ms, packets_lost, packets_received, packets_sent, fraction_lost,
               bitrate_bps, frame_rate, frame_width, frame_height, raw)
           select * from unnest(
               $1::timestamptz[], $2::bigint[], $3::bigint[],
               $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
               $9::float8[], $10::float8[], $11::bigint[], $12::bigint[], $13::bigint[], $14::float8[],
               $15::float8[], $16::float8[], $17::int[], $18::int[], $19::jsonb[])
           on conflict do nothing"#,
        &column!(poll.sampled_at) as &[DateTime<Utc>],
        &column!(poll.fabric_id) as &[i64],
        &column!(poll.app_id) as &[i64],
        &column!(stat_key) as &[String],
        &column!(report_type) as &[&str],
        &column!(direction) as &[Option<&str>],
        &column!(media_kind) as &[Option<&str>],
        &column!(ssrc) as &[Option<i64>],
        &column!(rtt_ms) as &[Option<f64>],
        &column!(jitter_ms) as &[Option<f64>],
        &column!(packets_lost) as &[Option<i64>],
        &column!(packets_received) as &[Option<i64>],
        &column!(packets_sent) as &[Option<i64>],
        &column!(fraction_lost) as &[Option<f64>],
        &column!(bitrate_bps) as &[Option<f64>],
        &column!(frame_rate) as &[Option<f64>],
        &column!(frame_width) as &[Option<i32>],
        &column!(frame_height) as &[Option<i32>],
        &column!(raw) as &[serde_json::Value],
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Creates the missing daily partitions from `days_back` days before today
/// (UTC) to `days_ahead` days after it; rows of those days waiting in the
/// default partition move into theirs.
pub async fn ensure_partitions(pool: &sqlx::PgPool, days_back: i32, days_ahead: i32) -> Result<i32, AppError> {
    let created = sqlx::query_scalar!(
        r#"select ensure_stats_partitions((now() at time zone 'UTC')::date - $1::int, $1::int + $2::int + 1) as "created!""#,
        days_back,
        days_ahead,
    )
    .fetch_one(pool)
    .await?;
    Ok(created)
}
