//! `callscope demo`'s scenario played over HTTP against the real server:
//! what it leaves in the store, read back with plain SQL.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use callscope::server::apps;
use callscope::server::audit::Actor;
use callscope::server::demo::{self, Collector, Options, PLANTED_ON, Plant, SHOWCASE_CONFERENCES, Summary};
use sqlx::{PgPool, Row};

use crate::collector::master_key;
use crate::common::TestApp;

/// Plays the showcase (one-minute calls) as a new app; returns its internal id.
async fn play_showcase(pool: &PgPool) -> (i64, Summary) {
    let server = TestApp::spawn(pool.clone()).await;
    let (app, secret) = apps::create(pool, &Actor::Cli, &master_key(), "Demo").await.expect("create app");
    let collector = Collector::new(&server.base, &app.public_id, secret.secret).expect("client");
    let options = Options { conferences: SHOWCASE_CONFERENCES, minutes: 1, ..Options::default() };
    let summary = demo::run(Arc::new(collector), &options).await.expect("the demo plays without a refused request");
    (app.id, summary)
}

async fn strings(pool: &PgPool, sql: &'static str, app_id: i64) -> Vec<String> {
    sqlx::query(sql).bind(app_id).fetch_all(pool).await.expect(sql).iter().map(|row| row.get::<String, _>(0)).collect()
}

async fn count(pool: &PgPool, sql: &'static str, app_id: i64) -> i64 {
    sqlx::query(sql).bind(app_id).fetch_one(pool).await.expect(sql).get(0)
}

#[sqlx::test]
async fn the_demo_leaves_every_showcase_case_in_the_store(pool: PgPool) {
    let (app_id, summary) = play_showcase(&pool).await;
    assert_eq!(summary.conferences, SHOWCASE_CONFERENCES);
    assert!(summary.requests > 500, "{summary:?}");

    // conferenceIDs byte-exact, the three case variants as three conferences,
    // the reused ID as two instances.
    let ids = strings(&pool, "select conference_id from conference_instances where app_id = $1", app_id).await;
    let mut instances: BTreeMap<&[u8], usize> = BTreeMap::new();
    for id in &ids {
        *instances.entry(id.as_bytes()).or_default() += 1;
    }
    for id in
        ["インターネット", "интернэт", "ອິນເຕີເນັດ", "Conf-Standup", "conf-standup", "CONF-STANDUP", "sales-2026-11-01"]
    {
        assert_eq!(instances.get(id.as_bytes()), Some(&1), "{id} in {ids:?}");
    }
    assert_eq!(instances.get("weekly-retro".as_bytes()), Some(&2), "{ids:?}");
    assert_eq!(ids.len(), SHOWCASE_CONFERENCES);
    let overlapping = count(
        &pool,
        "select count(*) from conference_instances a join conference_instances b
           on a.app_id = b.app_id and a.conference_id = b.conference_id and a.id < b.id
         where a.app_id = $1 and (a.ended_at is null or a.ended_at > b.started_at)",
        app_id,
    )
    .await;
    assert_eq!(overlapping, 0, "the reused ID's first instance ended before the second began");

    let named = "select count(*) from endpoints where app_id = $1 and user_name is not null and alias_name = user_id";
    assert!(count(&pool, named, app_id).await > 0, "userID objects are stored with the alias as userID");

    // The total failure: fabrics, and none of them ever set up.
    let total = strings(
        &pool,
        "select ci.conference_id from conference_instances ci join fabrics f on f.instance_id = ci.id
         where ci.app_id = $1 group by ci.conference_id
         having bool_and(f.setup_at is null and f.failed_at is not null)",
        app_id,
    )
    .await;
    assert_eq!(total, ["sales-2026-11-01"]);
}

