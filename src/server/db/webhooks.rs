//! Webhooks of an app, and the notifications their causes enqueue: a
//! conference's summary (a failure, a diagnosed issue), a dissatisfied
//! feedback, an interval whose ratio exceeds the threshold. Every enqueue is `on conflict do nothing`
//! on (webhook, dedupe key), so a cause seen twice — a conference summarised
//! again, two processes evaluating at once — is notified once.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::webhook_ratios::Ratio;
use crate::domain::notification::Reason;
use crate::server::AppError;

/// A webhook's settings, as checked by `server::webhooks`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Where to POST.
    pub url: String,
    /// Notification reasons, at least one.
    pub reasons: Vec<String>,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// Ratio to exceed; 1 for individual.
    pub threshold: f64,
    /// Period of an interval trigger.
    pub interval_seconds: i32,
    /// Whether it fires.
    pub enabled: bool,
}

/// An encrypted signing secret.
pub struct SealedSecret<'a> {
    /// AES-256-GCM ciphertext.
    pub ciphertext: &'a [u8],
    /// Its nonce.
    pub nonce: &'a [u8],
    /// How it was sealed (`server::sealed`).
    pub format: i16,
    /// The secret's last four characters.
    pub last4: &'a str,
}

/// Reserves the id of a new webhook, so that its secret can be bound to it
/// (`server::sealed`) before the row is written.
pub async fn next_id(conn: &mut PgConnection) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(r#"select nextval(pg_get_serial_sequence('webhooks', 'id')) as "id!""#)
        .fetch_one(conn)
        .await?)
}

