//! Interval triggers: a period whose share of failed conferences exceeds
//! the threshold is notified once, with every documented field, signed;
//! its `url` finds exactly those conferences on the dashboard.

use callscope::domain::Role;
use callscope::server::webhooks::evaluator::{self, SETTLE};
use callscope::server::webhooks::{self, delivery::DELIVERY_HEADER};
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;

use super::{
    PUBLIC_URL, Receiver, add_webhook, deliverer, failed_conference, good_conference, input, verify_like_a_receiver,
};
use crate::collector::Collector;

/// The end of the webhook's current period.
async fn period_end(collector: &Collector, id: i64) -> DateTime<Utc> {
    let list = webhooks::list(&collector.server.pool, &collector.app_id).await.expect("list");
    list.into_iter().find(|webhook| webhook.id == id).expect("webhook").next_evaluation_at
}

#[sqlx::test]
async fn a_threshold_crossing_delivers_one_signed_payload_with_every_field(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(0).await;
    let (id, secret) = add_webhook(&collector, input(&receiver.url, "failedConferences", "interval", Some(0.25))).await;
    let end = period_end(&collector, id).await;
    let start = end - TimeDelta::hours(1);

    // One of three conferences of the period failed: 33 % > 25 %.
    failed_conference(&collector, "room/ünïcode ☎").await;
    good_conference(&collector, "standup").await;
    good_conference(&collector, "retro").await;

    // Not before the period has ended and settled.
    let early = evaluator::run_once(pool, end + SETTLE - TimeDelta::seconds(1)).await.expect("evaluate");
    assert!(early.is_empty(), "{early:?}");
    let now = end + SETTLE;
    let evaluated = evaluator::run_once(pool, now).await.expect("evaluate");
    assert_eq!(evaluated.len(), 1);
    assert!(evaluated[0].fired);
    assert_eq!((evaluated[0].ratio.actual, evaluated[0].ratio.total), (1, 3));

    let (deliverer, _own) = deliverer(pool).await;
    let outcomes = deliverer.run_once(now).await.expect("deliver");
    assert_eq!(outcomes.len(), 1);
    let received = receiver.received();
    assert_eq!(received.len(), 1, "one notification");
    let request = &received[0];
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(request.header(DELIVERY_HEADER), outcomes[0].delivery_id.to_string());
    verify_like_a_receiver(&secret, request, now.timestamp()).expect("a valid signature");
    verify_like_a_receiver("whsec_wrong", request, now.timestamp()).expect_err("another secret does not verify");

    let body = request.json();
    let fields: Vec<&str> = body.as_object().expect("object").keys().map(String::as_str).collect();
    let mut expected = [
        "reason",
        "timestamp",
        "appId",
        "triggerType",
        "actualValue",
        "threshold",
        "fractionalValue",
        "period",
        "url",
        "text",
    ];
    expected.sort_unstable();
    assert_eq!(fields, expected, "exactly the documented fields");
    assert_eq!(body["reason"], "failedConferences");
    assert_eq!(body["timestamp"], now.timestamp_millis());
    assert_eq!(body["appId"], collector.app_id.as_str());
    assert_eq!(body["triggerType"], "interval");
    assert_eq!(body["actualValue"], 1);
    assert_eq!(body["threshold"], 0.25);
    assert!((body["fractionalValue"].as_f64().expect("number") - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(body["period"]["start"], start.timestamp_millis());
    assert_eq!(body["period"]["end"], end.timestamp_millis());
    assert_eq!(
        body["text"].as_str().expect("text"),
        format!(
            "33% of the conferences failed in the last hour i.e., 1 of 3 total conferences with appID {}. \
             The current trigger threshold is 25%.",
            collector.app_id
        )
    );

    // The url is this dashboard's search for exactly that conference.
    let url = body["url"].as_str().expect("url");
    let path = url.strip_prefix(PUBLIC_URL).expect("on the public address");
    assert!(path.starts_with("/search?"), "{url}");
    let server = &collector.server;
    server.create_user("ops@example.com", Role::Admin, "a long enough password").await;
    server.sign_in(&server.client, "ops@example.com", "a long enough password").await;
    let html = server.page(&server.client, path).await.text().await.expect("search page");
    assert!(html.contains("room/ünïcode ☎"), "the failed conference is listed");
    assert!(!html.contains("standup") && !html.contains("retro"), "and only it");

    // Once per period: evaluating and delivering again sends nothing.
    assert!(evaluator::run_once(pool, now + TimeDelta::seconds(5)).await.expect("evaluate").is_empty());
    assert!(deliverer.run_once(now + TimeDelta::hours(2)).await.expect("deliver").is_empty());
    assert_eq!(receiver.received().len(), 1);
}

#[sqlx::test]
async fn a_period_at_or_below_the_threshold_sends_nothing(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(0).await;
    let (id, _) = add_webhook(&collector, input(&receiver.url, "failedConferences", "interval", Some(0.5))).await;
    let (feedback_id, _) =
        add_webhook(&collector, input(&receiver.url, "dissatisfactoryUserFeedback", "interval", Some(0.0))).await;
    let end = period_end(&collector, id).await;
    failed_conference(&collector, "a").await;
    good_conference(&collector, "b").await;

    // Both periods have ended (the second webhook's a moment later).
    let now = end + SETTLE + TimeDelta::seconds(1);
    let evaluated = evaluator::run_once(pool, now).await.expect("evaluate");
    let failed = evaluated.iter().find(|evaluation| evaluation.webhook_id == id).expect("evaluated");
    assert_eq!((failed.ratio.actual, failed.ratio.total, failed.fired), (1, 2, false), "50 % is not above 50 %");
    let feedback = evaluated.iter().find(|evaluation| evaluation.webhook_id == feedback_id).expect("evaluated");
    assert_eq!((feedback.ratio.total, feedback.fired), (0, false), "no feedback: nothing to notify");
    let (deliverer, _own) = deliverer(pool).await;
    assert!(deliverer.run_once(now).await.expect("deliver").is_empty());
    assert!(receiver.received().is_empty());

    // The next period is evaluated an hour later.
    let next = period_end(&collector, id).await;
    assert_eq!(next, end + TimeDelta::hours(1));
}
