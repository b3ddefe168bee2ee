//! Stats submission: stored samples with their figures extracted, and
//! bad figures refused naming the object and field.

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
async fn a_poll_is_stored_with_its_figures_in_columns_and_what_nothing_reads_is_dropped(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let body = poll(
        json!([
            { "id": "IT01A1234", "type": "inbound-rtp", "kind": "audio", "ssrc": "1234", "jitter": 0.012,
              "packetsLost": 7, "packetsReceived": 480, "fractionLost": 0.05, "bitrate": 32000, "bytesReceived": 9000 },
            { "type": "outbound-rtp", "kind": "video", "ssrc": 5678, "framesPerSecond": 30, "frameWidth": 1280,
              "frameHeight": 720, "packetsSent": 900, "roundTripTime": 0.08 }
        ]),
        json!([{ "id": "CP1", "currentRoundTripTime": 0.041, "state": "succeeded" }]),
    );
    let response = collector.send(&alice, "stats", &body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("json"), json!({ "status": "success", "msg": "stats received" }));

    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<f64>,
        Option<f64>,
        Option<i32>,
        Option<f64>,
        Option<i32>,
        Value,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select stat_key, stats_name('report_type', report_type), stats_name('direction', direction),
                stats_name('media_kind', media_kind), ssrc, rtt_ms::float8, jitter_ms::float8, packets_lost,
                bitrate_bps::float8, frame_height,
                to_jsonb(s) - array['sampled_at', 'fabric_id', 'stat_key', 'poll_objects']
         from stats_samples s order by report_type, stat_key",
    )
    .fetch_all(&collector.server.pool)
    .await
    .expect("samples");
    assert_eq!(rows.len(), 3);
    let audio = &rows[0];
    assert_eq!(
        (audio.0.as_str(), audio.2.as_deref(), audio.3.as_deref(), audio.4),
        ("IT01A1234", Some("inbound"), Some("audio"), Some(1234))
    );
    assert!((audio.6.expect("jitter") - 12.0).abs() < 1e-9, "jitter in ms");
    assert_eq!((audio.7, audio.8), (Some(7), Some(32000.0)));
    let stored: serde_json::Map<String, Value> = audio
        .10
        .as_object()
        .expect("row")
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(
        Value::Object(stored),
        json!({ "report_type": 1, "stats_type": 1, "direction": 1, "media_kind": 1, "ssrc": 1234, "jitter_ms": 12,
                "packets_lost": 7, "packets_received": 480, "fraction_lost": 0.05, "bitrate_bps": 32000 }),
        "the figures and the report's type are kept; what nothing reads (bytesReceived) is not"
    );
    let video = &rows[1];
    assert_eq!((video.2.as_deref(), video.4, video.9), (Some("outbound"), Some(5678), Some(720)));
    assert!((video.5.expect("rtt") - 80.0).abs() < 1e-9);
    assert!(video.0.starts_with("track:outbound-rtp:5678"), "a key is made when the report has no id: {}", video.0);
    let pair = &rows[2];
    assert_eq!(pair.1, "candidatePair");
    assert!((pair.5.expect("rtt") - 41.0).abs() < 1e-9);

    let fabrics: i64 = sqlx::query_scalar("select count(*) from fabrics where connection_id = 'pc-1'")
        .fetch_one(&collector.server.pool)
        .await
        .expect("fabric");
    assert_eq!(fabrics, 1, "the first stats of a connectionID creates its fabric");
}

#[sqlx::test]
async fn ill_typed_figures_are_refused_naming_the_object(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let cases = [
        (poll(json!([{ "ssrc": "abc" }]), json!([])), "stats.tracks[0].ssrc"),
        (poll(json!([{}, { "fractionLost": 2 }]), json!([])), "stats.tracks[1].fractionLost"),
        (poll(json!([]), json!([{ "currentRoundTripTime": -1 }])), "stats.candidatePairs[0].currentRoundTripTime"),
        (poll(json!([{ "packetsReceived": 1.5 }]), json!([])), "stats.tracks[0].packetsReceived"),
        (poll(json!([{ "id": "x".repeat(257) }]), json!([])), "stats.tracks[0].id"),
        (with(poll(json!([]), json!([])), json!({ "stats": { "tracks": [] } })), "stats.candidatePairs"),
        (with(poll(json!([]), json!([])), json!({ "connectionID": "" })), "connectionID"),
        (poll(json!((0..2001).map(|n| json!({ "id": n.to_string() })).collect::<Vec<_>>()), json!([])), "stats"),
    ];
    for (body, field) in cases {
        assert_invalid(collector.send(&alice, "stats", &body).await, 422, field).await;
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from stats_samples")
        .fetch_one(&collector.server.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0, "nothing of a refused poll is stored");
}

#[sqlx::test]
async fn a_packet_counter_past_what_the_store_holds_is_accepted_and_kept_at_its_bound(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let (huge, exact) = (9_007_199_254_740_992_i64, i64::from(i32::MAX));
    let body = poll(
        json!([{ "id": "IT1", "kind": "audio", "reportType": "inbound", "packetsReceived": huge,
                 "packetsLost": -huge }, { "id": "OT1", "kind": "audio", "reportType": "outbound",
                 "packetsSent": exact }]),
        json!([]),
    );
    let response = collector.send(&alice, "stats", &body).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());

    type Counters = (String, Option<i32>, Option<i32>, Option<i32>);
    let rows: Vec<Counters> = sqlx::query_as(
        "select stat_key, packets_received, packets_lost, packets_sent from stats_samples order by stat_key",
    )
    .fetch_all(&collector.server.pool)
    .await
    .expect("samples");
    assert_eq!(
        rows,
        [("IT1".to_owned(), Some(i32::MAX), Some(i32::MIN), None), ("OT1".to_owned(), None, None, Some(i32::MAX))]
    );
}
