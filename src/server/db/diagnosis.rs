//! What the detectors of `domain::diagnosis` read about a conference
//! instance, and where their findings are kept (`fabric_issues`).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::diagnosis::{
    self, Attribution, CandidateType, Direction, Ends, Event, EventKind, FabricSeries, Finding, IssueKind, Limitation,
    PathPoint, Presence, Side, Track, TrackPoint,
};
use crate::domain::limits::truncate_bytes;
use crate::domain::quality::MediaKind;
use crate::server::AppError;

/// Rows of one kind (stream polls, pair polls, events) read per fabric at
/// most: 100,000 stream polls are four streams polled every 10 s for more
/// than a day. A flooded fabric is diagnosed from its first rows, and
/// memory stays bounded by one fabric's series.
const ROWS_PER_FABRIC: i64 = 100_000;
/// The most of what failed kept with a finding (`fabric_issues.detail`).
const DETAIL_BYTES: usize = 64;

/// A finding of one fabric (or of the conference) with its side, ready to store.
#[derive(Debug)]
pub struct Issue<'a> {
    /// `fabrics.id`; none for a conference-level finding.
    pub fabric_id: Option<i64>,
    /// What was found.
    pub finding: &'a Finding,
    /// Whose side.
    pub attribution: &'a Attribution,
}

/// Runs the detectors over instance `instance_id`, one fabric at a time,
/// and replaces its stored issues with theirs; returns the kinds found.
/// Idempotent: the same samples give the same rows.
pub async fn refresh(conn: &mut PgConnection, instance_id: i64) -> Result<Vec<IssueKind>, AppError> {
    lock(conn, instance_id).await?;
    diagnose(conn, instance_id).await
}

