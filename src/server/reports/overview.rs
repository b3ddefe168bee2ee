//! The overview page: conferences, failures, setup delays, quality,
//! clients and top issues of a period, from the conferences' summaries.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::period::Scope;
use crate::api::{CurrentUser, DelayPercentiles, OverviewView, ReportQuery};
use crate::domain::quality::Band;
use crate::domain::stats::percentile;
use crate::server::AppError;
use crate::server::charts::{BarChart, off_runtime};
use crate::server::db::dashboard::overview as db;

/// The overview of `query` for `user` as of `now`.
pub async fn overview(
    pool: &PgPool,
    user: &CurrentUser,
    query: ReportQuery,
    now: DateTime<Utc>,
) -> Result<OverviewView, AppError> {
    let Scope { apps, choices, days, from, to } = Scope::of(pool, user, &query, now).await?;
    let totals = db::totals(pool, &apps, from, to).await?;
    let failures_by_function = db::failures_by_function(pool, &apps, from, to).await?;
    let delays = db::setup_delays(pool, &apps, from, to).await?;
    let mut scores = db::quality_scores(pool, &apps, from, to).await?;
    let (browsers, app_versions) = db::clients(pool, &apps, from, to).await?;
    let top_issues = super::top_issues::top_issues(pool, &apps, from, to).await?;

    scores.sort_by(f64::total_cmp);
    let quality_bands: Vec<(String, i64)> = Band::ALL
        .into_iter()
        .map(|band| (band.label().to_owned(), scores.iter().filter(|score| Band::of(**score) == band).count() as i64))
        .collect();
    let bars: Vec<(String, f64)> = quality_bands.iter().map(|(label, n)| (label.clone(), *n as f64)).collect();
    let quality_chart = off_runtime(move || {
        BarChart { title: "Conferences by quality", y_label: "conferences", bars: &bars, size: (480, 260), colour: 2 }
            .to_svg()
    })
    .await?;
    let setup_delay = match (delays.min, delays.max, delays.percentiles.as_deref()) {
        (Some(min), Some(max), Some(&[p50, p90, p95, p99])) => {
            Some(DelayPercentiles { count: delays.count, min, p50, p90, p95, p99, max })
        }
        _ => None,
    };
    Ok(OverviewView {
        days,
        query,
        apps: choices,
        conferences: totals.conferences,
        summarized: totals.summarized,
        participants: totals.participants,
        total_failures: totals.total_failures,
        partial_failures: totals.partial_failures,
        failures_by_function,
        setup_delay,
        median_quality: percentile(&scores, 0.5),
        quality_bands,
        quality_chart,
        browsers,
        app_versions,
        top_issues,
    })
}
