//! The store restarts in the middle of a load. While it is down, the
//! collector answers 503 with `Retry-After` and nothing else; clients that
//! retry as the SDK does (the same request, its Idempotency-Key kept) get
//! every record acknowledged, and each is stored once; the dashboard and
//! the readiness probe answer again by themselves.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use callscope::domain::Role;
use callscope::server::db;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::cluster::{Cluster, Scratch};
use crate::collector::{Collector, Joined, header, now_ms, with};

const CLIENTS: usize = 6;
/// Polls each client sends, and an error report after every fifth.
const POLLS: usize = 60;
const ADMIN: &str = "boss@example.com";
const PASSWORD: &str = "a long enough password";

/// The 503s the clients met, all with `Retry-After`.
#[derive(Default)]
struct Seen {
    unavailable: AtomicUsize,
}

/// POSTs until acknowledged, as the SDK does: a 503 must carry
/// `Retry-After` (waited here for at most 200 ms, to keep the test short;
/// the SDK's own tests show it waits the whole of it), anything else but
/// 200 fails the test.
async fn until_acknowledged(
    client: &reqwest::Client,
    url: &str,
    joined: &Joined,
    key: &str,
    body: &Value,
    seen: &Seen,
) {
    loop {
        let response = client
            .post(url)
            .bearer_auth(&joined.token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("the server stays up while the store is down");
        match response.status().as_u16() {
            200 => return,
            503 => {
                let retry_after = response.headers().get("retry-after").expect("a 503 says when to come back");
                assert_eq!(retry_after, "5");
                seen.unavailable.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            status => panic!("{url} answered {status}: {}", response.text().await.unwrap_or_default()),
        }
    }
}

/// One client's load: `POLLS` polls a few ms apart, an error report after every fifth.
async fn load(collector: &Collector, joined: Joined, seen: Arc<Seen>) {
    let client = collector.server.client.clone();
    let url = |suffix: &str| collector.conference_url(&collector.app_id, &joined.conf, &[&joined.uc_id, suffix]);
    let (stats, errors) = (url("stats"), format!("{}/error", url("events")));
    let start = now_ms();
    for n in 0..POLLS {
        let at = start + n as f64;
        let poll = json!({ "connectionID": "pc-1", "remoteID": "bob", "stats": { "timestamp": at, "candidatePairs": [],
                           "tracks": [{ "type": "inbound-rtp", "kind": "audio", "ssrc": "1", "packetsReceived": n }] } });
        let key = format!("{}-poll-{n}", joined.user);
        until_acknowledged(&client, &stats, &joined, &key, &with(header(&joined.user), poll), &seen).await;
        if n % 5 == 4 {
            let error = json!({ "timestamp": at, "wrtcFuncName": "createOffer", "connectionID": "pc-1", "remoteID": "bob",
                                "domError": { "name": "OperationError", "message": format!("report {n}") } });
            let key = format!("{}-error-{n}", joined.user);
            until_acknowledged(&client, &errors, &joined, &key, &with(header(&joined.user), error), &seen).await;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

async fn count(pool: &PgPool, sql: &'static str, joined: &Joined) -> i64 {
    sqlx::query_scalar(sql).bind(&joined.uc_id).fetch_one(pool).await.expect("count")
}

async fn status_of(server: &crate::common::TestApp, path: &str) -> u16 {
    server.page(&server.client, path).await.status().as_u16()
}

#[tokio::test]
async fn a_store_restart_under_load_loses_nothing_acknowledged_and_the_server_recovers_by_itself() {
    let scratch = Scratch::new();
    let mut cluster = Cluster::primary(&scratch).await;
    let pool = db::connect(&cluster.url("postgres")).await.expect("store");
    db::migrate(&pool).await.expect("migrations");
    let collector = Collector::spawn(pool.clone()).await;
    let server = &collector.server;
    server.create_user(ADMIN, Role::Admin, PASSWORD).await;
    server.sign_in(&server.client, ADMIN, PASSWORD).await;
    let mut joined = Vec::new();
    for n in 0..CLIENTS {
        joined.push(collector.join(&format!("call-{n}"), &format!("user-{n}")).await);
    }

    let seen = Arc::new(Seen::default());
    let loads = futures::future::join_all(joined.iter().cloned().map(|one| load(&collector, one, seen.clone())));
    let outage = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        cluster.stop();
        let down = Instant::now();
        // Each request waits up to the pool's 10 s for a connection, then 503.
        assert_eq!(status_of(server, "/search").await, 503, "the dashboard, while the store is down");
        while seen.unavailable.load(Ordering::Relaxed) < CLIENTS {
            assert!(down.elapsed() < Duration::from_secs(60), "the clients never met a 503");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cluster.restart().await;
    };
    tokio::join!(loads, outage);

    for one in &joined {
        let polls = count(
            &pool,
            "select count(*) from stats_samples s join fabrics f on f.id = s.fabric_id where f.endpoint_id = $1::uuid",
            one,
        )
        .await;
        assert_eq!(polls, POLLS as i64, "every acknowledged poll of {}, once", one.user);
        let errors = count(&pool, "select count(*) from reported_errors where endpoint_id = $1::uuid", one).await;
        assert_eq!(errors, (POLLS / 5) as i64, "every acknowledged error report of {}, once", one.user);
    }
    assert_eq!(status_of(server, "/search").await, 200, "the dashboard is back by itself");
    assert_eq!(server.client.get(server.url("/readyz")).send().await.expect("readyz").status(), 200);
}
