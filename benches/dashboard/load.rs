//! Demo data for the dashboard benchmark: many summarised conference
//! instances written straight in SQL (fast, reproducible), and one real
//! hour-long conference played over HTTP by `callscope demo`'s scenario so
//! the fabric page has a long stats series to chart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use callscope::server::demo::{self, Collector, Options};
use secrecy::SecretString;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use tracing::log::LevelFilter;

/// Instances written per statement (one progress line each).
const CHUNK: i64 = 50_000;

/// Distinct people the endpoints are drawn from.
const PEOPLE: i64 = 200_003;

/// One chunk of ended, summarised instances with 2–4 endpoints each.
///
/// `$1` app, `$2`..`$3` the instance numbers of the chunk, `$4` how many
/// distinct conferenceIDs there are: number `g` gets key `g * a mod $4`, so
/// numbers `$4` apart share a conferenceID (about 15 % of the instances
/// reuse an ID, at another time). Each key is a word (several scripts, and
/// the same word in three cases: `room-7`, `Room-7`, `ROOM-7`) and a
/// number, or a long meeting URL. Random figures come from `random()` after
/// `setseed`, so a run with the same size loads the same data.
const CHUNK_SQL: &str = r#"
with c as materialized (
    select g, k,
           case when k % 16 = 15 then 'https://meet.example.com/r/' || md5(k::text)
                else (array['room', 'Room', 'ROOM', 'standup', 'Stand-Up', 'sales-call', 'インターネット',
                            '会議室', 'интернэт', 'Встреча', 'ອິນເຕີເນັດ', 'réunion', 'Besprechung',
                            'support/ticket', 'Daily'])[1 + k % 16] || '-' || (k / 16)::text
           end as conference_id,
           now() - interval '1 hour' - random() * interval '30 days' as started_at,
           (60000 + random() * 5340000)::bigint as duration_ms,
           2 + floor(random() * 3)::int as people,
           random() as fail, random() as rated, random() as quality, random() as setup
      from (select g, (g * 2654435761) % $4 as k from generate_series($2::bigint, $3::bigint) g) numbered
), made as (
    insert into conference_instances (
        app_id, conference_id, started_at, last_activity_at, ended_at, status, end_reason, summarized_at,
        duration_ms, participant_count, endpoint_count, fabric_count, fabrics_setup_count, fabrics_failed_count,
        setup_delay_min_ms, setup_delay_median_ms, setup_delay_max_ms, failure_group, error_count, quality_score,
        feedback_count, feedback_min_rating, feedback_avg_overall)
    select $1, conference_id, started_at, e, e, 'ended', 'allLeft', e,
           duration_ms, people, people, people,
           case when fail < 0.01 then 0 when fail < 0.04 then people - 1 else people end,
           case when fail < 0.01 then people when fail < 0.04 then 1 else 0 end,
           case when fail >= 0.01 then (200 + setup * 500)::int end,
           case when fail >= 0.01 then (400 + setup * 900)::int end,
           case when fail >= 0.01 then (700 + setup * 3000)::int end,
           case when fail < 0.01 then 'totalFailure' when fail < 0.04 then 'partialFailure' end,
           case when fail < 0.04 then 1 + floor(setup * 3)::int else 0 end,
           case when fail >= 0.01 then 1 + 4 * sqrt(quality) end,
           case when rated < 0.15 then 1 + floor(rated / 0.15 * people)::int else 0 end,
           case when rated < 0.15 then 1 + floor(rated / 0.15 * 5)::smallint end,
           case when rated < 0.15 then least(5, 1 + floor(rated / 0.15 * 5) + quality * 2) end
      from (select *, started_at + duration_ms * interval '1 millisecond' as e from c) ended
    returning id, app_id, started_at, ended_at, participant_count
)
insert into endpoints (instance_id, app_id, user_id, user_name, alias_name, login_id, device_id,
                       endpoint_info, joined_at, last_alive_at, left_at, left_reason)
select m.id, m.app_id,
       case when u % 10 < 3 then 'alias-' || u else 'user-' || u end,
       case when u % 10 < 3 then (array['Ada Lovelace', '山田 太郎', 'Иван Петров', 'Grace Hopper',
                                        'ສົມສັກ ພົມມະຈັນ'])[1 + u % 5] || ' ' || u end,
       case when u % 10 < 3 then 'alias-' || u end,
       case when u % 10 = 0 then 'login' || u || '@example.com' end,
       md5(u::text),
       jsonb_build_object('type', 'browser', 'name', (array['Chrome', 'Firefox', 'Safari'])[1 + u % 3],
                          'version', '131', 'os', (array['Linux', 'Windows', 'macOS', 'Android'])[1 + u % 4]),
       m.started_at + p * interval '2 seconds', m.ended_at, m.ended_at, 'userLeft'
  from made m
 cross join lateral generate_series(1, m.participant_count) p
 cross join lateral (select ((m.id * 4 + p) * 2654435761) % $5 as u) person
