//! The edges of the wire: `/authenticate` with hostile client input, bodies
//! over the limit and the connection they arrive on, and the OpenAPI
//! document's references and limits; a malformed `Idempotency-Key`.

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, header, with};

/// Asserts an OAuth2-shaped refusal (400, never 500) with OAuth code `error`.
async fn assert_oauth_refusal(response: reqwest::Response, error: &str) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json body");
    assert_eq!((status, body["error"].as_str()), (400, Some(error)), "{body}");
    assert!(body["errorReason"].as_str().is_some_and(|reason| !reason.is_empty()), "{body}");
    assert!(body["urn:x-callstats:auth:errorActions"].is_array(), "{body}");
}

#[sqlx::test]
async fn hostile_token_requests_get_oauth_errors_not_500(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let app = collector.app_id.clone();
    // A userID over 256 bytes with a jti (stored with the jti, in a column of 256 bytes).
    let long = "u".repeat(257);
    let code = collector.jwt(&collector.secret, &long, json!({}));
    assert_oauth_refusal(collector.token_request(&long, &app, &code, None).await, "invalid_request").await;
    // NUL in the localID or the appID of client_id.
    let code = collector.jwt(&collector.secret, "a\u{0}b", json!({}));
    assert_oauth_refusal(collector.token_request("a\u{0}b", &app, &code, None).await, "invalid_request").await;
    let code = collector.jwt(&collector.secret, "alice", json!({ "appID": "1\u{0}" }));
    assert_oauth_refusal(collector.token_request("alice", "1\u{0}", &code, None).await, "invalid_request").await;
    // NUL in the jti or keyID claims, which are stored or looked up.
    let code = collector.jwt(&collector.secret, "alice", json!({ "jti": "j\u{0}" }));
    assert_oauth_refusal(collector.token_request("alice", &app, &code, None).await, "invalid_grant").await;
    let code = collector.jwt(&collector.secret, "alice", json!({ "keyID": "k\u{0}" }));
    assert_oauth_refusal(collector.token_request("alice", &app, &code, None).await, "invalid_grant").await;
    // A userID of exactly 256 bytes (with a multi-byte character at the end) is fine.
    let longest = "u".repeat(254) + "é";
    let code = collector.jwt(&collector.secret, &longest, json!({}));
    assert_eq!(collector.token_request(&longest, &app, &code, None).await.status(), 200);
}

#[sqlx::test]
async fn an_oversized_token_request_is_413(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let code = "x".repeat(70_000);
    let response = collector.token_request("alice", &collector.app_id, &code, None).await;
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers().get("connection").and_then(|v| v.to_str().ok()), Some("close"));
}

#[sqlx::test]
async fn after_a_413_the_client_can_go_on(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let token = collector.authenticate("alice").await;
    let url = collector.conference_url(&collector.app_id, "c", &[]);
    let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
    let oversized = with(header("alice"), json!({ "endpointInfo": { "name": "x".repeat(70_000) } }));
    let joined = with(header("alice"), json!({ "endpointInfo": {} }));
    for _ in 0..10 {
        let refused = client.post(&url).bearer_auth(&token).json(&oversized).send().await.expect("413 answer");
        assert_eq!(refused.status(), 413);
        let connection = refused.headers().get("connection").and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(connection.as_deref(), Some("close"), "the server says it closes the connection");
        drop(refused.bytes().await);
        let next = client.post(&url).bearer_auth(&token).json(&joined).send().await.expect("the next request");
        assert_eq!(next.status(), 200);
    }
}

/// Every `$ref` string in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => refs(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

#[sqlx::test]
async fn every_reference_of_the_openapi_document_resolves_and_limits_are_documented(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let response = collector.server.client.get(collector.server.url("/v1/openapi.json")).send().await.expect("GET");
    let document: Value = response.json().await.expect("json");
    let mut targets = Vec::new();
    refs(&document, &mut targets);
    assert!(targets.iter().any(|target| target == "#/components/schemas/ErrorResponse"));
    for target in &targets {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(document.pointer(pointer).is_some(), "{target} does not resolve");
    }
    let schemas = &document["components"]["schemas"];
    assert!(schemas["ErrorResponse"]["properties"]["field"].is_object(), "{}", schemas["ErrorResponse"]);
    let expected = [("Id", 256), ("OptionalId", 256), ("Name", 128), ("State", 64), ("UsageLabel", 20)];
    for (name, max) in expected {
        assert_eq!(schemas[name]["maxLength"], max, "{name}: {}", schemas[name]);
    }
    assert_eq!(schemas["Sdp"]["maxLength"], 262_144);
    assert_eq!(schemas["Comment"]["maxLength"], 8192);
    assert_eq!(schemas["DelayMs"]["maximum"], 600_000.0);
    assert_eq!(schemas["Fraction"]["maximum"], 1.0);
    let stats = &schemas["StatsBody"]["properties"];
    assert_eq!(stats["localID"]["$ref"], "#/components/schemas/Id", "{stats}");
    assert_eq!(stats["connectionID"]["$ref"], "#/components/schemas/Id", "{stats}");
    let devices = &schemas["DeviceListBody"]["properties"]["mediaDeviceList"];
    assert_eq!(devices["maxItems"], 1000, "{devices}");
}

#[sqlx::test]
async fn a_malformed_idempotency_key_is_refused_by_every_write_stats_included(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("keys", "alice").await;
    let track = json!({ "type": "inbound-rtp", "kind": "audio", "ssrc": "1", "packetsReceived": 5 });
    let poll =
        json!({ "connectionID": "pc-1", "remoteID": "bob", "stats": { "tracks": [track], "candidatePairs": [] } });
    let writes = [
        ("stats", poll),
        ("events/user/alive", json!({})),
        ("events/fabric", json!({ "remoteID": "bob", "connectionID": "pc-1", "eventType": "fabricSetup" })),
    ];
    for (suffix, body) in writes {
        let mut segments = vec![alice.uc_id.as_str()];
        segments.extend(suffix.split('/'));
        let url = collector.conference_url(&collector.app_id, &alice.conf, &segments);
        for key in ["k".repeat(256), "a key".to_owned()] {
            let response = collector
                .server
                .client
                .post(&url)
                .bearer_auth(&alice.token)
                .header("Idempotency-Key", &key)
                .json(&with(header("alice"), body.clone()))
                .send()
                .await
                .expect("POST");
            let status = response.status().as_u16();
            let answer: Value = response.json().await.expect("json");
            assert_eq!(status, 400, "{suffix}, key {key:?}: {answer}");
            assert!(answer["msg"].as_str().is_some_and(|msg| msg.contains("Idempotency-Key")), "{answer}");
        }
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from stats_samples")
        .fetch_one(&collector.server.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0, "a refused poll is not stored");
}
