//! Hostile input: whatever a client sends, the collector answers 4xx, never
//! 500, and a 422 names the field. Each case here gave a 500 before the
//! typed wire layer (NUL that text and jsonb columns refuse, byte-length
//! constraints, numbers that overflowed summaries).

use serde_json::{Value, json};
use sqlx::PgPool;

use super::bodies::{every_endpoint, replace_at, set_at, string_paths};
use super::{Collector, Joined, assert_invalid, header, with};

/// POSTs `body` to the endpoint `suffix` of `joined` ("" is user joined).
async fn post(collector: &Collector, joined: &Joined, suffix: &str, body: &Value) -> reqwest::Response {
    if suffix.is_empty() {
        let url = collector.conference_url(&collector.app_id, &joined.conf, &[]);
        collector.post(&joined.token, &url, body).await
    } else {
        collector.send(joined, suffix, body).await
    }
}

/// Asserts a 422 whose `field` is `path` or one of its parents (a NUL
/// inside free-form JSON is named by the object that holds it).
async fn assert_names(response: reqwest::Response, suffix: &str, path: &str) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(status, 422, "{suffix} {path}: {body}");
    let field = body["field"].as_str().expect("field");
    let named = path == field || path.starts_with(&format!("{field}.")) || path.starts_with(&format!("{field}["));
    assert!(named, "{suffix}: NUL at {path} was named {field:?}: {body}");
}

#[sqlx::test]
async fn nul_in_any_string_of_any_endpoint_is_422_naming_the_field(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    for (suffix, body) in every_endpoint("alice") {
        let response = post(&collector, &alice, suffix, &body).await;
        assert_eq!(response.status(), 200, "{suffix}: {}", response.text().await.unwrap_or_default());
        let mut paths = Vec::new();
        string_paths(&body, "", &mut paths);
        assert!(!paths.is_empty() && paths.contains(&"localID".to_owned()), "{suffix}");
        for path in paths {
            let mut hostile = body.clone();
            replace_at(&mut hostile, &path, "a\u{0}b");
            assert_names(post(&collector, &alice, suffix, &hostile).await, suffix, &path).await;
        }
    }
}

#[sqlx::test]
async fn nul_in_a_key_of_free_form_json_is_422_naming_the_object(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let fabric = with(header("alice"), json!({ "remoteID": "bob", "connectionID": "pc-1" }));
    let cases = [
        ("events/error", json!({ "wrtcFuncName": "createOffer", "domError": { "k\u{0}": 1 } }), "domError"),
        ("events/fabric/action", json!({ "fabricEvent": "fabricHold", "eventData": { "\u{0}": [] } }), "eventData"),
        (
            "stats",
            json!({ "stats": { "tracks": [], "candidatePairs": [{ "a": { "b\u{0}": true } }] } }),
            "stats.candidatePairs[0]",
        ),
        ("system/status", json!({ "statusStats": { "x\u{0}": 1 } }), "statusStats"),
        ("events/calldetails", json!({ "callAttributes": { "\u{0}": "v" } }), "callAttributes"),
        (
            "events/fabric/added",
            json!({ "fabricUsage": "audio", "fabricAttributes": { "\u{0}": 1 } }),
            "fabricAttributes",
        ),
    ];
    for (suffix, extra, field) in cases {
        assert_invalid(collector.send(&alice, suffix, &with(fabric.clone(), extra)).await, 422, field).await;
    }
}

#[sqlx::test]
async fn nul_in_the_conference_id_of_the_path_is_422(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let url = collector.conference_url(&collector.app_id, "a\u{0}b", &[]);
    assert!(url.contains("a%00b"), "{url}");
    let joined = with(header("alice"), json!({ "endpointInfo": {} }));
    assert_invalid(collector.post(&alice.token, &url, &joined).await, 422, "conferenceID").await;
    let url = collector.conference_url(&collector.app_id, "a\u{0}b", &[&alice.uc_id, "events", "user", "alive"]);
    assert_invalid(collector.post(&alice.token, &url, &header("alice")).await, 422, "conferenceID").await;
}

