//! Stats samples: the bulk of the data, one row per measured object per
//! submission, inserted in one statement per batch of submissions. Only
//! what the charts and the detectors read is kept, in types as narrow as
//! the data (migrations/0022_lean_samples.sql).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::server::AppError;

/// One measured object of a submission. Names (`report_type`,
/// `direction`, ...) are stored as the codes of SQL's `stats_code()`, which
/// gives an unknown name none.
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
    /// The report's W3C `type` (inbound-rtp, remote-inbound-rtp, ...).
    pub stats_type: Option<String>,
    /// RTP SSRC.
    pub ssrc: Option<i64>,
    /// Round-trip time, ms.
    pub rtt_ms: Option<f64>,
    /// Jitter, ms.
    pub jitter_ms: Option<f64>,
    /// Cumulative packets lost (stored within an integer, 0023).
    pub packets_lost: Option<i32>,
    /// Cumulative packets received.
    pub packets_received: Option<i32>,
    /// Cumulative packets sent.
    pub packets_sent: Option<i32>,
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
    /// Inbound video: `freezeCount`.
    pub freeze_count: Option<i32>,
    /// Inbound video: `totalFreezesDuration`, seconds.
    pub total_freezes_duration_s: Option<f32>,
    /// Inbound audio: `concealedSamples`.
    pub concealed_samples: Option<i64>,
    /// Inbound audio: `totalSamplesReceived`.
    pub total_samples_received: Option<i64>,
    /// Outbound video: `qualityLimitationReason` (none, cpu, bandwidth, other).
    pub quality_limitation_reason: Option<&'static str>,
    /// Candidate pair: whether it is the one in use.
    pub selected: Option<bool>,
    /// Candidate pair: its local candidate's type (host, srflx, prflx, relay).
    pub local_candidate_type: Option<&'static str>,
    /// Candidate pair: its remote candidate's type.
    pub remote_candidate_type: Option<&'static str>,
    /// Candidate pair: its local candidate's protocol (udp, tcp).
    pub local_protocol: Option<&'static str>,
    /// Candidate pair: how a relay candidate reaches its TURN server (udp, tcp, tls).
    pub local_relay_protocol: Option<&'static str>,
    /// Candidate pair: `availableOutgoingBitrate`, bits per second.
    pub available_outgoing_bitrate_bps: Option<f32>,
}

/// The samples of one submission, for one fabric.
#[derive(Debug)]
pub struct Poll {
    /// The fabric measured.
    pub fabric_id: i64,
    /// When it was measured.
    pub sampled_at: DateTime<Utc>,
    /// One row per measured object.
    pub samples: Vec<Sample>,
}

