//! Webhook targets: no request into the server's own networks (SSRF).
//! Every refused address class is refused when a webhook is saved and
//! again when it is delivered; a name that resolves to loopback is refused
//! at delivery; the allow setting lets exactly its networks through.

use callscope::server::AppError;
use callscope::server::audit::Actor;
use callscope::server::db::webhook_deliveries::Next;
use callscope::server::webhooks::{self, TargetPolicy};
use chrono::Utc;
use sqlx::PgPool;

use super::{Receiver, add_webhook, deliverer, deliverer_with, input, loopback_allowed};
use crate::collector::{Collector, master_key};

/// One URL per refused class, in the spellings an attacker would try.
const FORBIDDEN: [&str; 17] = [
    "http://127.0.0.1/hook",
    "http://localhost:5432/",
    "http://[::1]/hook",
    "http://10.0.0.1/hook",
    "http://172.16.0.1/hook",
    "http://192.168.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://224.0.0.1/hook",
    "http://255.255.255.255/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:a9fe:a9fe]/hook",
    "http://2130706433/hook",
];

/// Whether `url` names an address rather than a host name.
fn is_literal(url: &str) -> bool {
    !url.contains("localhost")
}

#[sqlx::test]
async fn every_forbidden_address_is_refused_when_a_webhook_is_saved(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let (pool, key, targets) = (&collector.server.pool, master_key(), TargetPolicy::default());
    for url in FORBIDDEN.into_iter().filter(|url| is_literal(url)) {
        let refused = webhooks::create(pool, &Actor::Cli, &key, &targets, &collector.app_id, hook(url)).await;
        match refused {
            Err(AppError::Validation { field, message }) => {
                assert_eq!(field, "url", "{url}");
                assert!(message.contains("may not reach"), "{url}: {message}");
            }
            other => panic!("{url}: expected 422 naming url, got {:?}", other.map(|made| made.webhook_id)),
        }
    }
    // An edit is checked as strictly.
    let made =
        webhooks::create(pool, &Actor::Cli, &key, &targets, &collector.app_id, hook("https://hooks.example.com/"))
            .await
            .expect("a public host is accepted");
    let edit =
        webhooks::update(pool, &Actor::Cli, &targets, &collector.app_id, made.webhook_id, hook("http://10.1.2.3/"));
    assert!(matches!(edit.await, Err(AppError::Validation { field, .. }) if field == "url"));
    let urls: Vec<String> = sqlx::query_scalar("select url from webhooks").fetch_all(pool).await.expect("urls");
    assert_eq!(urls, ["https://hooks.example.com/"], "nothing refused was stored");
}

#[sqlx::test]
async fn every_forbidden_address_is_refused_at_delivery_with_nothing_sent(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    // A receiver on loopback proves no request got through; the other
    // addresses would time out rather than fail fast if connected to.
    let receiver = Receiver::start(0).await;
    let mut urls: Vec<String> = FORBIDDEN.map(str::to_owned).to_vec();
    urls.push(receiver.url.clone());
    urls.push(receiver.url.replace("127.0.0.1", "localhost"));
    let mut ids = Vec::new();
    for url in &urls {
        // Saved while the setting allowed it (or before this check existed).
        let (id, _) = add_webhook(&collector, hook("https://hooks.example.com/")).await;
        sqlx::query("update webhooks set url = $2 where id = $1").bind(id).bind(url).execute(pool).await.expect("url");
        enqueue(pool, id).await;
        ids.push(id);
    }

    let (deliverer, _own) = deliverer_with(pool, TargetPolicy::default()).await;
    let outcomes = deliverer.run_once(Utc::now()).await.expect("deliver");
    assert_eq!(outcomes.len(), urls.len());
    assert!(outcomes.iter().all(|outcome| matches!(outcome.next, Next::RetryAt(_))), "{outcomes:?}");
    assert!(receiver.received().is_empty(), "nothing reached the receiver");
    for (url, id) in urls.iter().zip(ids) {
        let (status, error, snippet) = last_attempt(pool, id).await;
        assert_eq!((status, snippet.as_str()), (None, ""), "{url}: no answer is recorded");
        let error = error.unwrap_or_default();
        assert!(error.starts_with("not sent: ") && error.contains("may not reach"), "{url}: {error}");
    }
}