#[sqlx::test]
async fn limits_count_what_the_database_counts(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let fabric = with(header("alice"), json!({ "remoteID": "bob", "connectionID": "pc-1" }));
    // 128 characters of 3 bytes: within aliasName's 128 characters, though
    // the mapping stores it as its user (a byte-limited column).
    let alias = "ン".repeat(128);
    let map = json!({ "ssrcData": [{ "ssrc": "1", "userID": { "userName": alias, "aliasName": alias } }] });
    let response = collector.send(&alice, "events/ssrcmap", &with(fabric.clone(), map)).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    let stored: String = sqlx::query_scalar("select user_id from ssrc_maps where ssrc = 1")
        .fetch_one(&collector.server.pool)
        .await
        .expect("mapping");
    assert_eq!(stored, alias);
    let over = json!({ "ssrcData": [{ "ssrc": "1", "userID": { "userName": "u", "aliasName": "ン".repeat(129) } }] });
    let response = collector.send(&alice, "events/ssrcmap", &with(fabric.clone(), over)).await;
    assert_invalid(response, 422, "ssrcData[0].userID.aliasName").await;
    // A plain userID of a mapping keeps its 256 bytes.
    let plain = json!({ "ssrcData": [{ "ssrc": "2", "userID": "a".repeat(255) + "é" }] });
    assert_invalid(
        collector.send(&alice, "events/ssrcmap", &with(fabric.clone(), plain)).await,
        422,
        "ssrcData[0].userID",
    )
    .await;
    // A generated stat key holds the stats object's type: refused before it outgrows its column.
    let stats = json!({ "stats": { "tracks": [{ "type": "t".repeat(300) }], "candidatePairs": [] } });
    assert_invalid(collector.send(&alice, "stats", &with(fabric, stats)).await, 422, "stats.tracks[0].type").await;
}

#[sqlx::test]
async fn feedback_at_either_end_of_the_accepted_dates_is_stored(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    for timestamp in [946_684_800_000.0_f64, 4_102_444_799_999.0] {
        let body = with(
            header("alice"),
            json!({ "timestamp": timestamp, "remoteID": "bob", "feedback": { "overallRating": 1 } }),
        );
        let response = collector.send(&alice, "events/feedback", &body).await;
        assert_eq!(response.status(), 200, "{timestamp}: {}", response.text().await.unwrap_or_default());
    }
    for timestamp in [946_684_799_999.0_f64, 4_102_444_800_000.0, 1e308] {
        let body =
            with(header("alice"), json!({ "timestamp": timestamp, "remoteID": "", "feedback": { "comments": "c" } }));
        assert_invalid(collector.send(&alice, "events/feedback", &body).await, 422, "timestamp").await;
    }
}

/// A text one byte over `bytes`, ending in a multi-byte character.
fn over_bytes(bytes: usize) -> String {
    "a".repeat(bytes - 2) + "ン"
}

