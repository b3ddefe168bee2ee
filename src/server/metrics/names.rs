//! Every metric's name and help text, in one place: docs/operations.md
//! lists the same, and a test checks that the docs use no other name.

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};

/// Requests answered, by surface, route template, method and status.
pub const HTTP_REQUESTS: &str = "callscope_http_requests_total";
/// Time to the response's head, by surface, route template and method.
pub const HTTP_DURATION: &str = "callscope_http_request_duration_seconds";
/// Stats submissions waiting for a writer.
pub const STATS_QUEUE: &str = "callscope_stats_queue_depth";
/// Submissions per stats insert.
pub const STATS_BATCH_SIZE: &str = "callscope_stats_batch_size";
/// Time of one stats insert, commit included.
pub const STATS_COMMIT: &str = "callscope_stats_commit_duration_seconds";
/// Stats batches that failed and were written one by one.
pub const STATS_BATCH_FAILURES: &str = "callscope_stats_batch_failures_total";
/// Connections of a pool, by pool and state.
pub const POOL_CONNECTIONS: &str = "callscope_db_pool_connections";
/// The most connections a pool opens.
pub const POOL_MAX: &str = "callscope_db_pool_max_connections";
/// Time waited for a connection, by caller.
pub const POOL_ACQUIRE: &str = "callscope_db_pool_acquire_duration_seconds";
/// How far the oldest live instance is past its silence deadline.
pub const LIFECYCLE_LAG: &str = "callscope_lifecycle_lag_seconds";
/// Webhook deliveries not yet delivered nor given up.
pub const OUTBOX_PENDING: &str = "callscope_webhook_outbox_pending";
/// Pending webhook deliveries whose next attempt is due.
pub const OUTBOX_DUE: &str = "callscope_webhook_outbox_due";
/// How long the longest-due pending delivery has been due.
pub const OUTBOX_OLDEST_DUE: &str = "callscope_webhook_outbox_oldest_due_seconds";
/// Webhook delivery attempts, by outcome (`delivered`, `retry`, `gave_up`).
pub const WEBHOOK_ATTEMPTS: &str = "callscope_webhook_attempts_total";
/// 1 per app, labelled with its internal id and its public appID.
pub const APP_INFO: &str = "callscope_app_info";
/// Live conference instances, by app.
pub const LIVE_CONFERENCES: &str = "callscope_live_conferences";
/// Endpoints present in live conference instances, by app.
pub const LIVE_ENDPOINTS: &str = "callscope_live_endpoints";
/// Conference instances ended, by app.
pub const CONFERENCES_ENDED: &str = "callscope_conferences_ended_total";
/// Conference instances ended as a total failure, by app.
pub const CONFERENCES_FAILED: &str = "callscope_conferences_failed_total";
/// Feedback rated 1 or 2, by app.
pub const FEEDBACK_DISSATISFIED: &str = "callscope_feedback_dissatisfied_total";
/// 1 when the scrape could read the store's gauges, 0 when it could not.
pub const STORE_UP: &str = "callscope_metrics_store_up";

/// Registers the help text of every metric with the recorder.
pub fn describe() {
    describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by surface, route template, method and status.");
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to the response's head, by surface, route and method.");
    describe_gauge!(STATS_QUEUE, "Stats submissions waiting for a writer.");
    describe_histogram!(STATS_BATCH_SIZE, "Stats submissions written per insert (group commit).");
    describe_histogram!(STATS_COMMIT, Unit::Seconds, "Time of one stats insert, commit included.");
    describe_counter!(STATS_BATCH_FAILURES, "Stats batches that failed and were retried one submission at a time.");
    describe_gauge!(POOL_CONNECTIONS, "Open connections of a pool, by pool and state (in_use, idle).");
    describe_gauge!(POOL_MAX, "The most connections a pool opens.");
    describe_histogram!(POOL_ACQUIRE, Unit::Seconds, "Time waited for a pooled connection, by caller.");
    describe_gauge!(LIFECYCLE_LAG, Unit::Seconds, "How far the oldest live instance is past its silence deadline.");
    describe_gauge!(OUTBOX_PENDING, "Webhook deliveries neither delivered nor given up.");
    describe_gauge!(OUTBOX_DUE, "Pending webhook deliveries whose next attempt is due.");
    describe_gauge!(OUTBOX_OLDEST_DUE, Unit::Seconds, "How long the longest-due pending delivery has been due.");
    describe_counter!(WEBHOOK_ATTEMPTS, "Webhook delivery attempts, by outcome (delivered, retry, gave_up).");
    describe_gauge!(APP_INFO, "1 per app: its internal id (the app label elsewhere) and public appID.");
    describe_gauge!(LIVE_CONFERENCES, "Live conference instances, by app.");
    describe_gauge!(LIVE_ENDPOINTS, "Endpoints present in live conference instances, by app.");
    describe_counter!(CONFERENCES_ENDED, "Conference instances ended, by app.");
    describe_counter!(CONFERENCES_FAILED, "Conference instances ended as a total failure, by app.");
    describe_counter!(FEEDBACK_DISSATISFIED, "Feedback with a rating of 1 or 2, by app.");
    describe_gauge!(STORE_UP, "1 when the last scrape read the store's gauges, 0 when it could not.");
}
