//! Bounded work per request: a fabric with tens of thousands of samples and
//! a conference with sixty large errors still make small pages, the
//! SDPs and logs are read on demand (names only for roles that see them),
//! and the dashboard's queries run under a statement_timeout.

use std::time::Duration;

use callscope::domain::Role;
use callscope::server::charts::MAX_POINTS;
use callscope::server::db::dashboard::{self, series};
use callscope::server::{AppError, db};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::Demo;
use crate::common::{TestApp, test_config};

/// A name only support and admins may see.
const SECRET_NAME: &str = "Ottoline Q. Secretname";

/// The demo's first fabric with its instance, endpoint and time range.
async fn a_fabric(pool: &PgPool) -> (i64, i64, Uuid, DateTime<Utc>, DateTime<Utc>) {
    sqlx::query_as(
        "select f.instance_id, f.id, f.endpoint_id, f.added_at,
                coalesce(f.terminated_at, ci.ended_at, ci.last_activity_at)
           from fabrics f join conference_instances ci on ci.id = f.instance_id order by f.id limit 1",
    )
    .fetch_one(pool)
    .await
    .expect("a fabric")
}

/// Polyline points of one chart.
fn points(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .map(|line| line.split("points=\"").nth(1).and_then(|p| p.split('"').next()).unwrap_or_default())
        .map(|points| points.split_whitespace().count())
        .sum()
}

/// The chart images of a fabric page: each figure's `<img src>`.
fn chart_sources(html: &str) -> Vec<String> {
    html.split("<figure")
        .skip(1)
        .filter(|figure| figure.split('>').next().is_some_and(|tag| tag.contains("class=\"chart\"")))
        .filter_map(|figure| {
            let figure = figure.split("</figure>").next()?;
            let src = figure.split("<img").nth(1)?.split("src=\"").nth(1)?.split('"').next()?;
            Some(src.replace("&amp;", "&"))
        })
        .collect()
}

#[sqlx::test]
async fn a_fabric_with_many_samples_is_charted_from_bounded_buckets(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (instance, fabric, _, from, to) = a_fabric(&pool).await;
    let count: i64 = 80_000;
    // Four streams, samples evenly over the fabric's life: every bucket
    // holds more than it reads. (The envelope of a bucket within its limit
    // is unit-tested in reports::fabric_series.)
    sqlx::query(
        "insert into stats_samples (sampled_at, fabric_id, stat_key, report_type, direction, media_kind,
                                    ssrc, rtt_ms, jitter_ms, packets_lost, packets_received, bitrate_bps)
         select $2 + ($3 - $2) * (i::float8 / $4), $1, 'flood-' || i, stats_code('report_type', 'track'),
                stats_code('direction', case when i % 2 = 0 then 'inbound' else 'outbound' end),
                stats_code('media_kind', 'audio'), 7000 + i % 4,
                20 + i % 50, 3, i / 100, i, 64000
           from generate_series(0, $4 - 1) i",
    )
    .bind(fabric)
    .bind(from)
    .bind(to)
    .bind(count)
    .execute(&pool)
    .await
    .expect("flood the fabric");

    let bounds = series::Bounds {
        start: from,
        width: (to - from) / 200 + chrono::TimeDelta::milliseconds(1),
        buckets: 200,
        rows_per_bucket: 256,
        streams: 12,
    };
    let buckets = series::buckets(&pool, fabric, bounds).await.expect("buckets");
    assert!(buckets.len() <= 12 * 200, "{} rows for at most 12 streams × 200 buckets", buckets.len());
    let read: i64 = buckets.iter().map(|b| b.samples).sum();
    assert!(read <= 200 * 256 && read < count, "{read} of {count} samples read");
    // The last bucket reaches past the fabric's end and holds fewer samples.
    let full = buckets.iter().filter(|b| b.full).count();
    assert!(full * 2 > buckets.len(), "{full} of {} bucket rows marked as read only in part", buckets.len());

    let (_, admin) = demo.user(Role::Admin).await;
    let response = demo.server.page(&admin, &format!("/conferences/{instance}/fabrics/{fabric}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("page");
    assert!(html.len() < 300_000, "the fabric page is {} bytes", html.len());
    // Each chart is sent once, as an image of its own: the page (and the
    // hydration data in it) carries no drawing.
    assert!(!html.contains("<polyline"), "the page carries a chart's drawing");
    let sources = chart_sources(&html);
    assert!(sources.len() >= 3, "RTT, jitter, bitrate at least: {sources:?}");
    for source in sources {
        let response = demo.server.page(&admin, &source).await;
        assert_eq!(response.status(), 200, "{source}");
        assert_eq!(response.headers()["content-type"], "image/svg+xml", "{source}");
        let svg = response.text().await.expect("chart");
        assert!(svg.starts_with("<svg") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""), "{source}");
        assert!((1..=MAX_POINTS).contains(&points(&svg)), "{source}: {} points", points(&svg));
    }
}

