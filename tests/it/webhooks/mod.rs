//! Webhook notifications end to end: causes played through the real
//! collector, the evaluator and the deliverer driven with a chosen `now`,
//! and a real HTTP receiver on a loopback port that checks signatures the
//! way `docs/webhooks.md` tells a receiver to. Loopback is refused by
//! default, so these tests allow it as an operator would
//! (`CALLSCOPE_WEBHOOK_ALLOW_NETWORKS`).

mod delivery;
mod interval;
mod issues;
mod retries;
mod targets;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use callscope::server::audit::Actor;
use callscope::server::master_key::MasterKey;
use callscope::server::webhooks::{self, Deliverer, Input, TargetPolicy};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::net::TcpListener;

use crate::collector::{Collector, Joined, header, master_key, now_ms, with};

/// The dashboard address the test deliverers put in payload URLs.
pub const PUBLIC_URL: &str = "https://calls.example.com";

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Log {
    received: Vec<Received>,
    /// Answers 500 to this many requests first.
    failures_left: usize,
    /// Waits this long before answering.
    delay: Duration,
}

/// A webhook receiver on a loopback port: records every request, answers
/// 500 "busy" to the first few it is told to, then 200 "thanks".
pub struct Receiver {
    pub url: String,
    log: Arc<Mutex<Log>>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(failures: usize) -> Self {
        Self::start_on(TcpListener::bind("127.0.0.1:0").await.expect("bind"), failures, Duration::ZERO)
    }

