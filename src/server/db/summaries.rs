//! The summary of a conference instance, computed once when it ends: what
//! search, overview and webhooks read instead of the children rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgConnection;

use super::{diagnosis, webhooks};
use crate::domain::notification::Reason;
use crate::domain::quality::{self, MediaKind, StreamFigures};
use crate::server::AppError;

/// Aggregates of one RTP stream (fabric × SSRC × direction) over its samples.
#[derive(Debug, Clone, PartialEq)]
struct StreamRow {
    fabric_id: i64,
    ssrc: i64,
    direction: Option<String>,
    media_kind: Option<String>,
    /// Mean RTT of the stream, else of the fabric's candidate pairs.
    rtt_ms: Option<f64>,
    jitter_ms: Option<f64>,
    /// Mean of the reported `fractionLost`.
    fraction_lost: Option<f64>,
    /// Largest cumulative counters seen.
    packets_lost: Option<i64>,
    packets_received: Option<i64>,
    packets_sent: Option<i64>,
    frame_rate: Option<f64>,
    frame_height: Option<f64>,
}

impl StreamRow {
    /// Share of packets lost: the mean `fractionLost` when the stream
    /// reported it, else from the cumulative counters, lost / (lost +
    /// received) for a receiver and lost / sent for a sender.
    fn loss_fraction(&self) -> Option<f64> {
        if let Some(fraction) = self.fraction_lost {
            return Some(fraction);
        }
        // RFC 3550 lets the cumulative count go negative (duplicates).
        let lost = self.packets_lost?.max(0) as f64;
        let expected = match (self.packets_received, self.packets_sent) {
            (Some(received), _) => lost + received as f64,
            (None, Some(sent)) => sent as f64,
            (None, None) => return None,
        };
        (expected > 0.0).then(|| (lost / expected).min(1.0))
    }

    fn figures(&self) -> StreamFigures {
        StreamFigures {
            rtt_ms: self.rtt_ms,
            jitter_ms: self.jitter_ms,
            loss_fraction: self.loss_fraction(),
            // A stream of unknown kind gets the network (audio) score.
            media_kind: self.media_kind.as_deref().and_then(MediaKind::parse).unwrap_or(MediaKind::Audio),
            frame_rate: self.frame_rate,
            frame_height: self.frame_height.map(|height| height.round() as i32),
        }
    }
}

/// Computes and stores the summary of instance `instance_id`: counts of
/// participants, endpoints and fabrics, setup delays, the failure group,
/// the error count and failures by WebRTC function, and the quality score
/// of its worst stream (see `docs/quality.md`), also per fabric, and the
/// issues its detectors find (`db::diagnosis`); its failure and issues are
/// notified to the app's individual webhooks. Run it in the
/// transaction that ends the instance, through
/// `server::lifecycle::summarize_or_defer` (so that a failure is isolated
/// and retried); running it again recomputes everything (and notifies
/// nobody twice), and clears the record of earlier failed attempts.
/// Returns whether the instance is a total failure.
pub async fn summarize(conn: &mut PgConnection, instance_id: i64) -> Result<bool, AppError> {
    let streams = streams(conn, instance_id).await?;
    let scored: Vec<(&StreamRow, f64)> =
        streams.iter().filter_map(|stream| quality::score(&stream.figures()).map(|score| (stream, score))).collect();
    let worst = scored.iter().copied().min_by(|(_, a), (_, b)| a.total_cmp(b));
    let mut fabric_scores = BTreeMap::new();
    for (stream, score) in &scored {
        let slot = fabric_scores.entry(stream.fabric_id).or_insert(*score);
        *slot = slot.min(*score);
    }
    store_fabric_scores(conn, instance_id, &fabric_scores).await?;
    let issues = diagnosis::refresh(conn, instance_id).await?;
    let issue_kinds: Vec<&str> = issues.iter().map(|kind| kind.as_str()).collect();
    let worst_stream = worst.map_or(Value::Null, |(stream, score)| {
        json!({
            "fabricId": stream.fabric_id,
            "ssrc": stream.ssrc,
            "direction": stream.direction,
            "mediaKind": stream.figures().media_kind.as_str(),
            "score": score,
        })
    });
    let failure_group = sqlx::query_scalar!(
        r#"with fabric_figures as (
               select count(*)::int as fabric_count,
                      (count(*) filter (where setup_at is not null))::int as setup_count,
                      (count(*) filter (where failed_at is not null and setup_at is null))::int as failed_count,
                      min(setup_delay_ms) filter (where setup_at is not null) as delay_min,
                      percentile_disc(0.5) within group (order by setup_delay_ms)
                          filter (where setup_at is not null) as delay_median,
                      max(setup_delay_ms) filter (where setup_at is not null) as delay_max
               from fabrics where instance_id = $1
           ), endpoint_figures as (
               select count(*)::int as endpoint_count, count(distinct user_id)::int as participant_count
               from endpoints where instance_id = $1
           ), failures as (
               select r.wrtc_func_name, count(*)::int as n
               from reported_errors r join endpoints e on e.id = r.endpoint_id
               where e.instance_id = $1 and r.wrtc_func_name <> 'applicationLog'
               group by r.wrtc_func_name
           )
           update conference_instances ci set
               summarized_at = now(),
               summary_attempts = 0,
               summary_retry_at = null,
               summary_error = null,
               duration_ms = greatest(0, round(extract(epoch from
                   coalesce(ci.ended_at, ci.last_activity_at) - ci.started_at) * 1000))::bigint,
               participant_count = ef.participant_count,
               endpoint_count = ef.endpoint_count,
               fabric_count = ff.fabric_count,
               fabrics_setup_count = ff.setup_count,
               fabrics_failed_count = ff.failed_count,
               setup_delay_min_ms = ff.delay_min,
               setup_delay_median_ms = ff.delay_median,
               setup_delay_max_ms = ff.delay_max,
               failure_group = case
                   when ff.fabric_count > 0 and ff.setup_count = 0 then 'totalFailure'
                   when ff.failed_count > 0 and ff.setup_count > 0 then 'partialFailure'
               end,
               error_count = (select coalesce(sum(n), 0) from failures)::int,
               quality_score = $2,
               issue_kinds = $4,
               summary = ci.summary || jsonb_build_object(
                   'worstStream', $3::jsonb,
                   'failuresByFunction',
                   (select coalesce(jsonb_object_agg(wrtc_func_name, n), '{}'::jsonb) from failures))
           from fabric_figures ff, endpoint_figures ef
           where ci.id = $1
           returning ci.failure_group"#,
        instance_id,
        worst.map(|(_, score)| score),
        worst_stream,
        &issue_kinds as &[&str],
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let reasons = Reason::of_conference(failure_group.as_deref(), &issues);
    webhooks::enqueue_conference(conn, instance_id, &reasons).await?;
    Ok(failure_group.as_deref() == Some("totalFailure"))
}

