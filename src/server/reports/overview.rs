//! The overview page: conferences, failures, setup delays, quality,
//! clients and top issues of a period, from the daily rollups (and, for
//! the conferences not rolled up yet, from their summaries).

use chrono::{DateTime, Days, Utc};

use super::period::Scope;
use crate::api::{CurrentUser, DelayPercentiles, OverviewView, ReportQuery};
use crate::domain::quality::Band;
use crate::domain::rollup::{Delays, Tally};
use crate::server::AppError;
use crate::server::charts::{BarChart, off_runtime};
use crate::server::db::dashboard::ReadPool;
use crate::server::db::rollups;

/// Browsers and app versions listed.
const CLIENTS: usize = 10;

/// The overview of `query` for `user` as of `now`.
pub async fn overview(
    read: &ReadPool,
    user: &CurrentUser,
    query: ReportQuery,
    now: DateTime<Utc>,
) -> Result<OverviewView, AppError> {
    let pool = read.pool();
    let Scope { apps, choices, days, .. } = Scope::of(pool, user, &query, now).await?;
    let (first, end) = (days.0, days.1 + Days::new(1));
    let mut conn = pool.acquire().await?;
    let period = rollups::period(&mut conn, &apps, first, end).await?;
    let length = Days::new((end - first).num_days().unsigned_abs());
    let before = first.checked_sub_days(length).unwrap_or(first);
    let previous = rollups::period(&mut conn, &apps, before, first).await?;
    drop(conn);
    let top_issues = super::top_issues::top_issues(&period.tallies, &previous.tallies);

    let t = &period.tallies;
    let quality_bands: Vec<(String, i64)> =
        Band::ALL.into_iter().zip(t.quality_bands).map(|(band, n)| (band.label().to_owned(), n)).collect();
    let bars: Vec<(String, f64)> = quality_bands.iter().map(|(label, n)| (label.clone(), *n as f64)).collect();
    let quality_chart = off_runtime(move || {
        BarChart { title: "Conferences by quality", y_label: "conferences", bars: &bars, size: (480, 260), colour: 2 }
            .to_svg()
    })
    .await?;
    let setup_delay = period.delays().map(|Delays { count, min, percentiles: [p50, p90, p95, p99], max }| {
        DelayPercentiles { count, min, p50, p90, p95, p99, max }
    });
    Ok(OverviewView {
        days,
        query,
        apps: choices,
        conferences: t.conferences,
        summarized: t.summarized,
        participants: period.participants.count(),
        total_failures: t.failure_groups.get(&"totalFailure".to_owned()),
        partial_failures: t.failure_groups.get(&"partialFailure".to_owned()),
        failures_by_function: most_first(&t.failures_by_function, usize::MAX),
        setup_delay,
        median_quality: period.median_quality(),
        quality_bands,
        quality_chart,
        browsers: most_first(&t.browsers, CLIENTS),
        app_versions: most_first(&t.app_versions, CLIENTS),
        top_issues,
    })
}

/// The `limit` largest counts of `tally`, most first (ties by key).
fn most_first(tally: &Tally<String>, limit: usize) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = tally.iter().map(|(key, n)| (key.clone(), n)).collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(limit);
    counts
}