"#;

/// Writes `count` conference instances of `app_id`, printing progress;
/// then vacuums and analyzes the two tables, as autovacuum would have
/// done long before a table grew this big (the visibility map lets the
/// userID search stay index-only).
pub async fn conferences(url: &str, app_id: i64, count: i64) -> anyhow::Result<()> {
    // Each chunk takes seconds: not worth a "slow statement" warning.
    let options: PgConnectOptions = url.parse()?;
    let mut conn = options.log_slow_statements(LevelFilter::Off, Duration::ZERO).connect().await?;
    let started = Instant::now();
    // Enough distinct conferenceIDs for about 15 % of the instances to reuse one.
    let distinct = (count * 85 / 100).max(1);
    let mut done = 0;
    while done < count {
        let last = (done + CHUNK).min(count);
        let seed = done as f64 / count as f64;
        sqlx::query("select setseed($1)").bind(seed).execute(&mut conn).await?;
        sqlx::query(CHUNK_SQL)
            .bind(app_id)
            .bind(done + 1)
            .bind(last)
            .bind(distinct)
            .bind(PEOPLE)
            .execute(&mut conn)
            .await
            .context("loading conference instances")?;
        done = last;
        let seconds = started.elapsed().as_secs_f64();
        println!("  loaded {done} / {count} instances, {seconds:.0} s ({:.0} instances/s)", done as f64 / seconds);
    }
    let loaded = started.elapsed();
    sqlx::raw_sql("vacuum (analyze) conference_instances, endpoints").execute(&mut conn).await?;
    let (instances, endpoints, ids): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from conference_instances), (select count(*) from endpoints),
                (select count(distinct conference_id) from conference_instances)",
    )
    .fetch_one(&mut conn)
    .await?;
    println!(
        "loaded {instances} instances ({ids} distinct conferenceIDs) and {endpoints} endpoints in {:.1} s; \
         vacuum analyze {:.1} s more",
        loaded.as_secs_f64(),
        (started.elapsed() - loaded).as_secs_f64(),
    );
    conn.close().await?;
    Ok(())
}

/// Plays the demo's first showcase conference (a three-way mesh call,
/// stats every 10 s) for an hour over HTTP; returns the busiest fabric and
/// its instance, and how many stats rows it has.
pub async fn hour_long_call(url: &str, base: &str, app: &str, secret: SecretString) -> anyhow::Result<DemoFabric> {
    let started = Instant::now();
    let collector = Collector::new(base, app, secret)?;
    let summary = demo::run(Arc::new(collector), &Options { conferences: 1, minutes: 60, ..Options::default() })
        .await
        .context("playing the demo conference")?;
    let mut conn = PgConnection::connect(url).await?;
    sqlx::raw_sql("analyze").execute(&mut conn).await?;
    let fabric = demo_fabric(&mut conn).await?;
    conn.close().await?;
    println!(
        "played one demo conference over HTTP in {:.1} s: {} endpoints, {} fabrics, {} requests; \
         fabric {} has {} stats rows",
        started.elapsed().as_secs_f64(),
        summary.endpoints,
        summary.fabrics,
        summary.requests,
        fabric.fabric,
        fabric.samples,
    );
    Ok(fabric)
}

/// The fabric the benchmark charts, with its conference instance.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct DemoFabric {
    /// Conference instance id.
    pub conference: i64,
    /// Fabric id.
    pub fabric: i64,
    /// Stats rows of the fabric.
    pub samples: i64,
}

/// The fabric with the most stats rows; only the played conference has
/// fabrics (the SQL-loaded instances have none).
pub async fn demo_fabric(conn: &mut PgConnection) -> anyhow::Result<DemoFabric> {
    sqlx::query_as(
        "select f.instance_id as conference, f.id as fabric,
                (select count(*) from stats_samples s where s.fabric_id = f.id) as samples
           from fabrics f order by samples desc, f.id limit 1",
    )
    .fetch_optional(&mut *conn)
    .await?
    .context("no fabric: the demo conference was not played (run without --reuse once, with --keep)")
}

/// `count` random (conferenceID, instance id) pairs of `app_id`.
pub async fn random_ids(conn: &mut PgConnection, app_id: i64, count: usize) -> anyhow::Result<Vec<(String, i64)>> {
    let ids: Vec<(String, i64)> = sqlx::query_as(
        "select conference_id, id from conference_instances where app_id = $1 order by random() limit $2",
    )
    .bind(app_id)
    .bind(count as i64)
    .fetch_all(&mut *conn)
    .await?;
    anyhow::ensure!(!ids.is_empty(), "no conference instances to search for");
    Ok(ids)
}
