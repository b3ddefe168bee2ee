//! The cost of summarising a conference instance, detectors included: one
//! ended hour-long call of `--parties` people in a full mesh (each sends
//! audio and video to every other), its stats written in SQL as the
//! collector stores them (a poll every 10 s of four streams and the
//! selected candidate pair per connection, cumulative counters growing,
//! a few freezes and a lossy stretch), then summarised `--samples` times,
//! each in a transaction rolled back.
//!
//! Prints, per summary: the wall time, and the CPU time of this process
//! (what callscope's server spends: the detectors, the merging of sides,
//! decoding rows; PostgreSQL's own work is in the wall time only).
//!
//! `make bench-summary` (DATABASE_URL, else a private cluster). Options:
//! `--parties`, `--minutes`, `--samples`.

#[path = "shared/mod.rs"]
mod shared;

use std::time::{Duration, Instant};

use anyhow::Context;
use callscope::server::audit::Actor;
use callscope::server::db::{self, summaries};
use callscope::server::master_key::MasterKey;
use clap::Parser;
use sqlx::{Connection, PgConnection};

/// Summary timings.
#[derive(Debug, Parser)]
struct Args {
    /// People in the call (a full mesh: n × (n − 1) connections).
    #[arg(long, default_value_t = 8)]
    parties: i32,
    /// Length of the call.
    #[arg(long, default_value_t = 60)]
    minutes: i32,
    /// Measured summaries, after one unmeasured.
    #[arg(long, default_value_t = 20)]
    samples: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.parties >= 2 && args.minutes > 0 && args.samples > 0, "nothing to measure");
    let given = std::env::var("DATABASE_URL").context("set DATABASE_URL (`make bench-summary` does)")?;
    let (url, name) = shared::fresh_database(&given, "callscope_bench_summary").await?;
    let outcome = run(&args, &url).await;
    shared::drop_database(&given, &name).await?;
    outcome
}

async fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let pool = db::connect(url).await?;
    db::migrate(&pool).await?;
    let config = shared::config(url)?;
    let key = MasterKey::load(config.master_key.as_ref(), &config.data_dir)?;
    let (app, _) = callscope::server::apps::create(&pool, &Actor::Cli, &key, "Summary bench").await?;
    let mut conn = pool.acquire().await?;
    println!("loading into {}", shared::redact(url));
    let loading = Instant::now();
    let (instance, samples) = load(&mut conn, app.id, args.parties, args.minutes).await?;
    println!(
        "one {}-minute call of {} parties: {} connections, {samples} stats rows, loaded in {:.1} s",
        args.minutes,
        args.parties,
        args.parties * (args.parties - 1),
        loading.elapsed().as_secs_f64()
    );
    summarise(&mut conn, instance).await?; // warm-up
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..args.samples {
        let (took, spent) = summarise(&mut conn, instance).await?;
        wall.push(took);
        cpu.push(spent);
    }
    let issues: i64 = sqlx::query_scalar("select count(*) from fabric_issues").fetch_one(&mut *conn).await?;
    println!("issues found per summary: {issues}");
    println!("| per summary | p50 | p90 | max |\n|---|---|---|---|");
    for (what, mut times) in [("wall time", wall), ("CPU time of callscope", cpu)] {
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
        println!("| {what} | {:.1} ms | {:.1} ms | {:.1} ms |", at(0.5), at(0.9), at(1.0));
    }
    Ok(())
}

/// One summary in a transaction rolled back afterwards (the last one is
/// committed, so its issues can be counted): its wall and CPU time.
async fn summarise(conn: &mut PgConnection, instance: i64) -> anyhow::Result<(Duration, Duration)> {
    let mut tx = conn.begin().await?;
    let (started, cpu) = (Instant::now(), cpu_time());
    summaries::summarize(&mut tx, instance).await?;
    let taken = (started.elapsed(), cpu_time().saturating_sub(cpu));
    tx.commit().await?;
    Ok(taken)
}

/// User and system CPU time of this process so far.
fn cpu_time() -> Duration {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID).map_or(Duration::ZERO, Duration::from)
}