/// [`refresh`] of a live instance, which also lists the kinds found on it
/// for search; does nothing (false) once it has ended, since its summary
/// diagnoses it then.
pub async fn refresh_live(conn: &mut PgConnection, instance_id: i64) -> Result<bool, AppError> {
    lock(conn, instance_id).await?;
    let live = sqlx::query_scalar!(
        r#"select status = 'live' as "live!" from conference_instances where id = $1"#,
        instance_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if live != Some(true) {
        return Ok(false);
    }
    let kinds: Vec<&str> = diagnose(conn, instance_id).await?.into_iter().map(IssueKind::as_str).collect();
    sqlx::query!("update conference_instances set issue_kinds = $2 where id = $1", instance_id, &kinds as &[&str],)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Takes the instance's diagnosis lock until the transaction ends, so a
/// live refresh and the summary that ends the instance run one after the
/// other. Not its row's lock: the collector keeps writing the row meanwhile.
async fn lock(conn: &mut PgConnection, instance_id: i64) -> Result<(), AppError> {
    sqlx::query!("select pg_advisory_xact_lock(hashtextextended('diagnosis', $1))", instance_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn diagnose(conn: &mut PgConnection, instance_id: i64) -> Result<Vec<IssueKind>, AppError> {
    let window = window(conn, instance_id).await?;
    let mut ids = Vec::new();
    let mut diagnosed: Vec<(Ends, Vec<Finding>)> = Vec::new();
    for (id, ends, mut series) in fabrics(conn, instance_id).await? {
        series.tracks = tracks(conn, id, window).await?;
        series.path = path(conn, id, window).await?;
        series.events = events(conn, id).await?;
        ids.push(id);
        diagnosed.push((ends, diagnosis::diagnose(&series)));
    }
    let sides = diagnosis::attribute(&diagnosed);
    let (presences, end) = presences(conn, instance_id).await?;
    let conference: Vec<(Finding, Attribution)> = diagnosis::detect_conference(&presences, end)
        .into_iter()
        .map(|(who, finding)| (finding, Attribution { side: Side::Participant, who, peer: None }))
        .collect();
    let issues: Vec<Issue> = ids
        .iter()
        .zip(&diagnosed)
        .zip(&sides)
        .flat_map(|((&id, (_, findings)), sides)| {
            findings.iter().zip(sides).map(move |(finding, attribution)| Issue {
                fabric_id: Some(id),
                finding,
                attribution,
            })
        })
        .chain(conference.iter().map(|(finding, attribution)| Issue { fabric_id: None, finding, attribution }))
        .collect();
    store(conn, instance_id, &issues).await?;
    let mut kinds: Vec<IssueKind> = issues.iter().map(|issue| issue.finding.kind).collect();
    kinds.sort_unstable_by_key(|kind| kind.as_str());
    kinds.dedup();
    Ok(kinds)
}

/// When the instance's samples are read: from an hour before it started to
/// an hour after it ended (or now), as the summary reads them, so only
/// those days' partitions are scanned.
async fn window(conn: &mut PgConnection, instance_id: i64) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
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
async fn presences(conn: &mut PgConnection, instance_id: i64) -> Result<(Vec<Presence>, DateTime<Utc>), AppError> {
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
async fn fabrics(conn: &mut PgConnection, instance_id: i64) -> Result<Vec<(i64, Ends, FabricSeries)>, AppError> {
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
/// direction, so they are merged into one point. Figures left in `raw` are
/// read only when they are JSON numbers. Each stream comes back as one row
/// of arrays, a figure per poll: decoding a row per poll cost most of a
/// summary's CPU (`make bench-summary`).
async fn tracks(
    conn: &mut PgConnection,
    fabric_id: i64,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Track>, AppError> {
    let rows = sqlx::query!(
        r#"with polls as (
               select ssrc, direction, max(media_kind) as media_kind, sampled_at,
                      max(packets_sent)::float8 as packets_sent, max(packets_received)::float8 as packets_received,
                      max(packets_lost)::float8 as packets_lost, max(jitter_ms) as jitter_ms, max(rtt_ms) as rtt_ms,
                      max(bitrate_bps) as bitrate_bps, max(frame_rate) as frame_rate,
                      max(frame_height)::float8 as frame_height,
                      max(case when jsonb_typeof(raw->'freezeCount') = 'number'
                               then (raw->'freezeCount')::float8 end) as freeze_count,
                      max(case when jsonb_typeof(raw->'totalFreezesDuration') = 'number'
                               then (raw->'totalFreezesDuration')::float8 end) as freeze_seconds,
                      max(case when jsonb_typeof(raw->'concealedSamples') = 'number'
                               then (raw->'concealedSamples')::float8 end) as concealed_samples,
                      max(case when jsonb_typeof(raw->'totalSamplesReceived') = 'number'
                               then (raw->'totalSamplesReceived')::float8 end) as total_samples,
                      max(raw->>'qualityLimitationReason') as limitation
               from stats_samples
               where fabric_id = $1 and sampled_at >= $2 and sampled_at < $3
                 and report_type = 'track' and ssrc is not null and direction is not null
               group by ssrc, direction, sampled_at
               having max(media_kind) is not null
               order by ssrc, direction, sampled_at
               limit $4
           )
           select ssrc as "ssrc!", direction as "direction!", max(media_kind) as "media_kind!",
                  array_agg(sampled_at order by sampled_at) as "at!",
                  case when count(packets_sent) > 0 then array_agg(packets_sent order by sampled_at) end as "packets_sent: Vec<Option<f64>>",
                  case when count(packets_received) > 0 then array_agg(packets_received order by sampled_at) end as "packets_received: Vec<Option<f64>>",
                  case when count(packets_lost) > 0 then array_agg(packets_lost order by sampled_at) end as "packets_lost: Vec<Option<f64>>",
                  case when count(jitter_ms) > 0 then array_agg(jitter_ms order by sampled_at) end as "jitter_ms: Vec<Option<f64>>",
                  case when count(rtt_ms) > 0 then array_agg(rtt_ms order by sampled_at) end as "rtt_ms: Vec<Option<f64>>",
                  case when count(bitrate_bps) > 0 then array_agg(bitrate_bps order by sampled_at) end as "bitrate_bps: Vec<Option<f64>>",
                  case when count(frame_rate) > 0 then array_agg(frame_rate order by sampled_at) end as "frame_rate: Vec<Option<f64>>",
                  case when count(frame_height) > 0 then array_agg(frame_height order by sampled_at) end as "frame_height: Vec<Option<f64>>",
                  case when count(freeze_count) > 0 then array_agg(freeze_count order by sampled_at) end as "freeze_count: Vec<Option<f64>>",
                  case when count(freeze_seconds) > 0 then array_agg(freeze_seconds order by sampled_at) end as "freeze_seconds: Vec<Option<f64>>",
                  case when count(concealed_samples) > 0 then array_agg(concealed_samples order by sampled_at) end as "concealed_samples: Vec<Option<f64>>",
                  case when count(total_samples) > 0 then array_agg(total_samples order by sampled_at) end as "total_samples: Vec<Option<f64>>",
                  case when count(limitation) > 0 then array_agg(limitation order by sampled_at) end as "limitation: Vec<Option<String>>"
           from polls
           group by ssrc, direction
           order by ssrc, direction"#,
        fabric_id,
        from,
        to,
        ROWS_PER_FABRIC,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tracks: Vec<Track> = Vec::new();
    for row in rows {
        let (Some(direction), Some(kind)) = (Direction::parse(&row.direction), MediaKind::parse(&row.media_kind))
        else {
            continue;
        };
        // A figure no poll carried comes back as no array at all.
        let figure = |values: &Option<Vec<Option<f64>>>, i: usize| values.as_ref()?.get(i).copied().flatten();
        let points = row
            .at
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
                limitation: row.limitation.as_ref().and_then(|values| values.get(i)?.as_deref()).map(Limitation::parse),
            })
            .collect();
        tracks.push(Track { ssrc: row.ssrc, direction, kind, points });
    }
    Ok(tracks)
}

/// Polls of the fabric's selected candidate pair, with its candidates'
/// types and protocols as the SDK copied them into the pair's report.
async fn path(
    conn: &mut PgConnection,
    fabric_id: i64,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<PathPoint>, AppError> {
    // One row of arrays, a figure per poll (see `tracks`).
    let row = sqlx::query!(
        r#"with polls as (
               select sampled_at, stat_key, rtt_ms,
                      raw->>'localCandidateType' as local_type, raw->>'remoteCandidateType' as remote_type,
                      lower(raw->>'localProtocol') as protocol, lower(raw->>'localRelayProtocol') as relay_protocol,
                      case when jsonb_typeof(raw->'availableOutgoingBitrate') = 'number'
                           then (raw->'availableOutgoingBitrate')::float8 end as available
               from stats_samples
               where fabric_id = $1 and sampled_at >= $2 and sampled_at < $3
                 and report_type = 'candidatePair' and raw->'selected' = 'true'::jsonb
               order by sampled_at, stat_key
               limit $4
           )
           select coalesce(array_agg(sampled_at order by sampled_at, stat_key), '{}') as "at!",
                  coalesce(array_agg(stat_key order by sampled_at, stat_key), '{}') as "pair_id!",
                  array_agg(rtt_ms order by sampled_at, stat_key) as "rtt_ms: Vec<Option<f64>>",
                  array_agg(local_type order by sampled_at, stat_key) as "local_type: Vec<Option<String>>",
                  array_agg(remote_type order by sampled_at, stat_key) as "remote_type: Vec<Option<String>>",
                  array_agg(protocol order by sampled_at, stat_key) as "protocol: Vec<Option<String>>",
                  array_agg(relay_protocol order by sampled_at, stat_key) as "relay_protocol: Vec<Option<String>>",
                  array_agg(available order by sampled_at, stat_key) as "available: Vec<Option<f64>>"
           from polls"#,
        fabric_id,
        from,
        to,
        ROWS_PER_FABRIC,
    )
    .fetch_one(&mut *conn)
    .await?;
    let number = |values: &Option<Vec<Option<f64>>>, i: usize| values.as_ref()?.get(i).copied().flatten();
    let text = |values: &Option<Vec<Option<String>>>, i: usize| values.as_ref()?.get(i)?.clone();
    Ok(row
        .at
        .iter()
        .zip(&row.pair_id)
        .enumerate()
        .map(|(i, (&at, pair_id))| PathPoint {
            at,
            pair_id: pair_id.clone(),
            local_type: text(&row.local_type, i).as_deref().and_then(CandidateType::parse),
            remote_type: text(&row.remote_type, i).as_deref().and_then(CandidateType::parse),
            protocol: text(&row.protocol, i),
            relay_protocol: text(&row.relay_protocol, i),
            rtt_ms: number(&row.rtt_ms, i),
            available_outgoing_bps: number(&row.available, i),
        })
        .collect())
}

/// The fabrics' events the detectors read, oldest first.
async fn events(conn: &mut PgConnection, fabric_id: i64) -> Result<Vec<Event>, AppError> {
    let rows = sqlx::query!(
        r#"select kind, occurred_at,
                  payload->>'changedState' as changed_state, payload->>'newState' as new_state
           from fabric_events
           where fabric_id = $1
             and kind in ('fabricSetup', 'fabricSetupFailed', 'fabricTerminated', 'iceRestarted', 'iceFailed',
                          'iceDisruptionStart', 'iceDisruptionEnd', 'iceConnectionDisruptionStart',
                          'iceConnectionDisruptionEnd', 'fabricStateChange')
           order by occurred_at, id
           limit $2"#,
        fabric_id,
        ROWS_PER_FABRIC,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let kind = EventKind::of_stored(&row.kind, row.changed_state.as_deref(), row.new_state.as_deref())?;
            Some(Event { at: row.occurred_at, kind })
        })
        .collect())
}

/// Replaces the instance's stored issues with `issues`.
pub async fn store(conn: &mut PgConnection, instance_id: i64, issues: &[Issue<'_>]) -> Result<(), AppError> {
    sqlx::query!("delete from fabric_issues where instance_id = $1", instance_id).execute(&mut *conn).await?;
    if issues.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($value:expr) => {
            issues.iter().map($value).collect::<Vec<_>>()
        };
    }
    let stream = |issue: &Issue| issue.finding.stream;
    // A figure summed from absurd counters may overflow to infinity: none is kept.
    let figure = |value: Option<f64>| value.filter(|value| value.is_finite());
    sqlx::query!(
        r#"insert into fabric_issues (
               instance_id, fabric_id, kind, severity, started_at, ended_at, ssrc, direction, media_kind,
               side, who, peer, peak, typical, count, detail)
           select $1, * from unnest(
               $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::bigint[],
               $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[], $14::float8[],
               $15::int[], $16::text[])"#,
        instance_id,
        &column!(|issue| issue.fabric_id) as &[Option<i64>],
        &column!(|issue| issue.finding.kind.as_str()) as &[&str],
        &column!(|issue| issue.finding.severity.as_str()) as &[&str],
        &column!(|issue| issue.finding.start) as &[DateTime<Utc>],
        &column!(|issue| issue.finding.end) as &[DateTime<Utc>],
        &column!(|issue| stream(issue).map(|stream| stream.ssrc)) as &[Option<i64>],
        &column!(|issue| stream(issue).map(|stream| stream.direction.as_str())) as &[Option<&str>],
        &column!(|issue| stream(issue).map(|stream| stream.kind.as_str())) as &[Option<&str>],
        &column!(|issue| issue.attribution.side.as_str()) as &[&str],
        &column!(|issue| issue.attribution.who.as_str()) as &[&str],
        &column!(|issue| issue.attribution.peer.as_deref()) as &[Option<&str>],
        &column!(|issue| figure(issue.finding.peak)) as &[Option<f64>],
        &column!(|issue| figure(issue.finding.typical)) as &[Option<f64>],
        &column!(|issue| issue.finding.count.map(|count| i32::try_from(count).unwrap_or(i32::MAX))) as &[Option<i32>],
        &column!(|issue| issue.finding.detail.as_deref().map(|detail| truncate_bytes(detail, DETAIL_BYTES).0))
            as &[Option<&str>],
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
