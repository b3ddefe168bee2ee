//! What the detectors read about one conference instance: its time
//! window, who was there, its fabrics, and each fabric's stream polls, pair
//! polls and events, each read bounded by [`ROWS_PER_FABRIC`] and done for
//! [`super::FABRICS_PER_READ`] fabrics at a time.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::diagnosis::{
    CandidateType, Direction, Ends, Event, EventKind, FabricSeries, PathPoint, Presence, Track, TrackPoint,
};
use crate::domain::quality::MediaKind;
use crate::server::AppError;
use crate::server::db::arrays::{Floats, Instants, Limitations};

/// Rows of one kind (stream polls, pair polls, events) read per fabric at
/// most: 100,000 stream polls are four streams polled every 10 s for more
/// than a day. A flooded fabric is diagnosed from its first rows, and
/// memory stays bounded by one fabric's series.
const ROWS_PER_FABRIC: i64 = 100_000;

/// What a read found, by fabric id; a fabric with none is absent.
pub(super) type ByFabric<T> = HashMap<i64, Vec<T>>;

/// When the instance's samples are read: from an hour before it started to
/// an hour after it ended (or now), as the summary reads them, so only
/// those days' partitions are scanned.
pub(super) async fn window(
    conn: &mut PgConnection,
    instance_id: i64,
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let row = sqlx::query!(
        r#"select started_at - interval '1 hour' as "from!", coalesce(ended_at, now()) + interval '1 hour' as "to!"
           from conference_instances where id = $1"#,
        instance_id,
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.from, row.to))
}

/// Who was in the instance, one presence per endpoint, and when it ended
/// (or was last heard from).
pub(super) async fn presences(
    conn: &mut PgConnection,
    instance_id: i64,
) -> Result<(Vec<Presence>, DateTime<Utc>), AppError> {
    let rows = sqlx::query!(
        r#"select e.user_id, e.joined_at, e.left_at, count(f.id) as "fabrics!",
                  bool_or(f.setup_at is not null) as "connected!",
                  coalesce(ci.ended_at, ci.last_activity_at) as "end!"
           from endpoints e
           join conference_instances ci on ci.id = e.instance_id
           left join fabrics f on f.endpoint_id = e.id
           where e.instance_id = $1
           group by e.id, ci.id
           order by e.joined_at, e.id
           limit $2"#,
        instance_id,
        ROWS_PER_FABRIC,
    )
    .fetch_all(&mut *conn)
    .await?;
    let end = rows.first().map_or_else(Utc::now, |row| row.end);
    let presences = rows
        .into_iter()
        .map(|row| Presence {
            who: row.user_id,
            joined: row.joined_at,
            left: row.left_at,
            fabrics: u32::try_from(row.fabrics).unwrap_or(u32::MAX),
            connected: row.connected,
        })
        .collect();
    Ok((presences, end))
}

/// The instance's fabrics: id, who is at each end, and the series's setup
/// figures, with what failed when it was never set up (the WebRTC function
/// its endpoint reported failing most, else the failure reason); its polls
/// and events are read by the functions below.
pub(super) async fn fabrics(
    conn: &mut PgConnection,
    instance_id: i64,
) -> Result<Vec<(i64, Ends, FabricSeries)>, AppError> {
    let rows = sqlx::query!(
        r#"select f.id, e.user_id as local, f.remote_user_id as remote,
                  f.remote_endpoint_type = 'server' as "remote_is_server!",
                  f.added_at, f.setup_delay_ms::float8 as setup_delay_ms,
                  case when f.setup_at is null then f.failed_at end as failed_at,
                  coalesce((select r.wrtc_func_name from reported_errors r
                             where r.endpoint_id = e.id and r.wrtc_func_name <> 'applicationLog'
                             group by r.wrtc_func_name order by count(*) desc, r.wrtc_func_name limit 1),
                           f.failure_reason) as failed_in
           from fabrics f join endpoints e on e.id = f.endpoint_id
           where f.instance_id = $1
           order by f.id"#,
        instance_id,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let ends = Ends { local: row.local, remote: row.remote, remote_is_server: row.remote_is_server };
            let series = FabricSeries {
                added_at: Some(row.added_at),
                setup_delay_ms: row.setup_delay_ms,
                setup_failure: row.failed_at.map(|at| (at, row.failed_in)),
                ..FabricSeries::default()
            };
            (row.id, ends, series)
        })
        .collect())
}

