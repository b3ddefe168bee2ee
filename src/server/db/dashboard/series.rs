//! A fabric's quality figures for its charts, reduced in SQL to a fixed
//! number of time buckets: each stream's minimum and maximum per bucket.
//!
//! The work is bounded whatever a client sent: the chart's range is cut
//! into `buckets` equal intervals and each is read with its own index range
//! scan of at most `rows_per_bucket` rows (in time order), so one page
//! reads at most `buckets × rows_per_bucket` samples, and returns at most
//! `streams × buckets` rows. The SDK polls every 10 s, so a bucket holds
//! far fewer rows than that limit for any real call (a ten-hour call with
//! ten streams: about 200 per bucket of 180 s); a bucket that does reach
//! it is summarised from its first rows and flagged `full`.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;

use crate::server::AppError;

/// The figures of one stream in one time bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketRow {
    /// Rank of the stream by samples read (1 = most), ties by identity.
    pub stream: i64,
    /// Streams of the fabric in range, including those left out.
    pub streams: i64,
    /// A candidate pair (the connection) rather than a track.
    pub connection: bool,
    /// inbound / outbound, empty for a candidate pair.
    pub direction: String,
    /// audio / video, empty for a candidate pair.
    pub kind: String,
    /// SSRC of a track.
    pub ssrc: Option<i64>,
    /// Bucket number from 0.
    pub bucket: i32,
    /// Samples of the stream read in the bucket.
    pub samples: i64,
    /// Whether the bucket held more samples than were read.
    pub full: bool,
    /// First sample read.
    pub first_at: DateTime<Utc>,
    /// Last sample read.
    pub last_at: DateTime<Utc>,
    /// RTT (ms), lowest and highest.
    pub rtt_ms: (Option<f64>, Option<f64>),
    /// Jitter (ms).
    pub jitter_ms: (Option<f64>, Option<f64>),
    /// Reported fraction lost (0..1).
    pub fraction_lost: (Option<f64>, Option<f64>),
    /// Cumulative packets lost.
    pub packets_lost: (Option<i64>, Option<i64>),
    /// Cumulative packets received.
    pub packets_received: (Option<i64>, Option<i64>),
    /// Bitrate (bit/s).
    pub bitrate_bps: (Option<f64>, Option<f64>),
    /// Frames per second.
    pub frame_rate: (Option<f64>, Option<f64>),
    /// Frame height (px).
    pub frame_height: (Option<i32>, Option<i32>),
}

/// How [`buckets`] cuts and bounds a fabric's samples.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Start of the first bucket.
    pub start: DateTime<Utc>,
    /// Width of each bucket.
    pub width: TimeDelta,
    /// How many buckets.
    pub buckets: i32,
    /// Samples read per bucket, at most.
    pub rows_per_bucket: i64,
    /// Streams returned, at most: those with the most samples read.
    pub streams: i64,
}

/// Track and candidate-pair figures of the fabric per stream and bucket,
/// streams by rank, buckets in time order.
pub async fn buckets(pool: &PgPool, fabric_id: i64, bounds: Bounds) -> Result<Vec<BucketRow>, AppError> {
    let width_us = bounds.width.num_microseconds().unwrap_or(i64::MAX).max(1);
    let rows = sqlx::query!(
        r#"with read as (
               select b.i as bucket, s.*, sum(s.n) over (partition by b.i) >= $5::bigint as is_full
                 from generate_series(0, $4::int - 1) b(i)
                cross join lateral (
                    select report_type = stats_code('report_type', 'candidatePair') as connection,
                           coalesce(stats_name('direction', direction), '') as direction,
                           coalesce(stats_name('media_kind', media_kind), '') as kind, ssrc, count(*) as n,
                           min(sampled_at) as first_at, max(sampled_at) as last_at,
                           min(rtt_ms)::float8 as rtt_min, max(rtt_ms)::float8 as rtt_max,
                           min(jitter_ms)::float8 as jitter_min, max(jitter_ms)::float8 as jitter_max,
                           min(fraction_lost)::float8 as fraction_min, max(fraction_lost)::float8 as fraction_max,
                           min(packets_lost)::bigint as lost_min, max(packets_lost)::bigint as lost_max,
                           min(packets_received)::bigint as received_min,
                           max(packets_received)::bigint as received_max,
                           min(bitrate_bps)::float8 as bitrate_min, max(bitrate_bps)::float8 as bitrate_max,
                           min(frame_rate)::float8 as fps_min, max(frame_rate)::float8 as fps_max,
                           min(frame_height) as height_min, max(frame_height) as height_max
                      from (select report_type, direction, media_kind, ssrc, sampled_at, rtt_ms, jitter_ms,
                                   fraction_lost, packets_lost, packets_received, bitrate_bps, frame_rate,
                                   frame_height
                              from stats_samples
                             where fabric_id = $1
                               and sampled_at >= $2::timestamptz + (b.i * $3::bigint) * interval '1 microsecond'
                               and sampled_at < $2::timestamptz + ((b.i + 1) * $3::bigint) * interval '1 microsecond'
                               and report_type in (stats_code('report_type', 'track'),
                                                   stats_code('report_type', 'candidatePair'))
                             order by sampled_at
                             limit $5::bigint) r
                     group by 1, 2, 3, 4
                ) s
           ), ranked as (
               select *, dense_rank() over (order by total desc, connection, direction, kind, ssrc) as stream
                 from (select *, sum(n) over (partition by connection, direction, kind, ssrc) as total
                         from read) t
           )
           select stream as "stream!", (select max(stream) from ranked) as "streams!",
                  connection as "connection!", direction as "direction!", kind as "kind!", ssrc,
                  bucket as "bucket!", n as "samples!", is_full as "full!",
                  first_at as "first_at!", last_at as "last_at!",
                  rtt_min, rtt_max, jitter_min, jitter_max, fraction_min, fraction_max, lost_min, lost_max,
                  received_min, received_max, bitrate_min, bitrate_max, fps_min, fps_max, height_min, height_max
             from ranked where stream <= $6::bigint
            order by stream, bucket"#,
        fabric_id,
        bounds.start,
        width_us,
        bounds.buckets,
        bounds.rows_per_bucket,
        bounds.streams,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| BucketRow {
            stream: row.stream,
            streams: row.streams,
            connection: row.connection,
            direction: row.direction,
            kind: row.kind,
            ssrc: row.ssrc,
            bucket: row.bucket,
            samples: row.samples,
            full: row.full,
            first_at: row.first_at,
            last_at: row.last_at,
            rtt_ms: (row.rtt_min, row.rtt_max),
            jitter_ms: (row.jitter_min, row.jitter_max),
            fraction_lost: (row.fraction_min, row.fraction_max),
            packets_lost: (row.lost_min, row.lost_max),
            packets_received: (row.received_min, row.received_max),
            bitrate_bps: (row.bitrate_min, row.bitrate_max),
            frame_rate: (row.fps_min, row.fps_max),
            frame_height: (row.height_min, row.height_max),
        })
        .collect())
}
