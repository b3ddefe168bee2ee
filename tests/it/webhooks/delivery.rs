//! Several callscope processes share the outbox: each notification is
//! enqueued once and delivered once, however many evaluate and deliver.

use std::collections::BTreeMap;
use std::time::Duration;

use callscope::server::audit::Actor;
use callscope::server::webhooks::delivery::DELIVERY_HEADER;
use callscope::server::webhooks::evaluator::{self, SETTLE};
use callscope::server::webhooks::{self, Input};
use chrono::{TimeDelta, Utc};
use sqlx::PgPool;
use tokio::net::TcpListener;

use super::{Receiver, add_webhook, deliverer, failed_conference, feedback, input, loopback_allowed, second_pool};
use crate::collector::Collector;

#[sqlx::test]
async fn two_instances_deliver_each_notification_once(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    // A slow receiver widens the window in which both could send the same.
    let receiver =
        Receiver::start_on(TcpListener::bind("127.0.0.1:0").await.expect("bind"), 0, Duration::from_millis(150));
    add_webhook(&collector, input(&receiver.url, "dissatisfactoryUserFeedback", "individual", None)).await;
    let (interval, _) = add_webhook(&collector, input(&receiver.url, "failedConferences", "interval", Some(0.0))).await;
    let alice = collector.join("busy room", "alice").await;
    for _ in 0..25 {
        feedback(&collector, &alice, 1).await;
    }
    failed_conference(&collector, "failed room").await;
    let other = second_pool(pool).await;

    // Two processes evaluate the same period at once…
    let webhooks = webhooks::list(pool, &collector.app_id).await.expect("list");
    let end = webhooks.iter().find(|webhook| webhook.id == interval).expect("interval webhook").next_evaluation_at;
    let now = end + SETTLE;
    let (a, b) = tokio::join!(evaluator::run_once(pool, now), evaluator::run_once(&other, now));
    let fired: usize = [a.expect("a"), b.expect("b")].iter().flatten().filter(|evaluation| evaluation.fired).count();
    assert_eq!(fired, 1, "the period was evaluated by one of them");

    // …and deliver at once, each over its own pool.
    let ((first, _first_pool), (second, _second_pool)) = (deliverer(pool).await, deliverer(pool).await);
    let (a, b) = tokio::join!(first.run_once(now), second.run_once(now));
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.len() + b.len(), 26, "25 ratings of 1 and one interval");
    assert!(!a.is_empty() && !b.is_empty(), "both took part: {} and {}", a.len(), b.len());

    let mut per_delivery = BTreeMap::<String, usize>::new();
    for request in receiver.received() {
        *per_delivery.entry(request.header(DELIVERY_HEADER).to_owned()).or_default() += 1;
    }
    assert_eq!(per_delivery.len(), 26);
    assert!(per_delivery.values().all(|&count| count == 1), "{per_delivery:?}");
    let reasons: Vec<(String, i64)> = sqlx::query_as(
        "select trigger_type, count(*) from webhook_deliveries where status = 'delivered'
          group by 1 order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("delivered");
    assert_eq!(reasons, [("individual".to_owned(), 25), ("interval".to_owned(), 1)]);

    // Nothing is left for either.
    let later = Utc::now() + TimeDelta::hours(1);
    assert!(first.run_once(later).await.expect("a").is_empty());
    assert!(second.run_once(later).await.expect("b").is_empty());
}

#[sqlx::test]
async fn a_conference_summarised_again_is_notified_once(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(0).await;
    let (id, _) = add_webhook(&collector, input(&receiver.url, "failedConferences", "individual", None)).await;
    let joined = failed_conference(&collector, "twice").await;
    let instance: i64 = sqlx::query_scalar("select instance_id from endpoints where id = $1::uuid")
        .bind(&joined.uc_id)
        .fetch_one(pool)
        .await
        .expect("instance");
    let mut tx = pool.begin().await.expect("tx");
    callscope::server::db::summaries::summarize(&mut tx, instance).await.expect("summarize again");
    tx.commit().await.expect("commit");
    assert_eq!(super::deliveries(pool, id).await.len(), 1);

    // A disabled webhook is not notified.
    let mut settings = input(&receiver.url, "failedConferences", "individual", None);
    settings.enabled = false;
    let (disabled, _) = add_webhook(&collector, settings).await;
    failed_conference(&collector, "another").await;
    assert_eq!(super::deliveries(pool, id).await.len(), 2);
    assert!(super::deliveries(pool, disabled).await.is_empty());

    // Disabling a webhook holds its pending deliveries; enabling sends them.
    let hold = |enabled| Input { enabled, ..input(&receiver.url, "failedConferences", "individual", None) };
    webhooks::update(pool, &Actor::Cli, &loopback_allowed(), &collector.app_id, id, hold(false))
        .await
        .expect("disable");
    let (deliverer, _own) = deliverer(pool).await;
    assert!(deliverer.run_once(Utc::now()).await.expect("deliver").is_empty(), "held");
    webhooks::update(pool, &Actor::Cli, &loopback_allowed(), &collector.app_id, id, hold(true)).await.expect("enable");
    assert_eq!(deliverer.run_once(Utc::now()).await.expect("deliver").len(), 2);
    assert_eq!(receiver.received().len(), 2);
}