/// Per-stream aggregates of the instance's RTP streams. Only the instance's
/// fabrics are read, and only samples from an hour before it started to an
/// hour after it ended (or now), so only those days' partitions are scanned.
///
/// Rows stored before the collector refused them may hold figures no
/// network produces (`rtt: 1e308`, NaN, infinity): the means take only
/// figures within the plausibility bounds of `domain::quality` (NaN
/// compares above every number in PostgreSQL, so it is left out too). Two
/// such rows once overflowed `avg` and failed every summary of the
/// instance; the counters are `max`ed as bigint, which cannot overflow.
async fn streams(conn: &mut PgConnection, instance_id: i64) -> Result<Vec<StreamRow>, AppError> {
    Ok(sqlx::query_as!(
        StreamRow,
        r#"with samples as (
               select fabric_id, stats_name('report_type', report_type) as report_type, ssrc,
                      stats_name('direction', direction) as direction,
                      stats_name('media_kind', media_kind) as media_kind, rtt_ms::float8 as rtt_ms,
                      jitter_ms::float8 as jitter_ms, fraction_lost::float8 as fraction_lost,
                      packets_lost::bigint as packets_lost, packets_received::bigint as packets_received,
                      packets_sent::bigint as packets_sent, frame_rate::float8 as frame_rate, frame_height
               from stats_samples
               where fabric_id = any(array(select id from fabrics where instance_id = $1))
                 and sampled_at >= (select started_at - interval '1 hour'
                                    from conference_instances where id = $1)
                 and sampled_at < (select coalesce(ended_at, now()) + interval '1 hour'
                                   from conference_instances where id = $1)
                 and report_type in (stats_code('report_type', 'track'), stats_code('report_type', 'candidatePair'))
           ), pair_rtt as materialized (
               -- Inbound streams rarely carry an RTT; the connection's is theirs too.
               select fabric_id, avg(rtt_ms) filter (where rtt_ms <= $2) as rtt_ms
               from samples where report_type = 'candidatePair'
               group by fabric_id
           ), streams as (
               -- Aggregated before the join, pair_rtt computed once: the
               -- planner cannot estimate how many samples match, and took a
               -- nested loop recomputing pair_rtt for each sample — 107 s for
               -- an hour-long call of eight (`make bench-summary`).
               select fabric_id, ssrc, direction, max(media_kind) as media_kind,
                      avg(rtt_ms) filter (where rtt_ms <= $2) as rtt_ms,
                      avg(jitter_ms) filter (where jitter_ms <= $3) as jitter_ms,
                      avg(fraction_lost) as fraction_lost,
                      max(packets_lost) as packets_lost,
                      max(packets_received) as packets_received,
                      max(packets_sent) as packets_sent,
                      avg(frame_rate) filter (where frame_rate <= $4) as frame_rate,
                      avg(frame_height)::float8 as frame_height
               from samples
               where report_type = 'track' and ssrc is not null
               group by fabric_id, ssrc, direction
           )
           select s.fabric_id as "fabric_id!", s.ssrc as "ssrc!", s.direction as "direction?",
                  s.media_kind as "media_kind?", coalesce(s.rtt_ms, p.rtt_ms) as "rtt_ms?",
                  s.jitter_ms as "jitter_ms?", s.fraction_lost as "fraction_lost?",
                  s.packets_lost as "packets_lost?", s.packets_received as "packets_received?",
                  s.packets_sent as "packets_sent?", s.frame_rate as "frame_rate?",
                  s.frame_height as "frame_height?"
           from streams s left join pair_rtt p on p.fabric_id = s.fabric_id
           order by s.fabric_id, s.ssrc, s.direction"#,
        instance_id,
        quality::PLAUSIBLE_RTT_MS,
        quality::PLAUSIBLE_JITTER_MS,
        quality::PLAUSIBLE_FRAME_RATE,
    )
    .fetch_all(conn)
    .await?)
}

