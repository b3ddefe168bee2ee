//! What the background workers record: the lifecycle's ends and lag, and
//! webhook attempts with the outbox behind them.

use callscope::server::lifecycle;
use chrono::{TimeDelta, Utc};
use sqlx::PgPool;

use super::{metrics_config, scrape, value};
use crate::collector::Collector;
use crate::webhooks::{Receiver, add_webhook, deliverer, failed_conference, input};

#[sqlx::test]
async fn the_lifecycle_counts_the_conferences_it_ends_and_shows_its_lag(pool: PgPool) {
    let collector = Collector::spawn_with(metrics_config(), pool).await;
    let (server, app) = (&collector.server, collector.app_pk.to_string());
    let app = [("app", app.as_str())];
    collector.join("quiet", "alice").await;
    // Nothing else is heard: due after 5 minutes (docs/operations.md, "Outages").
    sqlx::query("update conference_instances set last_seen_at = now() - interval '7 minutes'")
        .execute(&server.pool)
        .await
        .expect("silence");

    let before = scrape(server).await;
    assert_eq!(value(&before, "callscope_live_conferences", &app), 1.0);
    let lag = value(&before, "callscope_lifecycle_lag_seconds", &[]);
    assert!((115.0..130.0).contains(&lag), "silent for 420 s, due after 300 s: {lag}");
    let round = lifecycle::run_once(&server.pool, Utc::now()).await.expect("round");
    assert_eq!(round.ended.len(), 1);
    let after = scrape(server).await;

    let moved = |name: &str| value(&after, name, &app) - value(&before, name, &app);
    assert_eq!(moved("callscope_conferences_ended_total"), 1.0);
    assert_eq!(moved("callscope_conferences_failed_total"), 0.0, "it had no connection to fail");
    assert_eq!(value(&after, "callscope_live_conferences", &app), 0.0);
    assert_eq!(value(&after, "callscope_lifecycle_lag_seconds", &[]), 0.0);
}

#[sqlx::test]
async fn webhook_attempts_are_counted_by_outcome_and_the_outbox_shows_the_backlog(pool: PgPool) {
    let collector = Collector::spawn_with(metrics_config(), pool).await;
    let server = &collector.server;
    // Busy twice: a retry, then, a day later, a give-up.
    let receiver = Receiver::start(2).await;
    add_webhook(&collector, input(&receiver.url, "failedConferences", "individual", None)).await;
    // Ended (its one endpoint left) as a total failure: one notification.
    failed_conference(&collector, "doomed").await;
    let outcome = |text: &str, outcome: &str| value(text, "callscope_webhook_attempts_total", &[("outcome", outcome)]);

    let before = scrape(server).await;
    assert_eq!(value(&before, "callscope_webhook_outbox_pending", &[]), 1.0);
    assert_eq!(value(&before, "callscope_webhook_outbox_due", &[]), 1.0);
    let (deliverer, _own) = deliverer(&server.pool).await;
    deliverer.run_once(Utc::now()).await.expect("first attempt");
    let retried = scrape(server).await;
    assert_eq!(outcome(&retried, "retry") - outcome(&before, "retry"), 1.0);
    assert_eq!(value(&retried, "callscope_webhook_outbox_due", &[]), 0.0, "not due before its retry");
    assert_eq!(value(&retried, "callscope_webhook_outbox_pending", &[]), 1.0);

    deliverer.run_once(Utc::now() + TimeDelta::hours(25)).await.expect("last attempt");
    let after = scrape(server).await;
    assert_eq!(outcome(&after, "gave_up") - outcome(&before, "gave_up"), 1.0);
    assert_eq!(outcome(&after, "delivered") - outcome(&before, "delivered"), 0.0);
    assert_eq!(value(&after, "callscope_webhook_outbox_pending", &[]), 0.0);
    assert_eq!(receiver.received().len(), 2);
}
