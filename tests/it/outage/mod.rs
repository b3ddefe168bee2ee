//! Outages survived with nothing acknowledged lost (docs/operations.md,
//! "Outages"): the collector unreachable for a minute ends no call whose
//! clients come back; data that reaches one process just after another
//! ended its conference is summarised; the store restarting under load.

mod concurrent_ends;
mod late_data;
mod silence;
mod store_restart;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Records that the collector heard from instance `id` at `at` (server
/// time), as a poll or event reaching it then would: how the tests drive
/// the clock of the silence rule.
pub async fn heard(pool: &PgPool, id: i64, at: DateTime<Utc>) {
    sqlx::query("update conference_instances set last_seen_at = $2 where id = $1")
        .bind(id)
        .bind(at)
        .execute(pool)
        .await
        .expect("heard");
}

/// The status and end reason of instance `id`.
async fn status(pool: &PgPool, id: i64) -> (String, Option<String>) {
    sqlx::query_as("select status, end_reason from conference_instances where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("instance")
}