#[sqlx::test]
async fn a_name_that_resolves_to_loopback_is_refused_at_delivery(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let receiver = Receiver::start(0).await;
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    // A name is not resolved when saved: what it resolves to may change.
    let made = webhooks::create(
        &collector.server.pool,
        &Actor::Cli,
        &master_key(),
        &TargetPolicy::default(),
        &collector.app_id,
        hook(&by_name),
    )
    .await
    .expect("a name is accepted when saved");
    enqueue(&collector.server.pool, made.webhook_id).await;

    let (strict, _own) = deliverer_with(&collector.server.pool, TargetPolicy::default()).await;
    strict.run_once(Utc::now()).await.expect("deliver");
    assert!(receiver.received().is_empty());
    let (_, error, _) = last_attempt(&collector.server.pool, made.webhook_id).await;
    let error = error.unwrap_or_default();
    assert!(error.starts_with("not sent: localhost resolves only to addresses webhooks may not reach"), "{error}");
    assert!(error.contains("loopback"), "{error}");

    // The same name is delivered to once the operator allows loopback.
    let (allowing, _own) = deliverer(&collector.server.pool).await;
    let outcomes = allowing.run_once(Utc::now() + chrono::TimeDelta::hours(2)).await.expect("deliver");
    assert_eq!(outcomes.iter().map(|outcome| outcome.next).collect::<Vec<_>>(), [Next::Delivered]);
    assert_eq!(receiver.received().len(), 1);
}

#[sqlx::test]
async fn the_allow_setting_lets_exactly_the_named_networks_through(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let (pool, key) = (&collector.server.pool, master_key());
    let allow: Vec<ipnet::IpNet> = ["127.0.0.0/8", "10.9.0.0/16"].map(|net| net.parse().expect("net")).to_vec();
    let targets = TargetPolicy::new(&allow);
    let receiver = Receiver::start(0).await;
    for url in [receiver.url.as_str(), "http://10.9.8.7/hook"] {
        webhooks::create(pool, &Actor::Cli, &key, &targets, &collector.app_id, hook(url)).await.expect(url);
    }
    for url in ["http://[::1]/hook", "http://10.10.0.1/hook", "http://192.168.0.1/", "http://169.254.169.254/"] {
        let refused = webhooks::create(pool, &Actor::Cli, &key, &targets, &collector.app_id, hook(url)).await;
        assert!(matches!(refused, Err(AppError::Validation { field, .. }) if field == "url"), "{url}");
    }

    // Delivered to the allowed loopback receiver, by address and by name.
    let (loopback_id, _) = add_webhook(&collector, hook(&receiver.url)).await;
    enqueue(pool, loopback_id).await;
    let (deliverer, _own) = deliverer_with(pool, TargetPolicy::new(&allow)).await;
    let outcomes = deliverer.run_once(Utc::now()).await.expect("deliver");
    let delivered = outcomes.iter().filter(|outcome| outcome.next == Next::Delivered).count();
    assert_eq!(delivered, 1, "{outcomes:?}");
    assert_eq!(receiver.received().len(), 1);
    let (status, error, snippet) = last_attempt(pool, loopback_id).await;
    assert_eq!((status, error, snippet.as_str()), (Some(200), None, "thanks"));
    // The loopback-only policy the other tests use allows no more.
    assert!(loopback_allowed().check("10.9.8.7".parse().expect("ip")).is_err());
}

fn hook(url: &str) -> webhooks::Input {
    input(url, "failedConferences", "interval", Some(0.1))
}

/// Enqueues a notification for webhook `id`, due now.
async fn enqueue(pool: &PgPool, id: i64) {
    sqlx::query(
        "insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key, actual_value, total)
         values ($1, 'failedConferences', 'interval', 'test', 1, 2)",
    )
    .bind(id)
    .execute(pool)
    .await
    .expect("enqueue");
}

/// Status, error and response snippet of the newest attempt of webhook `id`.
async fn last_attempt(pool: &PgPool, id: i64) -> (Option<i16>, Option<String>, String) {
    sqlx::query_as(
        "select a.status_code, a.error, a.response_snippet
           from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
          where d.webhook_id = $1 order by a.id desc limit 1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .expect("an attempt")
}