#[sqlx::test]
async fn each_reachable_database_constraint_is_a_422_naming_its_field(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let over_id = over_bytes(256);
    let over_name = "ä".repeat(129);
    // (endpoint, path of the value in its body from `every_endpoint`, value, the constraint it would break)
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        ("", "localID", json!(over_id), "endpoints_user_id_length"),
        ("", "deviceID", json!(over_id), "endpoints_device_id_length"),
        ("", "userID.userName", json!(over_name), "endpoints_user_name_length"),
        ("", "userID.aliasName", json!(over_name), "endpoints_alias_name_length"),
        ("", "userID.loginID", json!(over_name), "endpoints_login_id_length"),
        ("", "configParams.applicationVersion", json!("v".repeat(31)), "endpoints_application_version_length"),
        ("", "configParams.siteID", json!(over_id), "endpoints_site_id_length"),
        ("events/feedback", "remoteID", json!(over_id), "feedback_remote_user_id_length"),
        ("events/feedback", "feedback.overallRating", json!(6), "feedback overall_rating check"),
        ("events/fabric/added", "connectionID", json!(over_id), "fabrics_connection_id_length"),
        ("events/fabric/added", "remoteID", json!(over_id), "fabrics_remote_user_id_length"),
        ("events/fabric/added", "remoteUserID.userName", json!(over_name), "fabrics_remote_user_name_length"),
        ("events/fabric/added", "remoteUserID.aliasName", json!(over_name), "fabrics_remote_alias_name_length"),
        ("events/fabric/added", "remoteUserID.loginID", json!(over_name), "fabrics_remote_login_id_length"),
        ("events/fabric", "delay", json!(-1), "fabrics setup_delay_ms check"),
        ("events/fabric", "delay", json!(2_147_483_648_u64), "fabrics setup_delay_ms integer"),
        ("events/fabric", "localCandidates[0].localPort", json!(65_536), "ice_candidates local_port check"),
        ("events/fabric/statechange", "newState", json!("s".repeat(65)), "fabrics state length checks"),
        ("events/ssrcmap", "ssrcData[0].ssrc", json!("4294967296"), "ssrc_maps ssrc check"),
        ("events/ssrcmap", "ssrcData[0].usageLabel", json!("u".repeat(21)), "ssrc_maps_usage_label_length"),
        ("events/ssrcmap", "ssrcData[0].userID.userName", json!(over_name), "ssrc_maps user_name check"),
        ("events/ssrcmap", "ssrcData[1].userID", json!(over_id), "ssrc_maps_user_id_length"),
        ("stats", "stats.tracks[0].id", json!(over_id), "stats_samples_stat_key_length"),
        ("stats", "stats.tracks[0].ssrc", json!("4294967296"), "stats_samples ssrc check"),
        ("stats", "stats.tracks[0].jitter", json!(-0.5), "stats_samples jitter_ms check"),
        ("events/precalltest", "message", json!("m".repeat(1025)), "precall_tests_message_length"),
        ("events/precalltest", "fractionLoss", json!(1.01), "precall_tests_fraction_lost_check"),
        ("events/precalltest", "duration", json!(-1), "precall_tests_duration_check"),
        ("events/media/firstframe", "connectionID", json!(over_id), "fabrics_connection_id_length"),
        ("events/calldetails", "connectionID", json!(""), "fabrics_connection_id_length"),
    ];
    let bodies = every_endpoint("alice");
    for (suffix, path, value, constraint) in cases {
        let (_, body) = bodies.iter().find(|(name, _)| *name == suffix).expect("endpoint");
        let mut body = body.clone();
        set_at(&mut body, path, value);
        let response = post(&collector, &alice, suffix, &body).await;
        let status = response.status().as_u16();
        let answer: Value = response.json().await.expect("json");
        assert_eq!((status, answer["field"].as_str()), (422, Some(path)), "{constraint}: {answer}");
    }
}

#[sqlx::test]
async fn a_client_clock_far_ahead_cannot_keep_a_conference_live(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("c", "alice").await;
    let year_2099 = with(header("alice"), json!({ "timestamp": 4_070_908_800_000.0_f64 }));
    let response = collector.send(&alice, "events/user/alive", &year_2099).await;
    assert_eq!(response.status(), 200);
    let ahead: f64 = sqlx::query_scalar(
        "select extract(epoch from greatest(ci.last_activity_at, e.last_alive_at) - now())::float8
             from conference_instances ci join endpoints e on e.instance_id = ci.id",
    )
    .fetch_one(&collector.server.pool)
    .await
    .expect("instance");
    assert!(ahead <= 61.0, "last activity or presence is {ahead} s ahead of the server's clock");
}