/// Writes the call: the instance, one endpoint per party, a connection from
/// each to every other, and its polls. Returns the instance and the rows.
async fn load(conn: &mut PgConnection, app: i64, parties: i32, minutes: i32) -> anyhow::Result<(i64, i64)> {
    sqlx::query("select ensure_stats_partitions((now() at time zone 'UTC')::date - 2, 4)").execute(&mut *conn).await?;
    let instance: i64 = sqlx::query_scalar(
        "insert into conference_instances (app_id, conference_id, started_at, last_activity_at, ended_at, status,
                                           end_reason)
         values ($1, 'summary bench', now() - make_interval(mins => $2 + 5), now() - interval '5 minutes',
                 now() - interval '5 minutes', 'ended', 'allLeft')
         returning id",
    )
    .bind(app)
    .bind(minutes)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "with people as (
             insert into endpoints (instance_id, app_id, user_id, joined_at, last_alive_at, left_at)
             select ci.id, ci.app_id, 'party-' || p, ci.started_at, ci.ended_at, ci.ended_at
               from conference_instances ci, generate_series(1, $2) p where ci.id = $1
             returning id, user_id, joined_at
         )
         insert into fabrics (endpoint_id, instance_id, connection_id, remote_user_id, added_at, setup_at,
                              setup_delay_ms, state, terminated_at)
         select a.id, $1, 'pc-' || b.user_id, b.user_id, a.joined_at, a.joined_at + interval '400 ms', 400,
                'terminated', a.joined_at + make_interval(mins => $3)
           from people a join people b on a.user_id <> b.user_id",
    )
    .bind(instance)
    .bind(parties)
    .bind(minutes)
    .execute(&mut *conn)
    .await?;
    // Four streams and the selected pair per poll. Party 1's uplink loses
    // 8 % for five minutes in the middle, and every received video freezes
    // once every ten minutes: the detectors have something to find.
    let rows = sqlx::query(
        r#"insert into stats_samples (sampled_at, fabric_id, stat_key, report_type, direction, media_kind,
                                      ssrc, rtt_ms, jitter_ms, packets_lost, packets_received, packets_sent,
                                      bitrate_bps, frame_rate, frame_height, selected, local_candidate_type,
                                      remote_candidate_type, local_protocol, available_outgoing_bitrate_bps,
                                      freeze_count, total_freezes_duration_s, concealed_samples,
                                      total_samples_received, quality_limitation_reason, poll_objects)
           select f.setup_at + k * interval '10 s', f.id, s.key, stats_code('report_type', s.report_type),
                  stats_code('direction', s.direction), stats_code('media_kind', s.kind),
                  case when s.report_type = 'track' then f.id * 4 + s.n end,
                  40 + (k % 7), case when s.kind = 'audio' then 4 + k % 3 end,
                  case when s.direction = 'inbound' then
                      (case when f.remote_user_id = 'party-1' then greatest(0, least(k, 210) - 180) * 40 else 0 end)
                      + k / 50 end,
                  case when s.direction = 'inbound' then k * 500 end,
                  case when s.direction = 'outbound' then k * 500 end,
                  case when s.report_type = 'track' then case s.kind when 'audio' then 40000 else 900000 end end,
                  case when s.kind = 'video' then 30 end, case when s.kind = 'video' then 720 end,
                  case when s.report_type = 'candidatePair' then true end,
                  case when s.report_type = 'candidatePair' then stats_code('candidate_type', 'srflx') end,
                  case when s.report_type = 'candidatePair' then stats_code('candidate_type', 'srflx') end,
                  case when s.report_type = 'candidatePair' then stats_code('protocol', 'udp') end,
                  case when s.report_type = 'candidatePair' then 2500000 end,
                  case when s.kind = 'video' and s.direction = 'inbound' then k / 60 end,
                  case when s.kind = 'video' and s.direction = 'inbound' then k / 60 * 0.4 end,
                  case when s.kind = 'audio' and s.direction = 'inbound' then k * 20 end,
                  case when s.kind = 'audio' and s.direction = 'inbound' then k * 480000 end,
                  case when s.direction = 'outbound' and s.report_type = 'track'
                       then stats_code('quality_limitation_reason', 'none') end,
                  case when s.n = 0 then 5 end
             from fabrics f,
                  generate_series(0, $2 * 6 - 1) k,
                  (values (0, 'in-audio', 'track', 'inbound', 'audio'), (1, 'in-video', 'track', 'inbound', 'video'),
                          (2, 'out-audio', 'track', 'outbound', 'audio'), (3, 'out-video', 'track', 'outbound', 'video'),
                          (4, 'CP1', 'candidatePair', null, null)) as s (n, key, report_type, direction, kind)
            where f.instance_id = $1"#,
    )
    .bind(instance)
    .bind(minutes)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::raw_sql("analyze stats_samples, fabrics, endpoints").execute(&mut *conn).await?;
    Ok((instance, i64::try_from(rows)?))
}
