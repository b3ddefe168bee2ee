//! What the workers and the collector record as it happens. Without a
//! recorder (metrics off) each call costs next to nothing.

use std::time::Duration;

use metrics::{counter, histogram};

use super::names;
use crate::server::db::webhook_deliveries::Next;
use crate::server::lifecycle::Summary;

/// The stats writer wrote `size` submissions in one insert taking `took`.
pub fn stats_batch(size: usize, took: Duration) {
    histogram!(names::STATS_BATCH_SIZE).record(size as f64);
    histogram!(names::STATS_COMMIT).record(took);
}

/// A stats batch failed and is retried one submission at a time.
pub fn stats_batch_failed() {
    counter!(names::STATS_BATCH_FAILURES).increment(1);
}

/// `caller` waited `took` for a connection of the main pool.
pub fn pool_acquired(caller: &'static str, took: Duration) {
    histogram!(names::POOL_ACQUIRE, "pool" => "main", "caller" => caller).record(took);
}

/// A conference instance of app `app_id` (internal id) ended, and was
/// summarised in the same transaction (a summary deferred after a failure
/// counts as no total failure).
pub fn conference_ended(app_id: i64, summary: Summary) {
    let app = app_id.to_string();
    counter!(names::CONFERENCES_ENDED, "app" => app.clone()).increment(1);
    if summary == (Summary::Done { total_failure: true }) {
        counter!(names::CONFERENCES_FAILED, "app" => app).increment(1);
    }
}

/// A feedback rated 1 or 2 was stored for app `app_id`.
pub fn feedback_dissatisfied(app_id: i64) {
    counter!(names::FEEDBACK_DISSATISFIED, "app" => app_id.to_string()).increment(1);
}

/// The `outcome` label of each way a webhook delivery attempt ends.
const OUTCOMES: [&str; 3] = ["delivered", "retry", "gave_up"];

/// A webhook delivery attempt was recorded, `next` following it.
pub fn webhook_attempt(next: Next) {
    let outcome = match next {
        Next::Delivered => OUTCOMES[0],
        Next::RetryAt(_) => OUTCOMES[1],
        Next::GiveUp => OUTCOMES[2],
    };
    counter!(names::WEBHOOK_ATTEMPTS, "outcome" => outcome).increment(1);
}

/// Makes the counters without per-app labels exist at zero, so that
/// `rate()` and `increase()` see their first increment.
pub(super) fn start_at_zero() {
    for outcome in OUTCOMES {
        counter!(names::WEBHOOK_ATTEMPTS, "outcome" => outcome).increment(0);
    }
    counter!(names::STATS_BATCH_FAILURES).increment(0);
}
