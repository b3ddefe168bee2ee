//! The webhook outbox: claiming due deliveries, rendering their body once,
//! recording every attempt, and the admin delivery log.
//!
//! A claim is a lease: in one statement the due rows are locked (skipping
//! rows another process holds), their attempt count raised and their
//! `next_attempt_at` pushed past the lease, then committed before the POST.
//! No other process sees them due until the attempt is recorded or the
//! lease runs out (the holder died), so each attempt is made by one process.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::server::AppError;

/// A delivery claimed for one attempt, with what sending it needs.
#[derive(Debug)]
pub struct Claimed {
    /// The delivery.
    pub id: i64,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
    /// When it was enqueued: retries stop a day after.
    pub created_at: DateTime<Utc>,
    /// The rendered body, or none before the first attempt.
    pub payload: Option<String>,
    /// Where to POST.
    pub url: String,
    /// The webhook, and its app (internal id): the row its secret is sealed to.
    pub webhook_id: i64,
    /// The webhook's app (internal id).
    pub webhook_app_id: i64,
    /// The encrypted signing secret and its nonce.
    pub secret_ciphertext: Vec<u8>,
    /// Nonce of the secret.
    pub secret_nonce: Vec<u8>,
    /// How the secret was sealed (`server::sealed`).
    pub secret_format: i16,
    /// What rendering the body needs.
    pub cause: Cause,
}

/// What a notification is about.
#[derive(Debug, Clone)]
pub struct Cause {
    /// The notification reason.
    pub reason: String,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// The app's public appID.
    pub app_id: String,
    /// The webhook's threshold.
    pub threshold: f64,
    /// Period length of an interval trigger.
    pub interval_seconds: i32,
    /// Failed conferences or dissatisfied feedback.
    pub actual_value: i64,
    /// Of how many.
    pub total: i64,
    /// The period.
    pub period_start: DateTime<Utc>,
    /// End of the period.
    pub period_end: DateTime<Utc>,
    /// The conferenceID of an individual notification, unless deleted since.
    pub conference_id: Option<String>,
    /// The lowest rating of a dissatisfied feedback.
    pub lowest_rating: Option<i16>,
}

/// Claims up to `limit` pending deliveries due at `now`, leasing each until
/// `lease_until`. A disabled webhook's deliveries wait until it is enabled again.
pub async fn claim(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>, AppError> {
    let rows = sqlx::query!(
        r#"with due as (
               select d.id from webhook_deliveries d
                where d.status = 'pending' and d.next_attempt_at <= $1
                  and exists (select 1 from webhooks w where w.id = d.webhook_id and w.enabled)
                order by d.next_attempt_at
                limit $3
                for update of d skip locked
           ), claimed as (
               update webhook_deliveries d
                  set attempts = d.attempts + 1, next_attempt_at = $2
                 from due where d.id = due.id
               returning d.*
           )
           select c.id, c.attempts, c.created_at, c.payload, c.reason, c.trigger_type, c.actual_value, c.total,
                  c.period_start, c.period_end,
                  w.url, w.id as webhook_id, w.app_id as webhook_app_id, w.secret_ciphertext, w.secret_nonce,
                  w.secret_format, w.threshold, w.interval_seconds,
                  a.public_id as app_id,
                  ci.conference_id as "conference_id?",
                  least(f.overall_rating, f.audio_rating, f.video_rating, f.screen_rating) as lowest_rating
             from claimed c
             join webhooks w on w.id = c.webhook_id
             join apps a on a.id = w.app_id
             left join conference_instances ci on ci.id = c.instance_id
             left join feedback f on f.id = c.feedback_id
            order by c.id"#,
        now,
        lease_until,
        limit,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Claimed {
            id: row.id,
            attempt: row.attempts,
            created_at: row.created_at,
            payload: row.payload,
            url: row.url,
            webhook_id: row.webhook_id,
            webhook_app_id: row.webhook_app_id,
            secret_ciphertext: row.secret_ciphertext,
            secret_nonce: row.secret_nonce,
            secret_format: row.secret_format,
            cause: Cause {
                reason: row.reason,
                trigger_type: row.trigger_type,
                app_id: row.app_id,
                threshold: row.threshold,
                interval_seconds: row.interval_seconds,
                actual_value: row.actual_value,
                total: row.total,
                period_start: row.period_start,
                period_end: row.period_end,
                conference_id: row.conference_id,
                lowest_rating: row.lowest_rating,
            },
        })
        .collect())
}

/// Stores the rendered body of delivery `id`, which every attempt then sends.
pub async fn set_payload(conn: &mut PgConnection, id: i64, payload: &str) -> Result<(), AppError> {
    sqlx::query!("update webhook_deliveries set payload = $2 where id = $1 and payload is null", id, payload)
        .execute(conn)
        .await?;
    Ok(())
}

