//! What `/metrics` reads from the store at scrape time: a few grouped
//! queries whose cost grows with the apps, the live conferences and the
//! pending webhook deliveries, never with the history.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::server::AppError;

/// One app's live figures.
#[derive(Debug)]
pub struct AppLive {
    /// Internal id (the `app` label).
    pub app_id: i64,
    /// The public appID.
    pub public_id: String,
    /// Live conference instances.
    pub conferences: i64,
    /// Endpoints present (not left) in them.
    pub endpoints: i64,
}

/// Every app with its live conferences and endpoints (zero when none), in one query.
pub async fn live_by_app(conn: &mut PgConnection) -> Result<Vec<AppLive>, AppError> {
    Ok(sqlx::query_as!(
        AppLive,
        r#"select a.id as "app_id!", a.public_id as "public_id!",
                  coalesce(live.conferences, 0) as "conferences!", coalesce(live.endpoints, 0) as "endpoints!"
             from apps a
             left join (select i.app_id, count(distinct i.id) as conferences, count(e.id) as endpoints
                          from conference_instances i
                          left join endpoints e on e.instance_id = i.id and e.left_at is null
                         where i.status = 'live'
                         group by i.app_id) live on live.app_id = a.id
            order by a.id"#,
    )
    .fetch_all(conn)
    .await?)
}

/// The background work the store shows as waiting.
#[derive(Debug)]
pub struct Backlog {
    /// Seconds the oldest live instance has been silent past `silent_since`; 0 when none is.
    pub lifecycle_lag_seconds: f64,
    /// Webhook deliveries pending.
    pub outbox_pending: i64,
    /// Pending deliveries due (of enabled webhooks: a disabled one's wait).
    pub outbox_due: i64,
    /// Seconds the longest-due delivery has been due; 0 when none is.
    pub outbox_oldest_due_seconds: f64,
}

/// The lifecycle's lag (instances silent since before `silent_since` are
/// overdue for ending) and the webhook outbox as of `now`.
pub async fn backlog(
    conn: &mut PgConnection,
    silent_since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Backlog, AppError> {
    Ok(sqlx::query_as!(
        Backlog,
        r#"select
               (select greatest(0, coalesce(extract(epoch from $1 - min(last_seen_at)), 0))::float8
                  from conference_instances where status = 'live') as "lifecycle_lag_seconds!",
               count(*) as "outbox_pending!",
               count(*) filter (where d.next_attempt_at <= $2 and w.enabled) as "outbox_due!",
               coalesce(extract(epoch from $2 - min(d.next_attempt_at) filter (where d.next_attempt_at <= $2 and w.enabled)),
                        0)::float8 as "outbox_oldest_due_seconds!"
             from webhook_deliveries d
             join webhooks w on w.id = d.webhook_id
            where d.status = 'pending'"#,
        silent_since,
        now,
    )
    .fetch_one(conn)
    .await?)
}
