//! The summary written when a conference instance ends: failure group,
//! counts, setup delays, duration, errors and the worst stream's quality,
//! played through the real collector.

use callscope::domain::quality::{self, MediaKind, StreamFigures};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgPool, Row};

use crate::collector::{Collector, Joined, header, now_ms, with};

/// Sends `body` to `suffix` and asserts it was accepted.
pub async fn send(collector: &Collector, joined: &Joined, suffix: &str, body: &Value) {
    let response = collector.send(joined, suffix, body).await;
    let status = response.status();
    let answer: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{suffix}: {answer}");
}

/// Joins `conf` as `user` with the client clock at `at` (ms).
async fn join_at(collector: &Collector, conf: &str, user: &str, at: f64) -> Joined {
    let token = collector.authenticate(user).await;
    let body = with(
        header(user),
        json!({ "timestamp": at, "endpointInfo": { "type": "browser", "name": "Chrome", "os": "Linux" } }),
    );
    let response = collector.post(&token, &collector.conference_url(&collector.app_id, conf, &[]), &body).await;
    let answer: Value = response.json().await.expect("json");
    let uc_id = answer["ucID"].as_str().unwrap_or_else(|| panic!("join: {answer}")).to_owned();
    Joined { token, conf: conf.to_owned(), uc_id, user: user.to_owned() }
}

/// A fabricSetup / fabricSetupFailed / fabricTerminated of `connection`.
pub async fn fabric_event(collector: &Collector, joined: &Joined, connection: &str, event: &str, extra: Value) {
    let body = with(
        with(header(&joined.user), json!({ "remoteID": "peer", "connectionID": connection, "eventType": event })),
        extra,
    );
    send(collector, joined, "events/fabric", &body).await;
}

async fn leave_at(collector: &Collector, joined: &Joined, at: f64) {
    send(collector, joined, "events/user/left", &with(header(&joined.user), json!({ "timestamp": at }))).await;
}

pub async fn leave(collector: &Collector, joined: &Joined) {
    leave_at(collector, joined, now_ms()).await;
}

/// One getStats() poll of `connection` measured at `at` (ms).
pub async fn stats(collector: &Collector, joined: &Joined, connection: &str, at: f64, tracks: Value, pairs: Value) {
    let body = with(
        header(&joined.user),
        json!({ "connectionID": connection, "remoteID": "peer",
                "stats": { "timestamp": at, "tracks": tracks, "candidatePairs": pairs } }),
    );
    send(collector, joined, "stats", &body).await;
}

pub async fn instance_of(pool: &PgPool, joined: &Joined) -> i64 {
    sqlx::query_scalar("select instance_id from endpoints where id = $1::uuid")
        .bind(&joined.uc_id)
        .fetch_one(pool)
        .await
        .expect("endpoint")
}

/// The summary columns of an instance.
#[derive(Debug)]
struct Summary {
    status: String,
    end_reason: Option<String>,
    summarized: bool,
    duration_ms: Option<i64>,
    participants: Option<i32>,
    endpoints: Option<i32>,
    fabrics: Option<i32>,
    set_up: Option<i32>,
    failed: Option<i32>,
    delays: (Option<i32>, Option<i32>, Option<i32>),
    failure_group: Option<String>,
    error_count: i32,
    quality_score: Option<f64>,
    extras: Value,
}

async fn summary(pool: &PgPool, joined: &Joined) -> Summary {
    let row = sqlx::query(
        "select status, end_reason, summarized_at is not null as summarized, duration_ms, participant_count,
                endpoint_count, fabric_count, fabrics_setup_count, fabrics_failed_count, setup_delay_min_ms,
                setup_delay_median_ms, setup_delay_max_ms, failure_group, error_count, quality_score, summary
         from conference_instances where id = $1",
    )
    .bind(instance_of(pool, joined).await)
    .fetch_one(pool)
    .await
    .expect("instance");
    Summary {
        status: row.get("status"),
        end_reason: row.get("end_reason"),
        summarized: row.get("summarized"),
        duration_ms: row.get("duration_ms"),
        participants: row.get("participant_count"),
        endpoints: row.get("endpoint_count"),
        fabrics: row.get("fabric_count"),
        set_up: row.get("fabrics_setup_count"),
        failed: row.get("fabrics_failed_count"),
        delays: (row.get("setup_delay_min_ms"), row.get("setup_delay_median_ms"), row.get("setup_delay_max_ms")),
        failure_group: row.get("failure_group"),
        error_count: row.get("error_count"),
        quality_score: row.get("quality_score"),
        extras: row.get("summary"),
    }
}

