//! What a hostile (or broken) client can store, written in SQL: a fabric
//! flooded with stats samples, and a conference with sixty errors that
//! each carry two large SDPs and a 20 KB log. Loaded once per database;
//! a `--reuse` run finds them again by their markers.

use std::time::Instant;

use anyhow::Context;
use sqlx::PgConnection;

use super::load::DemoFabric;

/// The conferenceID of the conference with the large errors.
const ERRORS_CONFERENCE: &str = "bench-large-errors";
/// The stat_key prefix of the flood's samples.
const FLOOD_KEY: &str = "flood-";

/// Where the hostile data is.
#[derive(Debug, Clone, Copy)]
pub struct Hostile {
    /// Instance of the flooded fabric.
    pub conference: i64,
    /// The flooded fabric.
    pub fabric: i64,
    /// Its stats rows.
    pub samples: i64,
    /// The instance with the large errors.
    pub errors_conference: i64,
    /// Its errors.
    pub errors: i64,
    /// Bytes of SDP per error (local and remote together).
    pub sdp_bytes: i64,
}

/// Floods another fabric of the played conference with `samples` samples
/// (five streams, spread evenly over the fabric's life, which is the worst
/// case for a page: every time bucket is full) and adds a conference with
/// `errors` errors of two `sdp_kb` KB SDPs each, unless a previous run did.
pub async fn load(
    conn: &mut PgConnection,
    demo: DemoFabric,
    samples: i64,
    errors: i64,
    sdp_kb: i64,
) -> anyhow::Result<Hostile> {
    if let Some(found) = find(conn).await? {
        return Ok(found);
    }
    let started = Instant::now();
    let fabric: i64 =
        sqlx::query_scalar("select id from fabrics where instance_id = $1 order by (id = $2), id limit 1")
            .bind(demo.conference)
            .bind(demo.fabric)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "insert into stats_samples (sampled_at, fabric_id, stat_key, report_type, direction, media_kind,
                                    ssrc, rtt_ms, jitter_ms, packets_lost, packets_received, fraction_lost,
                                    bitrate_bps, frame_rate, frame_height)
         select f.added_at + (coalesce(f.terminated_at, ci.ended_at, ci.last_activity_at) - f.added_at)
                             * (i::float8 / $2),
                f.id, $3 || i, stats_code('report_type', case when i % 5 = 4 then 'candidatePair' else 'track' end),
                stats_code('direction', case when i % 5 = 4 then null when i % 2 = 0 then 'inbound' else 'outbound' end),
                stats_code('media_kind', case when i % 5 = 4 then null when i % 5 < 2 then 'audio' else 'video' end),
                case when i % 5 = 4 then null else 40000 + i % 5 end,
                20 + (i * 7919) % 180, (i % 13)::float8, i / 500, i, ((i * 31) % 100) / 1000.0,
                300000 + (i * 104729) % 900000, 15 + i % 16, case when i % 5 in (2, 3) then 720 end
           from fabrics f join conference_instances ci on ci.id = f.instance_id,
                generate_series(0, $2 - 1) i
          where f.id = $1",
    )
    .bind(fabric)
    .bind(samples)
    .bind(FLOOD_KEY)
    .execute(&mut *conn)
    .await
    .context("flooding a fabric")?;
    let flooded = started.elapsed();
    // Hex text (md5s) is about as incompressible as a real SDP's
    // fingerprints and candidates, so TOAST does not make it small.
    sqlx::query(
        "with ci as (
             insert into conference_instances (app_id, conference_id, started_at, last_activity_at, ended_at,
                                               status, end_reason, error_count)
             select app_id, $2, started_at, last_activity_at, ended_at, status, end_reason, $3
               from conference_instances where id = $1
             returning id, app_id, started_at
         ), e as (
             insert into endpoints (instance_id, app_id, user_id, joined_at, last_alive_at)
             select id, app_id, 'bench-user', started_at, started_at from ci
             returning id, app_id, joined_at
         )
         insert into reported_errors (endpoint_id, app_id, wrtc_func_name, dom_error, message, local_sdp,
                                      remote_sdp, occurred_at)
         select e.id, e.app_id, 'setRemoteDescription',
                jsonb_build_object('name', 'InvalidStateError', 'message', 'bench error ' || i),
                left('bench log ' || repeat(md5(i::text), 700), 20480),
                'v=0 local ' || sdp.text, 'v=0 remote ' || sdp.text, e.joined_at + i * interval '1 second'
           from e, generate_series(1, $3) i,
                lateral (select string_agg(md5(i::text || '-' || g), ' ') as text
                           from generate_series(1, $4 * 1024 / 33) g) sdp",
    )
    .bind(demo.conference)
    .bind(ERRORS_CONFERENCE)
    .bind(i32::try_from(errors)?)
    .bind(sdp_kb)
    .execute(&mut *conn)
    .await
    .context("adding the large errors")?;
    sqlx::raw_sql("analyze stats_samples, reported_errors").execute(&mut *conn).await?;
    let found = find(conn).await?.context("the hostile data was not found after loading it")?;
    println!(
        "hostile data: fabric {} flooded with {} samples in {:.1} s; conference {} has {} errors with {} KB of SDP each \
         ({:.1} s)",
        found.fabric,
        found.samples,
        flooded.as_secs_f64(),
        found.errors_conference,
        found.errors,
        found.sdp_bytes / 1024,
        (started.elapsed() - flooded).as_secs_f64(),
    );
    Ok(found)
}

/// The hostile data of an earlier run, if any.
async fn find(conn: &mut PgConnection) -> anyhow::Result<Option<Hostile>> {
    let fabric: Option<(i64, i64, i64)> = sqlx::query_as(
        "select f.instance_id, f.id, (select count(*) from stats_samples s where s.fabric_id = f.id)
           from fabrics f
          where exists (select 1 from stats_samples s where s.fabric_id = f.id and s.stat_key = $1 || '0')",
    )
    .bind(FLOOD_KEY)
    .fetch_optional(&mut *conn)
    .await?;
    let errors: Option<(i64, i64, i64)> = sqlx::query_as(
        "select ci.id, count(r.id), coalesce(max(octet_length(r.local_sdp) + octet_length(r.remote_sdp)), 0)::bigint
           from conference_instances ci join endpoints e on e.instance_id = ci.id
           join reported_errors r on r.endpoint_id = e.id
          where ci.conference_id = $1 group by ci.id",
    )
    .bind(ERRORS_CONFERENCE)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(fabric.zip(errors).map(|((conference, fabric, samples), (errors_conference, errors, sdp_bytes))| Hostile {
        conference,
        fabric,
        samples,
        errors_conference,
        errors,
        sdp_bytes,
    }))
}
