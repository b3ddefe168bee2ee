//! Per-endpoint ingestion quotas: an endpoint over its quota is answered
//! 429 with `Retry-After` and nothing of the request is stored; another
//! endpoint of the same conference is not affected; after the wait the
//! same request (same Idempotency-Key) is accepted.

use std::time::Duration;

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, Joined, header, with};
use crate::common::test_config;

/// A collector whose quotas are small enough to reach in a test.
async fn collector(pool: PgPool) -> Collector {
    let mut config = test_config();
    config.quota_samples_per_minute = 2000;
    config.quota_errors_per_minute = 2;
    config.quota_events_per_minute = 30;
    Collector::spawn_with(config, pool).await
}

/// POSTs `body` to the endpoint's `suffix` with an Idempotency-Key, as callstats.js does.
async fn send(collector: &Collector, joined: &Joined, suffix: &str, body: &Value, key: &str) -> reqwest::Response {
    let mut segments = vec![joined.uc_id.as_str()];
    segments.extend(suffix.split('/'));
    let url = collector.conference_url(&collector.app_id, &joined.conf, &segments);
    let request = collector.server.client.post(url).bearer_auth(&joined.token).header("idempotency-key", key);
    request.json(body).send().await.expect("POST")
}

/// A stats submission of `count` objects named `prefix0`, `prefix1`, …
fn stats(joined: &Joined, prefix: &str, count: usize) -> Value {
    let tracks: Vec<Value> = (0..count).map(|n| json!({ "id": format!("{prefix}{n}") })).collect();
    with(
        header(&joined.user),
        json!({ "connectionID": "pc-1", "remoteID": "peer", "stats": { "tracks": tracks, "candidatePairs": [] } }),
    )
}

/// The whole seconds of a 429's `Retry-After`, after checking the answer's shape.
async fn refused(response: reqwest::Response) -> u64 {
    assert_eq!(response.status(), 429);
    let wait = response.headers().get("retry-after").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let wait: u64 = wait.parse().expect("Retry-After in whole seconds");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "error", "{body}");
    wait
}

/// How many rows of `table` (`stats_samples` or `reported_errors`) are stored.
async fn count(collector: &Collector, table: &str) -> i64 {
    let sql = match table {
        "stats_samples" => "select count(*) from stats_samples",
        _ => "select count(*) from reported_errors",
    };
    sqlx::query_scalar(sql).fetch_one(&collector.server.pool).await.expect("count")
}

#[sqlx::test]
async fn samples_over_the_quota_are_refused_until_the_wait_and_then_accepted_whole(pool: PgPool) {
    let collector = collector(pool).await;
    let (alice, bob) = (collector.join("quota room", "alice").await, collector.join("quota room", "bob").await);
    assert_eq!(send(&collector, &alice, "stats", &stats(&alice, "a", 2000), "a-1").await.status(), 200);

    // 100 more need 100 of the 2000 per minute to come back: 3 s.
    let late = stats(&alice, "late", 100);
    let wait = refused(send(&collector, &alice, "stats", &late, "a-2").await).await;
    assert!((1..=3).contains(&wait), "{wait}");
    assert_eq!(count(&collector, "stats_samples").await, 2000, "nothing of the refused request was stored");

    // Another endpoint of the same conference has its own quota.
    assert_eq!(send(&collector, &bob, "stats", &stats(&bob, "b", 20), "b-1").await.status(), 200);

    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(send(&collector, &alice, "stats", &late, "a-2").await.status(), 200);
    assert_eq!(count(&collector, "stats_samples").await, 2120);
}

#[sqlx::test]
async fn errors_and_events_have_quotas_of_their_own(pool: PgPool) {
    let collector = collector(pool).await;
    let (alice, bob) = (collector.join("quota room", "alice").await, collector.join("quota room", "bob").await);
    let error =
        |joined: &Joined| with(header(&joined.user), json!({ "connectionID": "pc-1", "wrtcFuncName": "createOffer" }));
    for n in 0..2 {
        assert_eq!(send(&collector, &alice, "events/error", &error(&alice), &format!("e{n}")).await.status(), 200);
    }
    let wait = refused(send(&collector, &alice, "events/error", &error(&alice), "e2").await).await;
    assert!((1..=30).contains(&wait), "two per minute: one more within 30 s, got {wait}");
    assert_eq!(count(&collector, "reported_errors").await, 2);
    assert_eq!(send(&collector, &bob, "events/error", &error(&bob), "b-e0").await.status(), 200);

    // Errors spent nothing of the events quota: 30 keep-alives pass at
    // once (a few more if the bucket refilled meanwhile, one per 2 s).
    let alive = |joined: &Joined| header(&joined.user);
    let started = std::time::Instant::now();
    let mut accepted = 0;
    let wait = loop {
        let response = send(&collector, &alice, "events/user/alive", &alive(&alice), &format!("k{accepted}")).await;
        if response.status() == 429 {
            break refused(response).await;
        }
        assert_eq!(response.status(), 200);
        accepted += 1;
        assert!(accepted <= 40, "never refused");
    };
    let refilled = started.elapsed().as_secs() / 2 + 1;
    assert!((30..=30 + refilled).contains(&accepted), "{accepted} accepted");
    assert!((1..=2).contains(&wait), "30 per minute: one every 2 s, got {wait}");
    assert_eq!(send(&collector, &bob, "events/user/alive", &alive(&bob), "b-k0").await.status(), 200);
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let again = send(&collector, &alice, "events/user/alive", &alive(&alice), &format!("k{accepted}")).await;
    assert_eq!(again.status(), 200);
}
