//! Webhook reasons beyond callstats' two: partial failures and one per kind
//! of diagnosed issue, on interval and individual triggers, with the same
//! payload and delivery.

use callscope::domain::notification::Reason;
use callscope::server::db::summaries;
use callscope::server::webhooks::evaluator::{self, SETTLE};
use callscope::server::webhooks::{self, Input};
use chrono::TimeDelta;
use sqlx::PgPool;

use super::{Receiver, add_webhook, deliverer, deliveries, good_conference, input, loopback_allowed};
use crate::collector::{Collector, master_key, now_ms};
use crate::diagnosis::lossy_relayed_call;
use crate::summaries::{instance_of, leave};

#[sqlx::test]
async fn an_interval_of_too_many_conferences_with_an_issue_is_notified(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(0).await;
    let (freezes, _) = add_webhook(&collector, input(&receiver.url, "videoFreezes", "interval", Some(0.4))).await;
    let (jitter, _) = add_webhook(&collector, input(&receiver.url, "jitter", "interval", Some(0.0))).await;

    // One of two conferences froze (50 % > 40 %); neither had jitter.
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let lossy = collector.join("frozen-call", "alice").await;
    lossy_relayed_call(&collector, &lossy, t0).await;
    leave(&collector, &lossy).await;
    good_conference(&collector, "fine-call").await;

    let ends = webhooks::list(pool, &collector.app_id).await.expect("list");
    let end = ends.iter().map(|webhook| webhook.next_evaluation_at).max().expect("two webhooks");
    let evaluated = evaluator::run_once(pool, end + SETTLE).await.expect("evaluate");
    let fired: Vec<(i64, bool, i64, i64)> =
        evaluated.iter().map(|e| (e.webhook_id, e.fired, e.ratio.actual, e.ratio.total)).collect();
    assert!(fired.contains(&(freezes, true, 1, 2)), "{fired:?}");
    assert!(fired.contains(&(jitter, false, 0, 2)), "{fired:?}");

    let (deliverer, _own) = deliverer(pool).await;
    deliverer.run_once(end + SETTLE).await.expect("deliver");
    let received = receiver.received();
    assert_eq!(received.len(), 1, "only the reason that exceeded its threshold");
    let body = received[0].json();
    assert_eq!(body["reason"], "videoFreezes");
    assert_eq!((body["actualValue"].as_i64(), body["fractionalValue"].as_f64()), (Some(1), Some(0.5)));
    assert!(body["url"].as_str().expect("url").contains("issue=videoFreezes"), "{body}");
    assert!(body["text"].as_str().expect("text").starts_with("50% of the conferences had video freezes"), "{body}");
}

#[sqlx::test]
async fn each_issue_of_a_summarised_conference_is_notified_once_to_individual_webhooks(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(0).await;
    let mut both = input(&receiver.url, "packetLoss", "individual", None);
    both.reasons.push("droppedConferences".to_owned());
    let (id, _) = add_webhook(&collector, both).await;

    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let lossy = collector.join("lossy-call", "alice").await;
    lossy_relayed_call(&collector, &lossy, t0).await;
    leave(&collector, &lossy).await;
    // Summarised again (a late event): nobody is notified twice.
    let mut conn = pool.acquire().await.expect("connection");
    summaries::summarize(&mut conn, instance_of(pool, &lossy).await).await.expect("summary");
    drop(conn);

    assert_eq!(deliveries(pool, id).await.len(), 1, "packet loss, once; the call did not drop");
    let (deliverer, _own) = deliverer(pool).await;
    deliverer.run_once(chrono::Utc::now() + TimeDelta::seconds(1)).await.expect("deliver");
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let body = received[0].json();
    assert_eq!((body["reason"].as_str(), body["triggerType"].as_str()), (Some("packetLoss"), Some("individual")));
    assert_eq!(body["text"], format!("Conference \"lossy-call\" with appID {} had packet loss.", collector.app_id));
    assert!(body["url"].as_str().expect("url").contains("conferenceID=lossy-call"), "{body}");
}

#[sqlx::test]
async fn every_reason_can_be_chosen_and_no_other(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let mut every: Input = input("https://hooks.example.com/", "failedConferences", "interval", Some(0.1));
    every.reasons = Reason::all().map(|reason| reason.as_str().to_owned()).collect();
    let (id, _) = add_webhook(&collector, every.clone()).await;
    let stored = webhooks::list(&collector.server.pool, &collector.app_id).await.expect("list");
    assert_eq!(stored.iter().find(|webhook| webhook.id == id).expect("stored").reasons, every.reasons);

    let mut unknown = every;
    unknown.reasons = vec!["dropped".to_owned()];
    let refused = webhooks::create(
        &collector.server.pool,
        &callscope::server::audit::Actor::Cli,
        &master_key(),
        &loopback_allowed(),
        &collector.app_id,
        unknown,
    )
    .await
    .err()
    .expect("not a reason: callstats' name is droppedConferences");
    assert!(refused.to_string().contains("reasons"), "names the field: {refused}");
}
