//! The feedback page: rating distributions, the daily trend, the share of
//! dissatisfied users and their comments.

use chrono::{DateTime, TimeDelta, Utc};

use super::period::Scope;
use crate::api::{CurrentUser, FeedbackComment, FeedbackDay, FeedbackReport, RatingDistribution, ReportQuery};
use crate::server::AppError;
use crate::server::charts::{BarChart, LineChart, Point, Series, off_runtime};
use crate::server::db::dashboard::ReadPool;
use crate::server::db::dashboard::feedback::{self as db, Filter};

/// The kinds of rating, in the order shown.
const KINDS: [(&str, &str); 4] = [
    ("overall", "Overall rating"),
    ("audio", "Audio rating"),
    ("video", "Video rating"),
    ("screen", "Screen share rating"),
];
/// Comments shown, newest first.
const COMMENTS: i64 = 50;

/// The feedback report of `query` for `user` as of `now`.
pub async fn feedback(
    read: &ReadPool,
    user: &CurrentUser,
    query: ReportQuery,
    now: DateTime<Utc>,
) -> Result<FeedbackReport, AppError> {
    let pool = read.pool();
    let Scope { apps, choices, days, from, to } = Scope::of(pool, user, &query, now).await?;
    let filter = Filter { apps: &apps, from, to, app_version: query.app_version.as_deref() };
    // Four independent reads, each on its own connection.
    let (counts, rows, comments, app_versions) = tokio::try_join!(
        db::distribution(pool, &filter),
        db::days(pool, &filter),
        db::comments(pool, &filter, COMMENTS),
        db::app_versions(pool, &filter),
    )?;

    let mut distributions = Vec::new();
    for (index, (kind, title)) in KINDS.into_iter().enumerate() {
        let mut tally = [0i64; 5];
        for count in counts.iter().filter(|count| count.kind == kind) {
            if let Some(slot) = usize::try_from(count.rating - 1).ok().and_then(|i| tally.get_mut(i)) {
                *slot = count.count;
            }
        }
        let total: i64 = tally.iter().sum();
        let weighted: i64 = tally.iter().zip(1..).map(|(n, rating)| n * rating).sum();
        let bars: Vec<(String, f64)> =
            tally.iter().zip(1..).map(|(n, rating)| (format!("{rating}"), *n as f64)).collect();
        let chart = off_runtime(move || {
            BarChart { title, y_label: "ratings", bars: &bars, size: (460, 240), colour: index }.to_svg()
        })
        .await?;
        distributions.push(RatingDistribution {
            kind: kind.to_owned(),
            counts: tally,
            mean: (total > 0).then(|| weighted as f64 / total as f64),
            chart,
        });
    }

    let points: Vec<Point> = rows
        .iter()
        .filter_map(|row| row.mean_overall.map(|value| Point { at: row.day + TimeDelta::hours(12), value }))
        .collect();
    let trend_chart = off_runtime(move || {
        let series = [Series::from_points("mean overall rating", &points)];
        let range = (from, to);
        LineChart {
            title: "Overall rating by day", y_label: "mean rating (1–5)", range, series: &series, left_out: 0
        }
        .to_svg()
    })
    .await?;
    let trend: Vec<FeedbackDay> = rows
        .iter()
        .map(|row| FeedbackDay {
            day: row.day.date_naive(),
            mean_overall: row.mean_overall,
            rated: row.rated,
            dissatisfied: row.dissatisfied,
        })
        .collect();
    Ok(FeedbackReport {
        days,
        query,
        apps: choices,
        app_versions,
        rated: trend.iter().map(|day| day.rated).sum(),
        dissatisfied: trend.iter().map(|day| day.dissatisfied).sum(),
        distributions,
        trend,
        trend_chart,
        comments: comments
            .into_iter()
            .map(|c| FeedbackComment {
                instance_id: c.instance_id,
                conference_id: c.conference_id,
                submitted_at: c.submitted_at,
                overall: c.overall,
                comment: c.comment,
            })
            .collect(),
    })
}