/// Inserts webhook `id` (from [`next_id`]) of `app_id`; its first period
/// ends at `first_period_end`.
pub async fn insert(
    conn: &mut PgConnection,
    id: i64,
    app_id: i64,
    settings: &Settings,
    secret: &SealedSecret<'_>,
    created_by: Option<i64>,
    first_period_end: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into webhooks (id, app_id, url, reasons, trigger_type, threshold, interval_seconds, enabled,
                               secret_ciphertext, secret_nonce, secret_format, secret_last4, created_by,
                               next_evaluation_at)
         overriding system value
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        id,
        app_id,
        settings.url,
        &settings.reasons,
        settings.trigger_type,
        settings.threshold,
        settings.interval_seconds,
        settings.enabled,
        secret.ciphertext,
        secret.nonce,
        secret.format,
        secret.last4,
        created_by,
        first_period_end,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The settings of webhook `id` of `app_id`, locked for a change.
pub async fn settings_for_update(conn: &mut PgConnection, app_id: i64, id: i64) -> Result<Option<Settings>, AppError> {
    Ok(sqlx::query_as!(
        Settings,
        "select url, reasons, trigger_type, threshold, interval_seconds, enabled
           from webhooks where app_id = $1 and id = $2 for update",
        app_id,
        id,
    )
    .fetch_optional(conn)
    .await?)
}

/// Replaces the settings of webhook `id`; with `new_period_end`, a new
/// period starts that ends then, else the current one goes on.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    settings: &Settings,
    new_period_end: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update webhooks set url = $2, reasons = $3, trigger_type = $4, threshold = $5, interval_seconds = $6,
                enabled = $7, next_evaluation_at = coalesce($8, next_evaluation_at), updated_at = now()
          where id = $1",
        id,
        settings.url,
        &settings.reasons,
        settings.trigger_type,
        settings.threshold,
        settings.interval_seconds,
        settings.enabled,
        new_period_end,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the signing secret of webhook `id`.
pub async fn set_secret(conn: &mut PgConnection, id: i64, secret: &SealedSecret<'_>) -> Result<(), AppError> {
    sqlx::query!(
        "update webhooks set secret_ciphertext = $2, secret_nonce = $3, secret_format = $4, secret_last4 = $5,
                updated_at = now()
          where id = $1",
        id,
        secret.ciphertext,
        secret.nonce,
        secret.format,
        secret.last4,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes webhook `id` of `app_id` and its deliveries; false when there was none.
pub async fn delete(conn: &mut PgConnection, app_id: i64, id: i64) -> Result<bool, AppError> {
    let deleted = sqlx::query!("delete from webhooks where app_id = $1 and id = $2", app_id, id).execute(conn).await?;
    Ok(deleted.rows_affected() == 1)
}

/// A webhook as listed: its settings and state, never its secret.
#[derive(Debug, Clone)]
pub struct WebhookRow {
    /// Internal id.
    pub id: i64,
    /// Where notifications are POSTed.
    pub url: String,
    /// Notification reasons.
    pub reasons: Vec<String>,
    /// `interval` or `individual`.
    pub trigger_type: String,
    /// Ratio to exceed; 1 for individual.
    pub threshold: f64,
    /// Period of an interval trigger, in seconds.
    pub interval_seconds: i32,
    /// Whether it fires.
    pub enabled: bool,
    /// Last four characters of its signing secret.
    pub secret_last4: String,
    /// When the current interval period ends.
    pub next_evaluation_at: DateTime<Utc>,
    /// When an interval period was last evaluated.
    pub last_evaluated_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Deliveries waiting for an attempt.
    pub pending: i64,
    /// Deliveries given up on.
    pub failed: i64,
}

/// The webhooks of `app_id` (or only webhook `id`), oldest first, with
/// their pending and given-up delivery counts.
pub async fn list(db: impl PgExecutor<'_>, app_id: i64, id: Option<i64>) -> Result<Vec<WebhookRow>, AppError> {
    Ok(sqlx::query_as!(
        WebhookRow,
        r#"select w.id, w.url, w.reasons, w.trigger_type, w.threshold, w.interval_seconds, w.enabled,
                  w.secret_last4, w.next_evaluation_at, w.last_evaluated_at, w.created_at,
                  (select count(*) from webhook_deliveries d
                    where d.webhook_id = w.id and d.status = 'pending') as "pending!",
                  (select count(*) from webhook_deliveries d
                    where d.webhook_id = w.id and d.status = 'failed') as "failed!"
             from webhooks w
            where w.app_id = $1 and ($2::bigint is null or w.id = $2)
            order by w.id"#,
        app_id,
        id,
    )
    .fetch_all(db)
    .await?)
}

/// Enqueues a notification for each enabled individual webhook of the
/// instance's app and each of its reasons among `reasons` (those the
/// summarised instance counts for). Run in the transaction that summarises
/// it; once per webhook, reason and instance, however often it is summarised.
pub async fn enqueue_conference(conn: &mut PgConnection, instance_id: i64, reasons: &[Reason]) -> Result<(), AppError> {
    let reasons: Vec<&str> = reasons.iter().map(|reason| reason.as_str()).collect();
    // `conference:<id>` for failedConferences, as it always was, so that
    // no conference notified before is notified again.
    sqlx::query!(
        "insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key,
                                         period_start, period_end, instance_id)
         select w.id, r.reason, 'individual',
                case when r.reason = 'failedConferences' then '' else r.reason || ':' end || 'conference:' || ci.id,
                ci.started_at, coalesce(ci.ended_at, ci.last_activity_at), ci.id
           from conference_instances ci
           join webhooks w on w.app_id = ci.app_id
           cross join lateral unnest(w.reasons) as r (reason)
          where ci.id = $1 and r.reason = any($2::text[])
            and w.enabled and w.trigger_type = 'individual'
         on conflict (webhook_id, dedupe_key) do nothing",
        instance_id,
        &reasons as &[&str],
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Enqueues a `dissatisfactoryUserFeedback` notification for each enabled
/// individual webhook of the feedback's app, when any of its ratings is 1
/// or 2. Run in the transaction that stores the feedback.
pub async fn enqueue_dissatisfied_feedback(conn: &mut PgConnection, feedback_id: i64) -> Result<(), AppError> {
    sqlx::query!(
        "insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key,
                                         period_start, period_end, instance_id, feedback_id)
         select w.id, 'dissatisfactoryUserFeedback', 'individual', 'feedback:' || f.id,
                f.submitted_at, f.submitted_at, f.instance_id, f.id
           from feedback f
           join webhooks w on w.app_id = f.app_id
          where f.id = $1 and least(f.overall_rating, f.audio_rating, f.video_rating, f.screen_rating) <= 2
            and w.enabled and w.trigger_type = 'individual' and 'dissatisfactoryUserFeedback' = any(w.reasons)
         on conflict (webhook_id, dedupe_key) do nothing",
        feedback_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An interval webhook whose period has ended, claimed for evaluation.
#[derive(Debug)]
pub struct DueEvaluation {
    /// The webhook.
    pub id: i64,
    /// Its app (internal id).
    pub app_id: i64,
    /// Reasons to evaluate.
    pub reasons: Vec<String>,
    /// Ratio to exceed.
    pub threshold: f64,
    /// Period length.
    pub interval_seconds: i32,
    /// End of the period to evaluate.
    pub period_end: DateTime<Utc>,
}

/// Locks up to `limit` enabled interval webhooks whose period ended at or
/// before `ended_by`, skipping those another process holds.
pub async fn claim_due(
    conn: &mut PgConnection,
    ended_by: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueEvaluation>, AppError> {
    Ok(sqlx::query_as!(
        DueEvaluation,
        "select id, app_id, reasons, threshold, interval_seconds, next_evaluation_at as period_end
           from webhooks
          where enabled and trigger_type = 'interval' and next_evaluation_at <= $1
          order by next_evaluation_at
          limit $2
          for update skip locked",
        ended_by,
        limit,
    )
    .fetch_all(conn)
    .await?)
}

/// Enqueues an interval notification of webhook `id` for the period
/// `[from, to)`; once per webhook, reason and period.
pub async fn enqueue_interval(
    conn: &mut PgConnection,
    id: i64,
    reason: &str,
    ratio: Ratio,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key,
                                         actual_value, total, period_start, period_end)
         values ($1, $2, 'interval', 'interval:' || $2 || ':' || (extract(epoch from $4::timestamptz) * 1000)::bigint,
                 $5, $6, $3, $4)
         on conflict (webhook_id, dedupe_key) do nothing",
        id,
        reason,
        from,
        to,
        ratio.actual,
        ratio.total,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the evaluation of webhook `id` at `now`; its next period ends at `next_period_end`.
pub async fn evaluated(
    conn: &mut PgConnection,
    id: i64,
    now: DateTime<Utc>,
    next_period_end: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update webhooks set last_evaluated_at = $2, next_evaluation_at = $3 where id = $1",
        id,
        now,
        next_period_end,
    )
    .execute(conn)
    .await?;
    Ok(())
}
