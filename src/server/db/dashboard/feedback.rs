//! Feedback over a period: ratings submitted in `[from, to)` to the apps a
//! user may see, optionally only from endpoints of one applicationVersion.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::server::AppError;

/// Which feedback rows to read.
pub struct Filter<'a> {
    /// Internal app ids.
    pub apps: &'a [i64],
    /// Submitted at or after.
    pub from: DateTime<Utc>,
    /// Submitted before.
    pub to: DateTime<Utc>,
    /// Only endpoints that reported this applicationVersion.
    pub app_version: Option<&'a str>,
}

/// How many ratings of each value one kind (overall, audio, video, screen) got.
pub struct RatingCount {
    /// `overall`, `audio`, `video` or `screen`.
    pub kind: String,
    /// 1 to 5.
    pub rating: i16,
    /// How many.
    pub count: i64,
}

/// One day of feedback.
pub struct Day {
    /// The day (UTC midnight).
    pub day: DateTime<Utc>,
    /// Mean overall rating, when any was given.
    pub mean_overall: Option<f64>,
    /// Feedback rows with a rating.
    pub rated: i64,
    /// Of those, with a rating of 1 or 2.
    pub dissatisfied: i64,
}

/// A comment left with a rating.
pub struct Comment {
    /// The conference instance.
    pub instance_id: i64,
    /// Its conferenceID.
    pub conference_id: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The overall rating given with it.
    pub overall: Option<i16>,
    /// The comment.
    pub comment: String,
}

/// Rating counts by kind and value.
pub async fn distribution(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<RatingCount>, AppError> {
    Ok(sqlx::query_as!(
        RatingCount,
        r#"select r.kind as "kind!", r.rating as "rating!", count(*) as "count!"
             from feedback f join endpoints e on e.id = f.endpoint_id,
                  lateral (values ('overall', f.overall_rating), ('audio', f.audio_rating),
                                  ('video', f.video_rating), ('screen', f.screen_rating)) r(kind, rating)
            where f.app_id = any($1) and f.submitted_at >= $2 and f.submitted_at < $3
              and ($4::text is null or e.application_version = $4) and r.rating is not null
            group by 1, 2 order by 1, 2"#,
        filter.apps,
        filter.from,
        filter.to,
        filter.app_version,
    )
    .fetch_all(pool)
    .await?)
}

/// Feedback by day, oldest first; days without feedback are left out.
pub async fn days(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<Day>, AppError> {
    Ok(sqlx::query_as!(
        Day,
        r#"select date_trunc('day', f.submitted_at, 'UTC') as "day!", avg(f.overall_rating)::float8 as mean_overall,
                  count(f.min_rating) as "rated!", count(*) filter (where f.min_rating <= 2) as "dissatisfied!"
             from feedback f join endpoints e on e.id = f.endpoint_id
            where f.app_id = any($1) and f.submitted_at >= $2 and f.submitted_at < $3
              and ($4::text is null or e.application_version = $4)
            group by 1 order by 1"#,
        filter.apps,
        filter.from,
        filter.to,
        filter.app_version,
    )
    .fetch_all(pool)
    .await?)
}

/// The newest `limit` comments.
pub async fn comments(pool: &PgPool, filter: &Filter<'_>, limit: i64) -> Result<Vec<Comment>, AppError> {
    Ok(sqlx::query_as!(
        Comment,
        r#"select f.instance_id, ci.conference_id, f.submitted_at, f.overall_rating as overall,
                  f.comment as "comment!"
             from feedback f join endpoints e on e.id = f.endpoint_id
                  join conference_instances ci on ci.id = f.instance_id
            where f.app_id = any($1) and f.submitted_at >= $2 and f.submitted_at < $3
              and ($4::text is null or e.application_version = $4) and f.comment is not null
            order by f.submitted_at desc, f.id desc limit $5"#,
        filter.apps,
        filter.from,
        filter.to,
        filter.app_version,
        limit,
    )
    .fetch_all(pool)
    .await?)
}

/// The applicationVersions that sent feedback in the period, for the filter.
pub async fn app_versions(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select distinct e.application_version as "version!"
             from feedback f join endpoints e on e.id = f.endpoint_id
            where f.app_id = any($1) and f.submitted_at >= $2 and f.submitted_at < $3
              and e.application_version is not null
            order by 1"#,
        filter.apps,
        filter.from,
        filter.to,
    )
    .fetch_all(pool)
    .await?)
}
