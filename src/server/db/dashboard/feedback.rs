//! Feedback over a period: ratings submitted in `[from, to)` to the apps a
//! user may see, optionally only from endpoints of one applicationVersion.
//! Counts come from the daily rollups (`daily_feedback`), comments from
//! the feedback rows.

use chrono::{DateTime, NaiveDate, Utc};
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

impl Filter<'_> {
    /// The UTC days `[first, end)` of the period (whole days: a report's
    /// period runs from midnight to midnight).
    fn days(&self) -> (NaiveDate, NaiveDate) {
        (self.from.date_naive(), self.to.date_naive())
    }
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

/// Rating counts by kind and value (from the daily rollups).
pub async fn distribution(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<RatingCount>, AppError> {
    let (first, end) = filter.days();
    Ok(sqlx::query_as!(
        RatingCount,
        r#"select kind as "kind!", rating as "rating!", sum(count)::bigint as "count!"
             from daily_feedback
            where app_id = any($1) and day >= $2 and day < $3 and ($4::text is null or app_version = $4)
              and kind <> 'lowest'
            group by 1, 2 order by 1, 2"#,
        filter.apps,
        first,
        end,
        filter.app_version,
    )
    .fetch_all(pool)
    .await?)
}

/// Feedback by day, oldest first (from the daily rollups); days without
/// feedback are left out.
pub async fn days(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<Day>, AppError> {
    let (first, end) = filter.days();
    Ok(sqlx::query_as!(
        Day,
        r#"select (day::timestamp at time zone 'UTC') as "day!",
                  (sum(rating * count) filter (where kind = 'overall'))::float8
                      / nullif(sum(count) filter (where kind = 'overall'), 0) as mean_overall,
                  coalesce(sum(count) filter (where kind = 'lowest'), 0)::bigint as "rated!",
                  coalesce(sum(count) filter (where kind = 'lowest' and rating <= 2), 0)::bigint as "dissatisfied!"
             from daily_feedback
            where app_id = any($1) and day >= $2 and day < $3 and ($4::text is null or app_version = $4)
            group by day order by day"#,
        filter.apps,
        first,
        end,
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
    let (first, end) = filter.days();
    Ok(sqlx::query_scalar!(
        r#"select distinct app_version as "version!" from daily_feedback
            where app_id = any($1) and day >= $2 and day < $3 and app_version <> ''
            order by 1"#,
        filter.apps,
        first,
        end,
    )
    .fetch_all(pool)
    .await?)
}