/// Stores the samples of several submissions in one statement. A poll is
/// identified by its fabric and time: a retried (or concurrently repeated)
/// submission is stored once. Its first row goes in with `on conflict do
/// nothing` on the one-entry-per-poll index, and the other rows only with
/// it.
pub async fn insert(db: impl PgExecutor<'_>, polls: &[Poll]) -> Result<(), AppError> {
    // A batch may hold the same poll twice (two retries arriving together):
    // the statement below would store the second one's other rows too.
    let mut seen = HashSet::new();
    let polls: Vec<&Poll> = polls
        .iter()
        .filter(|poll| !poll.samples.is_empty() && seen.insert((poll.fabric_id, poll.sampled_at)))
        .collect();
    let rows = || {
        polls.iter().flat_map(|poll| poll.samples.iter().enumerate().map(move |(index, sample)| (*poll, index, sample)))
    };
    macro_rules! column {
        (poll.$field:ident) => {
            rows().map(|(poll, _, _)| poll.$field).collect::<Vec<_>>()
        };
        ($field:ident as f32) => {
            rows().map(|(_, _, sample)| sample.$field.map(|value| value as f32)).collect::<Vec<_>>()
        };
        ($field:ident) => {
            rows().map(|(_, _, sample)| sample.$field.clone()).collect::<Vec<_>>()
        };
    }
    // At most STATS_OBJECTS (2000) per poll, so the count fits.
    let poll_objects: Vec<Option<i16>> = rows()
        .map(|(poll, index, _)| (index == 0).then(|| i16::try_from(poll.samples.len()).unwrap_or(i16::MAX)))
        .collect();
    sqlx::query!(
        r#"with rows as (
               select sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent, concealed_samples,
                      total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps, frame_rate,
                      frame_width, frame_height, freeze_count, total_freezes_duration_s,
                      available_outgoing_bitrate_bps,
                      stats_code('report_type', report_type) as report_type,
                      stats_code('direction', direction) as direction,
                      stats_code('media_kind', media_kind) as media_kind,
                      stats_code('stats_type', stats_type) as stats_type,
                      stats_code('quality_limitation_reason', quality_limitation_reason) as quality_limitation_reason,
                      stats_code('candidate_type', local_candidate_type) as local_candidate_type,
                      stats_code('candidate_type', remote_candidate_type) as remote_candidate_type,
                      stats_code('protocol', local_protocol) as local_protocol,
                      stats_code('protocol', local_relay_protocol) as local_relay_protocol,
                      poll_objects, selected, stat_key
               from unnest($1::timestamptz[], $2::bigint[], $3::bigint[], $4::int[], $5::int[], $6::int[],
                           $7::bigint[], $8::bigint[], $9::real[], $10::real[], $11::real[], $12::real[],
                           $13::real[], $14::int[], $15::int[], $16::int[], $17::real[], $18::real[],
                           $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
                           $25::text[], $26::text[], $27::text[], $28::smallint[], $29::bool[], $30::text[])
                    as r (sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent,
                          concealed_samples, total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps,
                          frame_rate, frame_width, frame_height, freeze_count, total_freezes_duration_s,
                          available_outgoing_bitrate_bps, report_type, direction, media_kind, stats_type,
                          quality_limitation_reason, local_candidate_type, remote_candidate_type, local_protocol,
                          local_relay_protocol, poll_objects, selected, stat_key)
           ), polls as (
               insert into stats_samples (
                   sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent, concealed_samples,
                   total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps, frame_rate, frame_width,
                   frame_height, freeze_count, total_freezes_duration_s, available_outgoing_bitrate_bps, report_type,
                   direction, media_kind, stats_type, quality_limitation_reason, local_candidate_type,
                   remote_candidate_type, local_protocol, local_relay_protocol, poll_objects, selected, stat_key)
               select sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent, concealed_samples,
                   total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps, frame_rate, frame_width,
                   frame_height, freeze_count, total_freezes_duration_s, available_outgoing_bitrate_bps, report_type,
                   direction, media_kind, stats_type, quality_limitation_reason, local_candidate_type,
                   remote_candidate_type, local_protocol, local_relay_protocol, poll_objects, selected, stat_key
               from rows where poll_objects is not null
               on conflict do nothing
               returning fabric_id, sampled_at
           )
           insert into stats_samples (
               sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent, concealed_samples,
               total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps, frame_rate, frame_width,
               frame_height, freeze_count, total_freezes_duration_s, available_outgoing_bitrate_bps, report_type,
               direction, media_kind, stats_type, quality_limitation_reason, local_candidate_type,
               remote_candidate_type, local_protocol, local_relay_protocol, poll_objects, selected, stat_key)
           select r.sampled_at, r.fabric_id, ssrc, packets_lost, packets_received, packets_sent, concealed_samples,
                  total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps, frame_rate, frame_width,
                  frame_height, freeze_count, total_freezes_duration_s, available_outgoing_bitrate_bps, report_type,
                  direction, media_kind, stats_type, quality_limitation_reason, local_candidate_type,
                  remote_candidate_type, local_protocol, local_relay_protocol, poll_objects, selected, r.stat_key
           from rows r
           join polls p on p.fabric_id = r.fabric_id and p.sampled_at = r.sampled_at
           where r.poll_objects is null"#,
        &column!(poll.sampled_at) as &[DateTime<Utc>],
        &column!(poll.fabric_id) as &[i64],
        &column!(ssrc) as &[Option<i64>],
        &column!(packets_lost) as &[Option<i32>],
        &column!(packets_received) as &[Option<i32>],
        &column!(packets_sent) as &[Option<i32>],
        &column!(concealed_samples) as &[Option<i64>],
        &column!(total_samples_received) as &[Option<i64>],
        &column!(rtt_ms as f32) as &[Option<f32>],
        &column!(jitter_ms as f32) as &[Option<f32>],
        &column!(fraction_lost as f32) as &[Option<f32>],
        &column!(bitrate_bps as f32) as &[Option<f32>],
        &column!(frame_rate as f32) as &[Option<f32>],
        &column!(frame_width) as &[Option<i32>],
        &column!(frame_height) as &[Option<i32>],
        &column!(freeze_count) as &[Option<i32>],
        &column!(total_freezes_duration_s) as &[Option<f32>],
        &column!(available_outgoing_bitrate_bps) as &[Option<f32>],
        &column!(report_type) as &[&str],
        &column!(direction) as &[Option<&str>],
        &column!(media_kind) as &[Option<&str>],
        &column!(stats_type) as &[Option<String>],
        &column!(quality_limitation_reason) as &[Option<&str>],
        &column!(local_candidate_type) as &[Option<&str>],
        &column!(remote_candidate_type) as &[Option<&str>],
        &column!(local_protocol) as &[Option<&str>],
        &column!(local_relay_protocol) as &[Option<&str>],
        &poll_objects as &[Option<i16>],
        &column!(selected) as &[Option<bool>],
        &column!(stat_key) as &[String],
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