#[sqlx::test]
async fn a_chart_image_is_shown_only_to_who_may_see_its_fabric(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (instance, fabric, ..) = a_fabric(&pool).await;
    let server = &demo.server;
    let (_, engineer) = demo.user(Role::Engineer).await;
    let html = server.page(&engineer, &format!("/conferences/{instance}/fabrics/{fabric}")).await.text().await;
    let source = chart_sources(&html.expect("page")).into_iter().next().expect("a chart");
    assert_eq!(server.page(&engineer, &source).await.status(), 200, "{source}");

    let signed_out = server.new_client().get(server.url(&source)).send().await.expect("chart");
    assert_eq!(signed_out.status(), 401, "signed out");
    server.create_user("outsider@example.test", Role::Engineer, "a long enough password").await;
    let outsider = server.new_client();
    server.sign_in(&outsider, "outsider@example.test", "a long enough password").await;
    assert_eq!(server.page(&outsider, &source).await.status(), 404, "an app not granted");
    let figure = source.split("/charts/").nth(1).expect("a figure");
    for path in [
        format!("/conferences/{}/fabrics/{fabric}/charts/{figure}", instance + 1000),
        format!("/conferences/{instance}/fabrics/{fabric}/charts/no-such-figure"),
        format!("/conferences/{instance}/fabrics/{}/charts/{figure}", fabric + 1000),
    ] {
        assert_eq!(server.page(&engineer, &path).await.status(), 404, "{path}");
    }
}

/// Sixty errors with 256 KB SDPs and a 20 KB log each on the endpoint of
/// `fabric`, whose user gets a private name; returns their ids.
async fn sixty_large_errors(pool: &PgPool, app_id: i64, fabric: i64, endpoint: Uuid) -> Vec<i64> {
    sqlx::query("update endpoints set user_name = $2 where id = $1")
        .bind(endpoint)
        .bind(SECRET_NAME)
        .execute(pool)
        .await
        .expect("name the user");
    sqlx::query_scalar(
        "insert into reported_errors (endpoint_id, fabric_id, app_id, wrtc_func_name, dom_error, message,
                                      local_sdp, remote_sdp, occurred_at)
         select $1, $2, $3, 'setRemoteDescription',
                jsonb_build_object('name', 'InvalidStateError', 'message', 'PREVIEW-START ' || i),
                'LOG-START ' || repeat('x', 20000) || ' LOG-TAIL',
                'v=0 LOCAL-SDP-BODY ' || repeat('a=candidate:1 1 udp 1 10.0.0.1 9 typ host ', 6000),
                'v=0 REMOTE-SDP-BODY ' || repeat('a=candidate:2 1 udp 1 10.0.0.2 9 typ host ', 6000),
                now() + i * interval '1 millisecond'
           from generate_series(1, 60) i
         returning id",
    )
    .bind(endpoint)
    .bind(fabric)
    .bind(app_id)
    .fetch_all(pool)
    .await
    .expect("sixty errors")
}

