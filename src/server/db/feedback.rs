//! User feedback, and the feedback summary of its conference instance.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{conferences, webhooks};
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
    webhooks::enqueue_dissatisfied_feedback(conn, id).await?;
    Ok(id)
}