/// One attempt as made.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    /// The delivery.
    pub delivery_id: i64,
    /// Its number.
    pub attempt: i32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub latency_ms: i32,
    /// The HTTP status, if a response came.
    pub status_code: Option<i16>,
    /// Why it failed.
    pub error: Option<&'a str>,
    /// The start of the response body.
    pub response_snippet: &'a str,
}

/// What follows an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The receiver accepted it.
    Delivered,
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// Retries are exhausted.
    GiveUp,
}

/// Logs `attempt` and moves its delivery on to `next`, in one transaction.
pub async fn record(pool: &PgPool, attempt: &Attempt<'_>, next: Next) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "insert into webhook_attempts (delivery_id, attempt, started_at, latency_ms, status_code, error, response_snippet)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (delivery_id, attempt) do nothing",
        attempt.delivery_id,
        attempt.attempt,
        attempt.started_at,
        attempt.latency_ms,
        attempt.status_code,
        attempt.error,
        attempt.response_snippet,
    )
    .execute(&mut *tx)
    .await?;
    let (status, next_attempt_at) = match next {
        Next::Delivered => ("delivered", None),
        Next::RetryAt(at) => ("pending", Some(at)),
        Next::GiveUp => ("failed", None),
    };
    sqlx::query!(
        "update webhook_deliveries
            set status = $2::text, next_attempt_at = $3, last_attempt_at = $4::timestamptz, last_status_code = $5,
                last_error = $6, delivered_at = case when $2::text = 'delivered' then $4::timestamptz end
          where id = $1",
        attempt.delivery_id,
        status,
        next_attempt_at,
        attempt.started_at,
        attempt.status_code,
        attempt.error,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Enqueues the same body as delivery `id` of webhook `webhook_id` again,
/// as a new delivery due now; `None` when there is no such delivery, or it
/// has no body yet (its first attempt has not happened).
pub async fn replay(conn: &mut PgConnection, webhook_id: i64, id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key, payload, actual_value, total,
                                         period_start, period_end, instance_id, feedback_id, replay_of)
         select webhook_id, reason, trigger_type,
                'replay:' || id || ':' || (select count(*) from webhook_deliveries r where r.replay_of = d.id),
                payload, actual_value, total, period_start, period_end, instance_id, feedback_id, id
           from webhook_deliveries d
          where webhook_id = $1 and id = $2 and payload is not null
         returning id",
        webhook_id,
        id,
    )
    .fetch_optional(conn)
    .await?)
}

/// A delivery in the log, with its attempts.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    /// Internal id.
    pub id: i64,
    /// The notification reason.
    pub reason: String,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the receiver accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The rendered body, once the first attempt made it.
    pub payload: Option<String>,
    /// The delivery this one replays.
    pub replay_of: Option<i64>,
    /// Its attempts, oldest first.
    pub attempts: Vec<AttemptRow>,
}

/// An attempt in the log.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    /// Its number, 1 for the first.
    pub attempt: i32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub latency_ms: i32,
    /// The HTTP status, if a response came.
    pub status_code: Option<i16>,
    /// Why it failed.
    pub error: Option<String>,
    /// The start of the response body.
    pub response_snippet: String,
}

/// The newest `limit` deliveries of webhook `webhook_id` with their attempts.
pub async fn log(pool: &PgPool, webhook_id: i64, limit: i64) -> Result<Vec<DeliveryRow>, AppError> {
    let mut deliveries = sqlx::query!(
        "select id, reason, trigger_type, status, created_at, next_attempt_at, delivered_at, payload, replay_of
           from webhook_deliveries where webhook_id = $1
          order by created_at desc, id desc limit $2",
        webhook_id,
        limit,
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| DeliveryRow {
        id: row.id,
        reason: row.reason,
        trigger_type: row.trigger_type,
        status: row.status,
        created_at: row.created_at,
        next_attempt_at: row.next_attempt_at,
        delivered_at: row.delivered_at,
        payload: row.payload,
        replay_of: row.replay_of,
        attempts: Vec::new(),
    })
    .collect::<Vec<_>>();
    let ids: Vec<i64> = deliveries.iter().map(|delivery| delivery.id).collect();
    let attempts = sqlx::query!(
        "select delivery_id, attempt, started_at, latency_ms, status_code, error, response_snippet
           from webhook_attempts where delivery_id = any($1) order by delivery_id, attempt",
        &ids,
    )
    .fetch_all(pool)
    .await?;
    for row in attempts {
        if let Some(delivery) = deliveries.iter_mut().find(|delivery| delivery.id == row.delivery_id) {
            delivery.attempts.push(AttemptRow {
                attempt: row.attempt,
                started_at: row.started_at,
                latency_ms: row.latency_ms,
                status_code: row.status_code,
                error: row.error,
                response_snippet: row.response_snippet,
            });
        }
    }
    Ok(deliveries)
}