fn audio_score(rtt_ms: f64, jitter_ms: f64, loss_fraction: f64) -> f64 {
    let figures = StreamFigures {
        rtt_ms: Some(rtt_ms),
        jitter_ms: Some(jitter_ms),
        loss_fraction: Some(loss_fraction),
        media_kind: MediaKind::Audio,
        frame_rate: None,
        frame_height: None,
    };
    quality::score(&figures).expect("measured")
}

fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a score");
    assert!((actual - expected).abs() < 1e-9, "{actual} is not {expected}");
}

#[sqlx::test]
async fn a_conference_whose_fabrics_all_failed_is_a_total_failure(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("room", "alice").await;
    let bob = collector.join("room", "bob").await;
    let failed = json!({ "delay": 2500, "reason": "TransportFailure" });
    fabric_event(&collector, &alice, "a-b", "fabricSetupFailed", failed.clone()).await;
    fabric_event(&collector, &bob, "b-a", "fabricSetupFailed", failed).await;

    leave(&collector, &alice).await;
    let live = summary(pool, &alice).await;
    assert_eq!((live.status.as_str(), live.summarized, live.failure_group), ("live", false, None));

    leave(&collector, &bob).await;
    let ended = summary(pool, &alice).await;
    assert_eq!(
        (ended.status.as_str(), ended.end_reason.as_deref(), ended.summarized),
        ("ended", Some("allLeft"), true)
    );
    assert_eq!(ended.failure_group.as_deref(), Some("totalFailure"));
    assert_eq!((ended.fabrics, ended.set_up, ended.failed), (Some(2), Some(0), Some(2)));
    assert_eq!(ended.delays, (None, None, None), "no fabric was set up");
    assert_eq!((ended.participants, ended.endpoints), (Some(2), Some(2)));
    assert_eq!(ended.quality_score, None, "no stats, no score");
    assert_eq!(ended.extras["worstStream"], Value::Null);
}

#[sqlx::test]
async fn some_fabrics_set_up_and_some_failed_is_a_partial_failure(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("room", "alice").await;
    fabric_event(&collector, &alice, "pc-1", "fabricSetup", json!({ "delay": 150 })).await;
    fabric_event(&collector, &alice, "pc-2", "fabricSetupFailed", json!({ "reason": "NegotiationFailure" })).await;
    // Failed first, then set up after all (ICE restart): it counts as set up.
    fabric_event(&collector, &alice, "pc-3", "fabricSetupFailed", json!({})).await;
    fabric_event(&collector, &alice, "pc-3", "fabricSetup", json!({ "delay": 350 })).await;

    fabric_event(&collector, &alice, "pc-1", "fabricTerminated", json!({})).await;
    assert!(!summary(pool, &alice).await.summarized, "pc-3 is still set up");
    fabric_event(&collector, &alice, "pc-3", "fabricTerminated", json!({})).await;

    let ended = summary(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.end_reason.as_deref()), ("ended", Some("fabricsEnded")));
    assert!(ended.summarized);
    assert_eq!(ended.failure_group.as_deref(), Some("partialFailure"));
    assert_eq!((ended.fabrics, ended.set_up, ended.failed), (Some(3), Some(2), Some(1)));
    // The median of an even count is the lower middle value (percentile_disc).
    assert_eq!(ended.delays, (Some(150), Some(150), Some(350)));
}

#[sqlx::test]
async fn a_conference_without_failures_keeps_its_counts_delays_and_duration(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 120_000.0;
    let alice = join_at(&collector, "room", "alice", t0).await;
    let bob = join_at(&collector, "room", "bob", t0 + 1000.0).await;
    // The same user in a second tab: one more endpoint, not one more participant.
    let alice_tab = join_at(&collector, "room", "alice", t0 + 2000.0).await;
    for (joined, connection, delay) in
        [(&alice, "a-b", 400), (&bob, "b-a", 100), (&alice_tab, "a2-b", 300), (&alice_tab, "a2-c", 250)]
    {
        fabric_event(&collector, joined, connection, "fabricSetup", json!({ "delay": delay })).await;
    }

    leave_at(&collector, &alice, t0 + 30_000.0).await;
    leave_at(&collector, &bob, t0 + 45_000.0).await;
    leave_at(&collector, &alice_tab, t0 + 90_000.0).await;

    let ended = summary(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.summarized), ("ended", true));
    assert_eq!(ended.failure_group, None);
    assert_eq!(ended.duration_ms, Some(90_000), "from the first join to the last leave");
    assert_eq!((ended.participants, ended.endpoints), (Some(2), Some(3)));
    assert_eq!((ended.fabrics, ended.set_up, ended.failed), (Some(4), Some(4), Some(0)));
    assert_eq!(ended.delays, (Some(100), Some(250), Some(400)));
    assert_eq!(ended.error_count, 0);
    assert_eq!(ended.extras["failuresByFunction"], json!({}));
}