/// How often the summary of instance `instance_id` has failed so far.
pub async fn failed_attempts(conn: &mut PgConnection, instance_id: i64) -> Result<i32, AppError> {
    let attempts = sqlx::query_scalar!("select summary_attempts from conference_instances where id = $1", instance_id)
        .fetch_optional(conn)
        .await?;
    Ok(attempts.unwrap_or(0))
}

/// Notes that the summary of instance `instance_id` failed for the
/// `attempts`-th time with `error`, and is not to be tried again before
/// `retry_at`. The instance keeps `summarized_at` null, so the lifecycle
/// worker takes it up again then.
pub async fn record_failure(
    conn: &mut PgConnection,
    instance_id: i64,
    attempts: i32,
    retry_at: DateTime<Utc>,
    error: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "update conference_instances set summary_attempts = $2, summary_retry_at = $3, summary_error = $4
          where id = $1",
        instance_id,
        attempts,
        retry_at,
        error,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets each fabric's score to its worst stream's; fabrics of the instance
/// without a scored stream get none.
async fn store_fabric_scores(
    conn: &mut PgConnection,
    instance_id: i64,
    scores: &BTreeMap<i64, f64>,
) -> Result<(), AppError> {
    let (ids, values): (Vec<i64>, Vec<f64>) = scores.iter().map(|(id, score)| (*id, *score)).unzip();
    sqlx::query!(
        "update fabrics f set quality_score = s.score
           from fabrics f2 left join unnest($2::int8[], $3::float8[]) as s(id, score) on s.id = f2.id
          where f2.instance_id = $1 and f.id = f2.id",
        instance_id,
        &ids,
        &values,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> StreamRow {
        StreamRow {
            fabric_id: 1,
            ssrc: 1234,
            direction: Some("inbound".to_owned()),
            media_kind: Some("audio".to_owned()),
            rtt_ms: None,
            jitter_ms: None,
            fraction_lost: None,
            packets_lost: None,
            packets_received: None,
            packets_sent: None,
            frame_rate: None,
            frame_height: None,
        }
    }

    #[test]
    fn the_reported_fraction_lost_wins_over_the_counters() {
        let stream =
            StreamRow { fraction_lost: Some(0.02), packets_lost: Some(50), packets_received: Some(50), ..row() };
        assert_eq!(stream.loss_fraction(), Some(0.02));
    }

    #[test]
    fn a_receiver_loses_lost_out_of_lost_plus_received() {
        let stream = StreamRow { packets_lost: Some(10), packets_received: Some(90), packets_sent: Some(5), ..row() };
        assert_eq!(stream.loss_fraction(), Some(0.1));
        let duplicates = StreamRow { packets_lost: Some(-3), packets_received: Some(90), ..row() };
        assert_eq!(duplicates.loss_fraction(), Some(0.0));
    }

    #[test]
    fn a_sender_loses_lost_out_of_sent() {
        let stream = StreamRow { packets_lost: Some(25), packets_sent: Some(100), ..row() };
        assert_eq!(stream.loss_fraction(), Some(0.25));
        let nothing_sent = StreamRow { packets_lost: Some(0), packets_sent: Some(0), ..row() };
        assert_eq!(nothing_sent.loss_fraction(), None);
        assert_eq!(StreamRow { packets_lost: Some(5), ..row() }.loss_fraction(), None);
    }

    #[test]
    fn a_stream_of_unknown_kind_is_scored_as_audio() {
        let stream = StreamRow { media_kind: None, frame_rate: Some(1.0), rtt_ms: Some(50.0), ..row() };
        assert_eq!(stream.figures().media_kind, MediaKind::Audio);
        let video = StreamRow { media_kind: Some("video".to_owned()), frame_height: Some(359.6), ..row() };
        assert_eq!((video.figures().media_kind, video.figures().frame_height), (MediaKind::Video, Some(360)));
    }
}