/// The RTP streams' polls: an outbound stream's own report and its peer's
/// report back (`remote-inbound-rtp`) share the poll's time, SSRC and
/// direction, so they are merged into one point. Each stream comes back as one row
/// of arrays, a figure per poll: decoding a row per poll cost most of a
/// summary's CPU (`make bench-summary`).
pub(super) async fn tracks(
    conn: &mut PgConnection,
    fabric_ids: &[i64],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<ByFabric<Track>, AppError> {
    let rows = sqlx::query!(
        r#"with polls as (
               select fabric.id as fabric_id, polls.* from unnest($1::bigint[]) fabric (id) cross join lateral (
                   select ssrc, direction, max(media_kind) as media_kind, sampled_at,
                          max(packets_sent)::float8 as packets_sent, max(packets_received)::float8 as packets_received,
                          max(packets_lost)::float8 as packets_lost, max(jitter_ms)::float8 as jitter_ms,
                          max(rtt_ms)::float8 as rtt_ms, max(bitrate_bps)::float8 as bitrate_bps,
                          max(frame_rate)::float8 as frame_rate, max(frame_height)::float8 as frame_height,
                          max(freeze_count)::float8 as freeze_count,
                          max(total_freezes_duration_s)::float8 as freeze_seconds,
                          max(concealed_samples)::float8 as concealed_samples,
                          max(total_samples_received)::float8 as total_samples,
                          max(quality_limitation_reason) as limitation
                   from stats_samples
                   where fabric_id = fabric.id and sampled_at >= $2 and sampled_at < $3
                     and report_type = stats_code('report_type', 'track') and ssrc is not null and direction is not null
                   group by ssrc, direction, sampled_at
                   having max(media_kind) is not null
                   order by ssrc, direction, sampled_at
                   limit $4) polls
           )
           select fabric_id as "fabric_id!", ssrc as "ssrc!", stats_name('direction', direction) as "direction!",
                  stats_name('media_kind', max(media_kind)) as "media_kind!",
                  array_agg(sampled_at order by sampled_at) as "at!: Instants",
                  case when count(packets_sent) > 0 then array_agg(packets_sent order by sampled_at) end as "packets_sent: Floats",
                  case when count(packets_received) > 0 then array_agg(packets_received order by sampled_at) end as "packets_received: Floats",
                  case when count(packets_lost) > 0 then array_agg(packets_lost order by sampled_at) end as "packets_lost: Floats",
                  case when count(jitter_ms) > 0 then array_agg(jitter_ms order by sampled_at) end as "jitter_ms: Floats",
                  case when count(rtt_ms) > 0 then array_agg(rtt_ms order by sampled_at) end as "rtt_ms: Floats",
                  case when count(bitrate_bps) > 0 then array_agg(bitrate_bps order by sampled_at) end as "bitrate_bps: Floats",
                  case when count(frame_rate) > 0 then array_agg(frame_rate order by sampled_at) end as "frame_rate: Floats",
                  case when count(frame_height) > 0 then array_agg(frame_height order by sampled_at) end as "frame_height: Floats",
                  case when count(freeze_count) > 0 then array_agg(freeze_count order by sampled_at) end as "freeze_count: Floats",
                  case when count(freeze_seconds) > 0 then array_agg(freeze_seconds order by sampled_at) end as "freeze_seconds: Floats",
                  case when count(concealed_samples) > 0 then array_agg(concealed_samples order by sampled_at) end as "concealed_samples: Floats",
                  case when count(total_samples) > 0 then array_agg(total_samples order by sampled_at) end as "total_samples: Floats",
                  case when count(limitation) > 0
                       then array_agg(stats_name('quality_limitation_reason', limitation) order by sampled_at)
                  end as "limitation: Limitations"
           from polls
           group by fabric_id, ssrc, direction
           order by fabric_id, ssrc, direction"#,
        fabric_ids,
        from,
        to,
        ROWS_PER_FABRIC,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tracks = ByFabric::new();
    for row in rows {
        let (Some(direction), Some(kind)) = (Direction::parse(&row.direction), MediaKind::parse(&row.media_kind))
        else {
            continue;
        };
        // A figure no poll carried comes back as no array at all.
        let figure = |values: &Option<Floats>, i: usize| values.as_ref()?.0.get(i).copied().flatten();
        let points = row
            .at
            .0
            .iter()
            .enumerate()
            .map(|(i, &at)| TrackPoint {
                at,
                packets_sent: figure(&row.packets_sent, i),
                packets_received: figure(&row.packets_received, i),
                packets_lost: figure(&row.packets_lost, i),
                jitter_ms: figure(&row.jitter_ms, i),
                rtt_ms: figure(&row.rtt_ms, i),
                bitrate_bps: figure(&row.bitrate_bps, i),
                frame_rate: figure(&row.frame_rate, i),
                frame_height: figure(&row.frame_height, i),
                freeze_count: figure(&row.freeze_count, i),
                freeze_seconds: figure(&row.freeze_seconds, i),
                concealed_samples: figure(&row.concealed_samples, i),
                total_samples: figure(&row.total_samples, i),
                limitation: row.limitation.as_ref().and_then(|values| values.0.get(i).copied().flatten()),
            })
            .collect();
        tracks.entry(row.fabric_id).or_default().push(Track { ssrc: row.ssrc, direction, kind, points });
    }
    Ok(tracks)
}

/// Polls of each fabric's selected candidate pair, with its candidates'
/// types and protocols as the SDK copied them into the pair's report.
pub(super) async fn paths(
    conn: &mut PgConnection,
    fabric_ids: &[i64],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<ByFabric<PathPoint>, AppError> {
    // One row of arrays per fabric, a figure per poll (see `tracks`). A
    // pair's id, candidate types and protocols seldom change between polls:
    // each distinct set (a path) is sent once, and each poll says which.
    let rows = sqlx::query!(
        r#"with polls as (
               select fabric.id as fabric_id, polls.* from unnest($1::bigint[]) fabric (id) cross join lateral (
                   select sampled_at, stat_key, rtt_ms::float8 as rtt_ms,
                          stats_name('candidate_type', local_candidate_type) as local_type,
                          stats_name('candidate_type', remote_candidate_type) as remote_type,
                          stats_name('protocol', local_protocol) as protocol,
                          stats_name('protocol', local_relay_protocol) as relay_protocol,
                          available_outgoing_bitrate_bps::float8 as available
                   from stats_samples
                   where fabric_id = fabric.id and sampled_at >= $2 and sampled_at < $3
                     and report_type = stats_code('report_type', 'candidatePair') and selected
                   order by sampled_at, stat_key
                   limit $4) polls
           ), numbered as (
               select *, dense_rank() over (partition by fabric_id
                                            order by stat_key, local_type, remote_type, protocol, relay_protocol)::int
                         as path
               from polls
           ), paths as (
               select fabric_id, array_agg(stat_key order by path) as pair_id,
                      array_agg(local_type order by path) as local_type,
                      array_agg(remote_type order by path) as remote_type,
                      array_agg(protocol order by path) as protocol,
                      array_agg(relay_protocol order by path) as relay_protocol
               from (select distinct fabric_id, path, stat_key, local_type, remote_type, protocol, relay_protocol
                     from numbered) distinct_paths
               group by fabric_id
           ), polled as (
               select fabric_id, array_agg(sampled_at order by sampled_at, stat_key) as at,
                      array_agg(path order by sampled_at, stat_key) as path,
                      array_agg(rtt_ms order by sampled_at, stat_key) as rtt_ms,
                      array_agg(available order by sampled_at, stat_key) as available
               from numbered
               group by fabric_id
           )
           select fabric_id as "fabric_id!", at as "at!: Instants", path as "path!",
                  rtt_ms as "rtt_ms: Floats", available as "available: Floats", pair_id as "pair_id!",
                  local_type as "local_type: Vec<Option<String>>", remote_type as "remote_type: Vec<Option<String>>",
                  protocol as "protocol: Vec<Option<String>>", relay_protocol as "relay_protocol: Vec<Option<String>>"
           from polled join paths using (fabric_id)"#,
        fabric_ids,
        from,
        to,
        ROWS_PER_FABRIC,
    )
    .fetch_all(&mut *conn)
    .await?;
    let number = |values: &Option<Floats>, i: usize| values.as_ref()?.0.get(i).copied().flatten();
    let texts = |values: Option<Vec<Option<String>>>| -> Vec<Option<Arc<str>>> {
        values.unwrap_or_default().into_iter().map(|text| text.map(Arc::from)).collect()
    };
    let mut paths = ByFabric::new();
    for row in rows {
        let pair_ids: Vec<Arc<str>> = row.pair_id.into_iter().map(Arc::from).collect();
        let (protocols, relay_protocols) = (texts(row.protocol), texts(row.relay_protocol));
        let candidate_type = |types: &Option<Vec<Option<String>>>, path: usize| {
            CandidateType::parse(types.as_ref()?.get(path)?.as_deref()?)
        };
        let points = row
            .at
            .0
            .iter()
            .zip(&row.path)
            .enumerate()
            .filter_map(|(i, (&at, &path))| {
                // Paths are numbered from 1.
                let path = usize::try_from(path).ok()?.checked_sub(1)?;
                Some(PathPoint {
                    at,
                    pair_id: pair_ids.get(path)?.clone(),
                    local_type: candidate_type(&row.local_type, path),
                    remote_type: candidate_type(&row.remote_type, path),
                    protocol: protocols.get(path).cloned().flatten(),
                    relay_protocol: relay_protocols.get(path).cloned().flatten(),
                    rtt_ms: number(&row.rtt_ms, i),
                    available_outgoing_bps: number(&row.available, i),
                })
            })
            .collect();
        paths.insert(row.fabric_id, points);
    }
    Ok(paths)
}

/// Each fabric's events the detectors read, oldest first.
pub(super) async fn events(conn: &mut PgConnection, fabric_ids: &[i64]) -> Result<ByFabric<Event>, AppError> {
    let rows = sqlx::query!(
        r#"select fabric.id as "fabric_id!", events.kind as "kind!", events.occurred_at as "occurred_at!",
                  events.changed_state, events.new_state
           from unnest($1::bigint[]) fabric (id) cross join lateral (
               select id, kind, occurred_at,
                      payload->>'changedState' as changed_state, payload->>'newState' as new_state
               from fabric_events
               where fabric_id = fabric.id
                 and kind in ('fabricSetup', 'fabricSetupFailed', 'fabricTerminated', 'iceRestarted', 'iceFailed',
                              'iceDisruptionStart', 'iceDisruptionEnd', 'iceConnectionDisruptionStart',
                              'iceConnectionDisruptionEnd', 'fabricStateChange')
               order by occurred_at, id
               limit $2) events
           order by fabric.id, events.occurred_at, events.id"#,
        fabric_ids,
        ROWS_PER_FABRIC,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut events = ByFabric::new();
    for row in rows {
        if let Some(kind) = EventKind::of_stored(&row.kind, row.changed_state.as_deref(), row.new_state.as_deref()) {
            events.entry(row.fabric_id).or_default().push(Event { at: row.occurred_at, kind });
        }
    }
    Ok(events)
}
