//! Delivery when the receiver is not ready: retried with backoff, every
//! attempt logged; kept pending (not lost) while the receiver is down,
//! across a restart of callscope; given up after a day, then replayable.

use std::time::Duration;

use callscope::server::audit::Actor;
use callscope::server::db::webhook_deliveries::Next;
use callscope::server::webhooks::delivery::{DELIVERY_HEADER, RETRY_FOR};
use callscope::server::webhooks::{self};
use chrono::{TimeDelta, Utc};
use sqlx::PgPool;
use tokio::net::TcpListener;

use super::{Receiver, add_webhook, deliverer, deliveries, failed_conference, feedback, input, verify_like_a_receiver};
use crate::collector::Collector;

#[sqlx::test]
async fn a_receiver_that_fails_twice_then_succeeds_gets_three_attempts_and_one_success(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(2).await;
    let (id, secret) =
        add_webhook(&collector, input(&receiver.url, "dissatisfactoryUserFeedback", "individual", None)).await;
    let alice = collector.join("feedback room", "alice").await;
    feedback(&collector, &alice, 4).await;
    assert!(deliveries(pool, id).await.is_empty(), "a 4 is not dissatisfactory");
    feedback(&collector, &alice, 2).await;
    assert_eq!(deliveries(pool, id).await.len(), 1, "a 2 is, and is enqueued with the feedback");

    let (deliverer, _own) = deliverer(pool).await;
    let mut now = Utc::now();
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        let round = deliverer.run_once(now).await.expect("deliver");
        assert_eq!(round.len(), 1);
        assert!(deliverer.run_once(now).await.expect("deliver").is_empty(), "a retry waits for its time");
        if let Next::RetryAt(at) = round[0].next {
            assert!(at > now, "retried later");
            now = at;
        }
        outcomes.push(round[0].next);
    }
    assert!(matches!(outcomes[..], [Next::RetryAt(_), Next::RetryAt(_), Next::Delivered]), "{outcomes:?}");
    assert!(deliverer.run_once(now + TimeDelta::days(2)).await.expect("deliver").is_empty(), "delivered once");

    let received = receiver.received();
    assert_eq!(received.len(), 3);
    let delivery_id = deliveries(pool, id).await[0].0;
    for request in &received {
        assert_eq!(request.body, received[0].body, "every attempt sends the same bytes");
        assert_eq!(request.header(DELIVERY_HEADER), delivery_id.to_string());
    }
    verify_like_a_receiver(&secret, &received[2], now.timestamp()).expect("signed");
    let body = received[0].json();
    assert_eq!(
        (body["reason"].as_str(), body["triggerType"].as_str()),
        (Some("dissatisfactoryUserFeedback"), Some("individual"))
    );
    assert_eq!(
        (body["actualValue"].as_i64(), body["threshold"].as_f64(), body["fractionalValue"].as_f64()),
        (Some(1), Some(1.0), Some(1.0))
    );
    assert!(body["url"].as_str().expect("url").contains("feedback12=1"));
    assert!(body["text"].as_str().expect("text").contains("gave a rating of 2 out of 5"));

    // The log an admin reads: three attempts, two failures and one success.
    let detail = webhooks::detail(pool, &collector.app_id, id).await.expect("detail");
    let delivery = &detail.deliveries[0];
    assert_eq!(delivery.status, "delivered");
    let codes: Vec<Option<i16>> = delivery.attempts.iter().map(|attempt| attempt.status_code).collect();
    assert_eq!(codes, [Some(500), Some(500), Some(200)]);
    let snippets: Vec<&str> = delivery.attempts.iter().map(|attempt| attempt.response_snippet.as_str()).collect();
    assert_eq!(snippets, ["busy", "busy", "thanks"]);
    assert_eq!(delivery.attempts[0].error.as_deref(), Some("the receiver answered 500 Internal Server Error"));
    assert_eq!(delivery.attempts[2].error, None);
    assert_eq!(delivery.payload.as_deref().map(str::as_bytes), Some(&received[0].body[..]));
}

#[sqlx::test]
async fn a_down_receiver_keeps_the_delivery_pending_across_a_restart(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    // A port nobody listens on, until the receiver comes up on it.
    let port = TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("addr").port();
    let url = format!("http://127.0.0.1:{port}/hooks/callscope?token=abc");
    let (id, secret) = add_webhook(&collector, input(&url, "failedConferences", "individual", None)).await;
    failed_conference(&collector, "doomed").await;

    // The first process tries, fails to connect, and stops.
    let now = Utc::now();
    let (first, first_pool) = deliverer(pool).await;
    let round = first.run_once(now).await.expect("deliver");
    let Next::RetryAt(retry_at) = round[0].next else { panic!("{round:?}") };
    drop(first);
    first_pool.close().await;
    assert_eq!(deliveries(pool, id).await[0].1, "pending", "kept, not lost");

    // The receiver comes back; a new process picks the delivery up when due.
    let receiver = Receiver::start_on(TcpListener::bind(("127.0.0.1", port)).await.expect("rebind"), 0, Duration::ZERO);
    let (second, _own) = deliverer(pool).await;
    assert!(second.run_once(now).await.expect("deliver").is_empty(), "not due yet");
    let round = second.run_once(retry_at).await.expect("deliver");
    assert_eq!(round[0].next, Next::Delivered);
    assert_eq!(receiver.received().len(), 1);
    verify_like_a_receiver(&secret, &receiver.received()[0], retry_at.timestamp()).expect("signed");

    let attempts = &webhooks::detail(pool, &collector.app_id, id).await.expect("detail").deliveries[0].attempts;
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].status_code, None);
    assert!(attempts[0].error.as_deref().is_some_and(|error| error.starts_with("could not connect")), "{attempts:?}");
    assert_eq!(attempts[1].status_code, Some(200));
}

#[sqlx::test]
async fn retries_end_after_a_day_and_an_admin_can_replay(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let port = TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("addr").port();
    let url = format!("http://127.0.0.1:{port}/hooks/callscope");
    let (id, _) = add_webhook(&collector, input(&url, "failedConferences", "individual", None)).await;
    failed_conference(&collector, "doomed").await;
    let (deliverer, _own) = deliverer(pool).await;

    let now = Utc::now();
    let round = deliverer.run_once(now).await.expect("deliver");
    assert!(matches!(round[0].next, Next::RetryAt(_)), "retried within the day");
    let round = deliverer.run_once(now + RETRY_FOR + TimeDelta::minutes(1)).await.expect("deliver");
    assert_eq!(round[0].next, Next::GiveUp);
    let rows = deliveries(pool, id).await;
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("failed", 2));
    assert!(deliverer.run_once(now + TimeDelta::days(3)).await.expect("deliver").is_empty(), "given up");

    // A replay is a new delivery of the same body, sent when due.
    let receiver = Receiver::start_on(TcpListener::bind(("127.0.0.1", port)).await.expect("rebind"), 0, Duration::ZERO);
    let replay = webhooks::replay(pool, &Actor::Cli, &collector.app_id, id, rows[0].0).await.expect("replay");
    let round = deliverer.run_once(Utc::now()).await.expect("deliver");
    assert_eq!((round[0].delivery_id, round[0].next), (replay, Next::Delivered));
    let detail = webhooks::detail(pool, &collector.app_id, id).await.expect("detail");
    let original = detail.deliveries.iter().find(|delivery| delivery.id == rows[0].0).expect("original");
    assert_eq!(receiver.received()[0].body, original.payload.clone().expect("payload").into_bytes());
    assert_eq!(original.status, "failed", "the original stays as it was");
}