#[sqlx::test]
async fn heavy_loss_scores_lower_than_clean_stats_and_names_the_worst_stream(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let now = now_ms();

    let alice = collector.join("clean", "alice").await;
    for at in [now - 20_000.0, now - 10_000.0] {
        let tracks = json!([
            { "id": "in-audio", "type": "inbound-rtp", "kind": "audio", "ssrc": 1111, "jitter": 0.005,
              "fractionLost": 0 },
            { "id": "out-video", "type": "outbound-rtp", "kind": "video", "ssrc": 2222, "roundTripTime": 0.05,
              "framesPerSecond": 30, "frameHeight": 720 }
        ]);
        stats(&collector, &alice, "pc-1", at, tracks, json!([{ "id": "CP1", "currentRoundTripTime": 0.05 }])).await;
    }
    // Hours before the conference began: outside the instance, not counted.
    let stale =
        json!([{ "id": "in-audio", "type": "inbound-rtp", "kind": "audio", "ssrc": 1111, "fractionLost": 0.9 }]);
    stats(&collector, &alice, "pc-1", now - 3.0 * 3_600_000.0, stale, json!([])).await;
    leave(&collector, &alice).await;

    let bob = collector.join("lossy", "bob").await;
    let polls = [(now - 20_000.0, 0.02, 20, 480, 0.2), (now - 10_000.0, 0.04, 100, 900, 0.3)];
    for (at, jitter, lost, received, rtt) in polls {
        let tracks = json!([
            { "id": "in-audio", "type": "inbound-rtp", "kind": "audio", "ssrc": 3333, "jitter": jitter,
              "packetsLost": lost, "packetsReceived": received },
            { "id": "remote-in-audio", "type": "remote-inbound-rtp", "kind": "audio", "ssrc": 4444,
              "roundTripTime": rtt, "fractionLost": 0 }
        ]);
        stats(&collector, &bob, "pc-1", at, tracks, json!([{ "id": "CP1", "currentRoundTripTime": rtt }])).await;
    }
    leave(&collector, &bob).await;

    let clean = summary(pool, &alice).await;
    // Worst of the two: the audio (RTT from the candidate pair, 5 ms jitter)
    // scores below the smooth 720p video on the same 50 ms RTT.
    assert_close(clean.quality_score, audio_score(50.0, 5.0, 0.0));
    assert_eq!(clean.extras["worstStream"]["ssrc"], 1111);

    let lossy = summary(pool, &bob).await;
    // RTT 250 ms (mean of the pair's), jitter 30 ms (mean), loss 100 / (100 + 900).
    assert_close(lossy.quality_score, audio_score(250.0, 30.0, 0.1));
    let fabric: i64 = sqlx::query_scalar("select id from fabrics where endpoint_id = $1::uuid")
        .bind(&bob.uc_id)
        .fetch_one(pool)
        .await
        .expect("fabric");
    let worst = &lossy.extras["worstStream"];
    assert_eq!((worst["fabricId"].as_i64(), worst["ssrc"].as_i64()), (Some(fabric), Some(3333)));
    assert_eq!((worst["direction"].as_str(), worst["mediaKind"].as_str()), (Some("inbound"), Some("audio")));
    assert_close(worst["score"].as_f64(), audio_score(250.0, 30.0, 0.1));

    // Each fabric scores as its worst stream: here the conference's worst.
    let fabric_score: Option<f64> = sqlx::query_scalar("select quality_score from fabrics where id = $1")
        .bind(fabric)
        .fetch_one(pool)
        .await
        .expect("fabric score");
    assert_close(fabric_score, audio_score(250.0, 30.0, 0.1));

    let (clean, lossy) = (clean.quality_score.expect("score"), lossy.quality_score.expect("score"));
    assert!(lossy < clean - 1.0, "lossy {lossy} vs clean {clean}");
}

