//! User feedback, and the feedback summary of its conference instance.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{conferences, webhooks};
use crate::domain::rollup;
use crate::server::AppError;

/// One feedback of an endpoint: ratings 1..=5 and a comment, at least one given.
#[derive(Debug)]
pub struct Feedback<'a> {
    /// remoteID: the peer the rating is about (may be empty).
    pub remote_user_id: &'a str,
    /// overallRating.
    pub overall: Option<i16>,
    /// audioQualityRating.
    pub audio: Option<i16>,
    /// videoQualityRating.
    pub video: Option<i16>,
    /// screenQualityRating.
    pub screen: Option<i16>,
    /// comments.
    pub comment: Option<&'a str>,
    /// When the user gave it (client clock).
    pub submitted_at: DateTime<Utc>,
}

impl Feedback<'_> {
    /// Whether any rating is 1 or 2 (what the webhooks and the metrics call dissatisfied).
    pub fn is_dissatisfied(&self) -> bool {
        [self.overall, self.audio, self.video, self.screen].into_iter().flatten().any(|rating| rating <= 2)
    }
}

/// Stores `feedback` of `endpoint_id` and recomputes the feedback summary
/// of its instance (count, lowest rating, average overall rating). Feedback
/// often arrives after the instance ended; the summary is kept here, in the
/// same transaction, not only by the finalizer. A rating of 1 or 2 is
/// notified to the app's individual webhooks.
pub async fn insert(
    conn: &mut PgConnection,
    instance_id: i64,
    endpoint_id: Uuid,
    app_id: i64,
    feedback: &Feedback<'_>,
) -> Result<i64, AppError> {
    // Serialises feedback of one instance, so that the summary computed
    // below (a new statement, a new snapshot) sees every earlier feedback.
    conferences::lock_instance(conn, instance_id).await?;
    let id = sqlx::query_scalar!(
        r#"insert into feedback (
               instance_id, endpoint_id, app_id, remote_user_id, overall_rating, audio_rating,
               video_rating, screen_rating, comment, submitted_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id"#,
        instance_id,
        endpoint_id,
        app_id,
        feedback.remote_user_id,
        feedback.overall,
        feedback.audio,
        feedback.video,
        feedback.screen,
        feedback.comment,
        feedback.submitted_at,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update conference_instances ci
           set feedback_count = summary.count, feedback_min_rating = summary.min_rating,
               feedback_avg_overall = summary.avg_overall
           from (select count(*)::int as count, min(min_rating) as min_rating,
                        avg(overall_rating)::float8 as avg_overall
                 from feedback where instance_id = $1) summary
           where ci.id = $1"#,
        instance_id,
    )
    .execute(&mut *conn)
    .await?;
    roll_up(conn, id).await?;
    webhooks::enqueue_dissatisfied_feedback(conn, id).await?;
    Ok(id)
}

/// Counts feedback `id` in its day's `daily_feedback` rows, under its
/// endpoint's applicationVersion — or under [`rollup::OTHER`] once the day
/// has [`rollup::TALLY_KEYS`] versions, so a client sending endless
/// versions cannot grow the day without bound.
async fn roll_up(conn: &mut PgConnection, id: i64) -> Result<(), AppError> {
    sqlx::query!(
        r#"with this as (
               select f.app_id, (f.submitted_at at time zone 'UTC')::date as day,
                      coalesce(e.application_version, '') as version, f.overall_rating, f.audio_rating,
                      f.video_rating, f.screen_rating, f.min_rating
                 from feedback f join endpoints e on e.id = f.endpoint_id where f.id = $1
           ), counted as (
               select t.*, case when exists (select 1 from daily_feedback d where d.app_id = t.app_id
                                              and d.day = t.day and d.app_version = t.version)
                                  or (select count(distinct d.app_version) from daily_feedback d
                                       where d.app_id = t.app_id and d.day = t.day) < $2
                                then t.version else $3 end as app_version
                 from this t
           )
           insert into daily_feedback (app_id, day, app_version, kind, rating, count)
           select c.app_id, c.day, c.app_version, r.kind, r.rating, 1
             from counted c,
                  lateral (values ('overall', c.overall_rating), ('audio', c.audio_rating),
                                  ('video', c.video_rating), ('screen', c.screen_rating),
                                  ('lowest', c.min_rating)) r (kind, rating)
            where r.rating is not null
           on conflict (app_id, day, app_version, kind, rating) do update set count = daily_feedback.count + 1"#,
        id,
        rollup::TALLY_KEYS as i64,
        rollup::OTHER,
    )
    .execute(conn)
    .await?;
    Ok(())
}