#[sqlx::test]
async fn a_conference_with_sixty_large_errors_lists_previews_without_sdps(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (instance, fabric, endpoint, ..) = a_fabric(&pool).await;
    let ids = sixty_large_errors(&pool, demo.app_id, fabric, endpoint).await;
    let (_, admin) = demo.user(Role::Admin).await;
    for path in [format!("/conferences/{instance}"), format!("/conferences/{instance}/fabrics/{fabric}")] {
        let response = demo.server.page(&admin, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("page");
        assert!(html.len() <= 500_000, "{path} is {} bytes", html.len());
        assert!(html.contains("PREVIEW-START 60") && html.contains("LOG-START"), "{path} lacks the previews");
        assert!(!html.contains("SDP-BODY") && !html.contains("LOG-TAIL"), "{path} inlines SDPs or whole logs");
        assert!(html.contains(&format!("href=\"/conferences/{instance}/errors/{}\"", ids[0])), "no link to the error");
    }
}

#[sqlx::test]
async fn an_error_page_shows_the_sdps_and_log_and_names_only_to_support_and_admin(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (instance, fabric, endpoint, ..) = a_fabric(&pool).await;
    let ids = sixty_large_errors(&pool, demo.app_id, fabric, endpoint).await;
    let sdp: i64 = sqlx::query_scalar(
        "insert into sdps (fabric_id, local_sdp, remote_sdp, reported_at)
         values ($1, 'v=0 SNAPSHOT-LOCAL', 'v=0 SNAPSHOT-REMOTE', now()) returning id",
    )
    .bind(fabric)
    .fetch_one(&pool)
    .await
    .expect("a snapshot");
    let error_page = format!("/conferences/{instance}/errors/{}", ids[0]);
    let sdp_page = format!("/conferences/{instance}/fabrics/{fabric}/sdps/{sdp}");
    let mut clients = Vec::new();
    for role in [Role::Admin, Role::Support, Role::Engineer] {
        let (_, client) = demo.user(role).await;
        clients.push(client.clone());
        let html = demo.server.page(&client, &error_page).await.text().await.expect("error page");
        for part in ["LOCAL-SDP-BODY", "REMOTE-SDP-BODY", "LOG-TAIL", "PREVIEW-START 1"] {
            assert!(html.contains(part), "{role:?} does not see {part}");
        }
        let snapshot = demo.server.page(&client, &sdp_page).await.text().await.expect("sdp page");
        assert!(snapshot.contains("SNAPSHOT-LOCAL") && snapshot.contains("SNAPSHOT-REMOTE"), "{role:?}");
        let answer = client
            .post(demo.server.url("/api/get_error_detail"))
            .form(&[("conference", instance.to_string()), ("error", ids[0].to_string())])
            .send()
            .await
            .expect("get_error_detail");
        assert_eq!(answer.status(), 200);
        let json = answer.text().await.expect("json");
        let named = [html.as_str(), snapshot.as_str(), json.as_str()].iter().any(|body| body.contains(SECRET_NAME));
        assert_eq!(named, role != Role::Engineer, "{role:?} and the name {SECRET_NAME:?}");
    }
    // An error is found only through the conference it was reported in.
    let other: i64 = sqlx::query_scalar("select id from conference_instances where id <> $1 and app_id = $2 limit 1")
        .bind(instance)
        .bind(demo.app_id)
        .fetch_one(&pool)
        .await
        .expect("another conference");
    let response = demo.server.page(&clients[0], &format!("/conferences/{other}/errors/{}", ids[0])).await;
    assert_eq!(response.status(), 404, "an error looked up through another conference");
}

#[sqlx::test]
async fn dashboard_connections_carry_the_statement_timeout(pool: PgPool) {
    let dashboard = dashboard::pool(&pool, Duration::from_millis(150));
    let setting: String = sqlx::query_scalar("show statement_timeout").fetch_one(&dashboard).await.expect("show");
    assert_eq!(setting, "150ms");
    let slow = sqlx::query("select pg_sleep(2)").execute(&dashboard).await.expect_err("cancelled");
    assert!(matches!(AppError::from(slow), AppError::ServiceUnavailable), "a timed-out read is a 503");
    let unlimited: String = sqlx::query_scalar("show statement_timeout").fetch_one(&pool).await.expect("show");
    assert_eq!(unlimited, "0", "the collector's pool is not limited");
    db::ping(&pool).await.expect("the main pool still answers");
}

#[sqlx::test]
async fn a_page_whose_query_runs_too_long_answers_503(pool: PgPool) {
    let mut config = test_config();
    config.dashboard_statement_timeout = Duration::from_millis(300);
    let server = TestApp::spawn_with(config, pool.clone()).await;
    server.create_user("admin@example.test", Role::Admin, "a long enough password").await;
    let client = server.new_client();
    server.sign_in(&client, "admin@example.test", "a long enough password").await;
    // A read that waits on a lock is as slow as a read that scans too much.
    let mut lock = pool.begin().await.expect("begin");
    sqlx::query("lock table conference_instances in access exclusive mode").execute(&mut *lock).await.expect("lock");
    let started = std::time::Instant::now();
    let response = server.page(&client, "/conferences/1").await;
    assert_eq!(response.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(10), "answered after {:?}", started.elapsed());
    assert!(response.text().await.expect("page").contains("took too long"));
    lock.rollback().await.expect("rollback");
    assert_eq!(server.page(&client, "/conferences/1").await.status(), 404, "the same read works again");
}