#[sqlx::test]
async fn application_logs_are_not_counted_as_errors(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("room", "alice").await;
    let error = |function: &str, connection: Option<&str>| {
        with(
            header("alice"),
            json!({ "wrtcFuncName": function, "connectionID": connection, "remoteID": "peer",
                    "domError": { "name": "OperationError", "message": "failed" }, "message": "a log line" }),
        )
    };
    for body in [
        error("createOffer", Some("pc-1")),
        error("createOffer", Some("pc-1")),
        error("getUserMedia", None),
        error("applicationLog", Some("pc-1")),
        error("applicationLog", None),
        error("applicationLog", None),
    ] {
        send(&collector, &alice, "events/error", &body).await;
    }
    // The summary recounts, whatever the live counter says by then.
    sqlx::query("update conference_instances set error_count = 0").execute(pool).await.expect("reset");
    leave(&collector, &alice).await;

    let ended = summary(pool, &alice).await;
    assert_eq!(ended.error_count, 3);
    assert_eq!(ended.extras["failuresByFunction"], json!({ "createOffer": 2, "getUserMedia": 1 }));
    assert_eq!(ended.failure_group.as_deref(), Some("totalFailure"), "pc-1 was never set up");
}

#[sqlx::test]
async fn the_summary_keeps_other_extras_and_the_instance_times(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("room", "alice").await;
    sqlx::query("update conference_instances set summary = '{\"note\": 1}'").execute(pool).await.expect("extra");
    leave(&collector, &alice).await;
    let ended = summary(pool, &alice).await;
    assert_eq!(ended.extras["note"], 1, "extras written by others survive");
    assert_eq!((ended.fabrics, ended.failure_group), (Some(0), None), "no fabric is no failure");
    let (started, ended_at): (DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("select started_at, ended_at from conference_instances").fetch_one(pool).await.expect("times");
    assert_eq!(ended.duration_ms, Some((ended_at - started).num_milliseconds()));
}

/// Stores `rows` samples of `joined`'s fabric `connection` straight in the
/// table, as rows the collector accepted before it refused non-physical
/// figures are: a track of `ssrc` (inbound audio) and a candidate pair,
/// each with `figure` as RTT, jitter and frame rate, and counters at their
/// largest.
pub async fn store_samples_directly(pool: &PgPool, joined: &Joined, connection: &str, ssrc: i64, figures: &[&str]) {
    for (n, figure) in figures.iter().enumerate() {
        sqlx::query(
            "insert into stats_samples (sampled_at, fabric_id, stat_key, report_type, direction, media_kind,
                                        ssrc, rtt_ms, jitter_ms, frame_rate, packets_lost, packets_received,
                                        packets_sent)
             select now() - make_interval(secs => $3), f.id, kind || '-poison', stats_code('report_type', kind),
                    case when kind = 'track' then 1 end, case when kind = 'track' then 1 end,
                    case when kind = 'track' then $4 end, stats_real($5::text::float8),
                    stats_real($5::text::float8), stats_real($5::text::float8),
                    2147483647, 2147483647, 2147483647 -- the largest counters the columns hold (0023)
               from fabrics f join conference_instances ci on ci.id = f.instance_id,
                    unnest(array['track', 'candidatePair']) as kind
              where f.endpoint_id = $1::uuid and f.connection_id = $2",
        )
        .bind(&joined.uc_id)
        .bind(connection)
        .bind(n as f64 + 0.5)
        .bind(ssrc)
        .bind(figure)
        .execute(pool)
        .await
        .expect("poison samples");
    }
}

#[sqlx::test]
async fn stored_figures_no_network_produces_are_left_out_of_the_summary(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let now = now_ms();
    let alice = collector.join("poisoned", "alice").await;
    for at in [now - 20_000.0, now - 10_000.0] {
        let tracks = json!([{ "id": "in-audio", "type": "inbound-rtp", "kind": "audio", "ssrc": 1111,
                              "jitter": 0.005, "fractionLost": 0 }]);
        stats(&collector, &alice, "pc-1", at, tracks, json!([{ "id": "CP1", "currentRoundTripTime": 0.05 }])).await;
    }
    // Two 1e308 overflowed `avg` ("value out of range: overflow"): the
    // user/left that ended the conference answered 500, and every later
    // summary of it failed too.
    store_samples_directly(pool, &alice, "pc-1", 1111, &["1e308", "1e308", "NaN", "Infinity", "1.7e308"]).await;

    leave(&collector, &alice).await;
    let ended = summary(pool, &alice).await;
    assert_eq!((ended.status.as_str(), ended.summarized), ("ended", true));
    // Only the figures the client measured count: 50 ms RTT, 5 ms jitter.
    assert_close(ended.quality_score, audio_score(50.0, 5.0, 0.0));
    assert_eq!(ended.extras["worstStream"]["ssrc"], 1111);
}
