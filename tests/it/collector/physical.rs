//! Figures are finite and within physical bounds: an absurd one is refused
//! (422 naming it), and the largest accepted ones still summarise, so no
//! accepted sample can stop a conference from ending.

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, assert_invalid, header, with};

fn poll(tracks: Value, pairs: Value) -> Value {
    with(
        header("alice"),
        json!({ "connectionID": "pc-1", "remoteID": "bob", "stats": { "tracks": tracks, "candidatePairs": pairs } }),
    )
}

#[sqlx::test]
async fn huge_or_impossible_figures_are_refused_naming_them(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let track = |figure: &str, value: Value| {
        let mut track = json!({ "type": "inbound-rtp", "kind": "video", "ssrc": "1" });
        track[figure] = value;
        poll(json!([track]), json!([]))
    };
    let cases = [
        ("rtt", json!(1e308)),
        ("rtt", json!(600_001)),
        ("roundTripTime", json!(1e308)),
        ("jitter", json!(601)),
        ("framesPerSecond", json!(1e308)),
        ("framesPerSecond", json!(1000.5)),
        ("bitrate", json!(1e13)),
        ("fractionLost", json!(1.5)),
        ("packetsReceived", json!(1e20)),
        ("packetsReceived", json!(9_007_199_254_740_993_u64)),
        ("packetsLost", json!(-9_007_199_254_740_993_i64)),
        ("packetsSent", json!(-1)),
        ("frameWidth", json!(65_536)),
        ("frameHeight", json!(1.5)),
    ];
    for (figure, value) in cases {
        let response = collector.send(&alice, "stats", &track(figure, value.clone())).await;
        let field = format!("stats.tracks[0].{figure}");
        assert_invalid(response, 422, &field).await;
    }
    let pair = poll(json!([]), json!([{ "currentRoundTripTime": 1e308 }]));
    assert_invalid(collector.send(&alice, "stats", &pair).await, 422, "stats.candidatePairs[0].currentRoundTripTime")
        .await;

    let precall = with(header("alice"), json!({ "connectivity": true, "rtt": 1e308 }));
    assert_invalid(collector.send(&alice, "events/precalltest", &precall).await, 422, "rtt").await;
    let precall = with(header("alice"), json!({ "connectivity": true, "throughput": 1e10 }));
    assert_invalid(collector.send(&alice, "events/precalltest", &precall).await, 422, "throughput").await;
    let status = with(header("alice"), json!({ "statusStats": { "memoryUsage": 1e300 } }));
    assert_invalid(collector.send(&alice, "system/status", &status).await, 422, "statusStats.memoryUsage").await;
    let status = with(header("alice"), json!({ "statusStats": { "batteryLevel": 101 } }));
    assert_invalid(collector.send(&alice, "system/status", &status).await, 422, "statusStats.batteryLevel").await;
    let first = with(header("alice"), json!({ "connectionID": "pc-1", "ssrc": "1", "delay": 1e308 }));
    assert_invalid(collector.send(&alice, "events/media/firstframe", &first).await, 422, "delay").await;

    let stored: i64 = sqlx::query_scalar("select count(*) from stats_samples")
        .fetch_one(&collector.server.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0, "a refused poll stores nothing");
}

#[sqlx::test]
async fn the_largest_accepted_figures_still_summarise_when_the_conference_ends(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let largest = json!({
        "type": "inbound-rtp", "kind": "video", "ssrc": "1", "rtt": 600_000, "jitter": 600,
        "framesPerSecond": 1000, "bitrate": 1e12, "fractionLost": 1, "frameWidth": 65_535, "frameHeight": 65_535,
        "packetsReceived": 9_007_199_254_740_992_u64, "packetsLost": 9_007_199_254_740_992_u64,
        "packetsSent": 9_007_199_254_740_992_u64
    });
    for at in 0..3 {
        let mut body = poll(json!([largest]), json!([{ "currentRoundTripTime": 600 }]));
        body["timestamp"] = json!(body["timestamp"].as_f64().expect("timestamp") + f64::from(at));
        let response = collector.send(&alice, "stats", &body).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    }
    let response = collector.send(&alice, "events/user/left", &header("alice")).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    let summarized: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select summarized_at from conference_instances")
            .fetch_one(&collector.server.pool)
            .await
            .expect("instance");
    assert!(summarized.is_some(), "the conference was summarised");
}