#[sqlx::test]
async fn the_demo_reports_errors_feedback_and_lossy_stats(pool: PgPool) {
    let (app_id, _) = play_showcase(&pool).await;

    let functions = strings(
        &pool,
        "select distinct wrtc_func_name from reported_errors
         where app_id = $1 and (local_sdp is not null or wrtc_func_name in ('getUserMedia', 'applicationLog'))
           and (dom_error is not null or wrtc_func_name = 'applicationLog')",
        app_id,
    )
    .await;
    let functions: BTreeSet<&str> = functions.iter().map(String::as_str).collect();
    for function in ["createOffer", "setRemoteDescription", "iceConnectionFailure", "getUserMedia", "applicationLog"] {
        assert!(functions.contains(function), "no {function} error with its DOM error and SDP: {functions:?}");
    }
    let pc_less = "select count(*) from reported_errors where app_id = $1 and wrtc_func_name = 'getUserMedia'
                   and fabric_id is null";
    assert!(count(&pool, pc_less, app_id).await > 0, "getUserMedia errors have no fabric");
    let truncated = "select count(*) from reported_errors where app_id = $1 and wrtc_func_name = 'applicationLog'
                     and truncated and octet_length(message) between 20000 and 20480";
    assert_eq!(count(&pool, truncated, app_id).await, 1, "the long application log is cut to 20 KB");

    let ratings = strings(
        &pool,
        "select distinct kind || ' ' || rating from feedback,
           lateral (values ('overall', overall_rating), ('audio', audio_rating), ('video', video_rating),
                           ('screen', screen_rating)) as given (kind, rating)
         where app_id = $1 and rating is not null",
        app_id,
    )
    .await;
    assert_eq!(ratings.len(), 4 * 5, "every rating 1..5 of every kind: {ratings:?}");

    let lossy = "select count(*) from stats_samples s join fabrics f on f.id = s.fabric_id
                   join conference_instances ci on ci.id = f.instance_id
                 where ci.app_id = $1 and s.report_type = stats_code('report_type', 'track')
                   and s.fraction_lost > 0.1 and s.packets_lost > 0 and s.jitter_ms > 0";
    assert!(count(&pool, lossy, app_id).await > 0, "some samples show a loss burst");

    let kinds = strings(
        &pool,
        "select distinct kind from fabric_events fe join endpoints e on e.id = fe.endpoint_id where e.app_id = $1",
        app_id,
    )
    .await;
    for kind in ["fabricSetup", "fabricSetupFailed", "fabricTerminated", "fabricHold", "screenShareStart", "audioMute"]
    {
        assert!(kinds.iter().any(|seen| seen == kind), "no {kind} event: {kinds:?}");
    }
    let labels = "select count(distinct s.usage_label) from ssrc_maps s join fabrics f on f.id = s.fabric_id
                  join endpoints e on e.id = f.endpoint_id where e.app_id = $1";
    assert_eq!(count(&pool, labels, app_id).await, 3, "microphone, camera and screen usage labels");
}

#[sqlx::test]
async fn the_demo_plants_each_issue_and_the_detectors_find_exactly_it(pool: PgPool) {
    let (app_id, _) = play_showcase(&pool).await;
    for plant in Plant::ALL {
        // Every issue of the call: its kind, whether it is on the planted
        // person's connection (and about them), and within the call.
        let rows = sqlx::query(
            "with ci as (select * from conference_instances where app_id = $1 and conference_id = $2),
                  planted as (select e.id, e.user_id from endpoints e, ci where e.instance_id = ci.id
                               order by e.joined_at, e.id offset $3 limit 1)
             select fi.kind,
                    f.endpoint_id = (select id from planted) and fi.who = (select user_id from planted) as on_planted,
                    fi.started_at >= ci.started_at and fi.ended_at <= coalesce(ci.ended_at, ci.last_activity_at)
                        as in_call
               from fabric_issues fi join ci on ci.id = fi.instance_id left join fabrics f on f.id = fi.fabric_id
              order by fi.kind",
        )
        .bind(app_id)
        .bind(plant.conference_id())
        .bind(PLANTED_ON as i64)
        .fetch_all(&pool)
        .await
        .expect("issues");
        let found: Vec<(String, bool, bool)> =
            rows.iter().map(|row| (row.get("kind"), row.get("on_planted"), row.get("in_call"))).collect();
        let expected: Vec<(String, bool, bool)> =
            plant.expected().iter().map(|kind| ((*kind).to_owned(), true, true)).collect();
        assert_eq!(found, expected, "{}: exactly the planted issues, on the planted connection", plant.conference_id());
    }
}