    pub fn start_on(listener: TcpListener, failures: usize, delay: Duration) -> Self {
        let url = format!("http://{}/hooks/callscope?token=abc", listener.local_addr().expect("addr"));
        let log = Arc::new(Mutex::new(Log { failures_left: failures, delay, ..Log::default() }));
        let app = axum::Router::new().route("/hooks/callscope", axum::routing::post(receive)).with_state(log.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver");
        });
        Self { url, log, server }
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().expect("log").received.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(State(log): State<Arc<Mutex<Log>>>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
    let (fail, delay) = {
        let mut log = log.lock().expect("log");
        log.received.push(Received { headers, body });
        let fail = log.failures_left > 0;
        log.failures_left = log.failures_left.saturating_sub(1);
        (fail, log.delay)
    };
    tokio::time::sleep(delay).await;
    if fail { (StatusCode::INTERNAL_SERVER_ERROR, "busy") } else { (StatusCode::OK, "thanks") }
}

/// Checks `X-Callscope-Signature` as `docs/webhooks.md` tells a receiver
/// to, written out here rather than through the server's own code: split
/// `t=…,v1=…`, HMAC-SHA-256 the string `"{t}." + raw body` under the
/// secret's UTF-8 bytes, compare the hex digest in constant time, and
/// refuse a `t` more than five minutes from the receiver's clock.
pub fn verify_like_a_receiver(secret: &str, received: &Received, now_secs: i64) -> Result<(), String> {
    let header = received.header("x-callscope-signature");
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_owned()),
            Some(("v1", value)) => v1 = Some(value.to_owned()),
            _ => {}
        }
    }
    let (t, v1) = (t.ok_or("no t")?, v1.ok_or("no v1")?);
    let sent: i64 = t.parse().map_err(|_| "t is not a number")?;
    if (now_secs - sent).abs() > 300 {
        return Err(format!("t={sent} is too far from now={now_secs}"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(format!("{t}.").as_bytes());
    mac.update(&received.body);
    let expected = hex::decode(v1).map_err(|_| "v1 is not hex")?;
    mac.verify_slice(&expected).map_err(|_| "signature mismatch".to_owned())
}

/// The loopback networks the receivers listen on, as a test server's
/// `Config::webhook_allow_networks` names them.
pub fn loopback() -> Vec<ipnet::IpNet> {
    ["127.0.0.0/8", "::1/128"].map(|net| net.parse().expect("network")).to_vec()
}

/// The target policy of a server that allows [`loopback`].
pub fn loopback_allowed() -> TargetPolicy {
    TargetPolicy::new(&loopback())
}

/// A webhook of the collector's app, made as the CLI does; its id and secret.
pub async fn add_webhook(collector: &Collector, input: Input) -> (i64, String) {
    let key = master_key();
    let targets = loopback_allowed();
    let made = webhooks::create(&collector.server.pool, &Actor::Cli, &key, &targets, &collector.app_id, input)
        .await
        .expect("create webhook");
    (made.webhook_id, secrecy::ExposeSecret::expose_secret(&made.secret).to_owned())
}

/// Settings for a webhook to `url`.
pub fn input(url: &str, reason: &str, trigger: &str, threshold: Option<f64>) -> Input {
    Input {
        url: url.to_owned(),
        reasons: vec![reason.to_owned()],
        trigger_type: trigger.to_owned(),
        threshold,
        interval_seconds: Some(3600),
        enabled: true,
    }
}

/// A deliverer over its own pool to the test database, as another
/// callscope process would have, allowed to reach [`loopback`].
pub async fn deliverer(pool: &PgPool) -> (Deliverer, PgPool) {
    deliverer_with(pool, loopback_allowed()).await
}

/// A deliverer as [`deliverer`], with the target policy `targets`.
pub async fn deliverer_with(pool: &PgPool, targets: TargetPolicy) -> (Deliverer, PgPool) {
    let own = second_pool(pool).await;
    let key = Arc::new(MasterKey::load(None, &crate::common::test_config().data_dir).expect("key"));
    (Deliverer::new(own.clone(), key, PUBLIC_URL, targets).expect("deliverer"), own)
}

/// Another pool to the same test database.
pub async fn second_pool(pool: &PgPool) -> PgPool {
    PgPoolOptions::new().max_connections(4).connect_with(pool.connect_options().as_ref().clone()).await.expect("pool")
}

/// A conference in which every connection failed to set up: a total failure.
pub async fn failed_conference(collector: &Collector, conf: &str) -> Joined {
    conference(collector, conf, "fabricSetupFailed", json!({ "delay": 2500, "reason": "TransportFailure" })).await
}

/// A conference whose one connection was set up.
pub async fn good_conference(collector: &Collector, conf: &str) -> Joined {
    conference(collector, conf, "fabricSetup", json!({ "delay": 300 })).await
}

async fn conference(collector: &Collector, conf: &str, event: &str, extra: Value) -> Joined {
    let alice = collector.join(conf, "alice").await;
    let fabric =
        with(with(header("alice"), json!({ "remoteID": "bob", "connectionID": "pc-1", "eventType": event })), extra);
    accepted(collector, &alice, "events/fabric", &fabric).await;
    let left = with(header("alice"), json!({ "timestamp": now_ms() }));
    accepted(collector, &alice, "events/user/left", &left).await;
    alice
}

/// Sends feedback of `joined` with this overall rating.
pub async fn feedback(collector: &Collector, joined: &Joined, overall: i64) {
    let body = with(header(&joined.user), json!({ "remoteID": "bob", "feedback": { "overallRating": overall } }));
    accepted(collector, joined, "events/feedback", &body).await;
}

async fn accepted(collector: &Collector, joined: &Joined, suffix: &str, body: &Value) {
    let response = collector.send(joined, suffix, body).await;
    assert_eq!(response.status(), 200, "{suffix}: {}", response.text().await.unwrap_or_default());
}

/// The delivery rows of webhook `id`: (id, status, attempts), oldest first.
pub async fn deliveries(pool: &PgPool, id: i64) -> Vec<(i64, String, i32)> {
    sqlx::query_as("select id, status, attempts from webhook_deliveries where webhook_id = $1 order by id")
        .bind(id)
        .fetch_all(pool)
        .await
        .expect("deliveries")
}
