//! The overview of an app (or every app a user may see) over a period:
//! conferences that *started* in `[from, to)`, read from their summaries.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::server::AppError;

/// Counts over the period's conferences.
pub struct Totals {
    /// Conferences that started in the period.
    pub conferences: i64,
    /// Of those, the ended and summarised ones.
    pub summarized: i64,
    /// Summarised conferences in which no fabric was ever set up.
    pub total_failures: i64,
    /// Summarised conferences in which some fabrics were set up and some failed.
    pub partial_failures: i64,
    /// Distinct userIDs that joined them.
    pub participants: i64,
}

/// Setup delay percentiles of the period's fabrics (`percentile_cont`).
pub struct Delays {
    /// Fabrics with a setup delay.
    pub count: i64,
    /// Shortest, ms.
    pub min: Option<i32>,
    /// Median, 90th, 95th and 99th percentile, ms.
    pub percentiles: Option<Vec<f64>>,
    /// Longest, ms.
    pub max: Option<i32>,
}

/// The overview's conference totals.
pub async fn totals(pool: &PgPool, apps: &[i64], from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Totals, AppError> {
    Ok(sqlx::query_as!(
        Totals,
        r#"with period as (
               select id, summarized_at, failure_group from conference_instances
                where app_id = any($1) and started_at >= $2 and started_at < $3
           )
           select count(*) as "conferences!",
                  count(summarized_at) as "summarized!",
                  count(*) filter (where summarized_at is not null and failure_group = 'totalFailure') as "total_failures!",
                  count(*) filter (where summarized_at is not null and failure_group = 'partialFailure') as "partial_failures!",
                  (select count(distinct e.user_id) from endpoints e where e.instance_id in (select id from period))
                      as "participants!"
             from period"#,
        apps,
        from,
        to,
    )
    .fetch_one(pool)
    .await?)
}

/// Errors of the period's summarised conferences, by WebRTC function, most first.
pub async fn failures_by_function(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, AppError> {
    let rows = sqlx::query!(
        r#"select f.key as "function!", sum(f.value::bigint)::bigint as "count!"
             from conference_instances ci, jsonb_each_text(ci.summary -> 'failuresByFunction') f
            where ci.app_id = any($1) and ci.started_at >= $2 and ci.started_at < $3 and ci.summarized_at is not null
            group by f.key order by 2 desc, 1"#,
        apps,
        from,
        to,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|row| (row.function, row.count)).collect())
}

/// Setup delays of the fabrics of the period's conferences.
pub async fn setup_delays(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Delays, AppError> {
    Ok(sqlx::query_as!(
        Delays,
        r#"select count(f.setup_delay_ms) as "count!", min(f.setup_delay_ms) as min,
                  percentile_cont(array[0.5, 0.9, 0.95, 0.99]) within group (order by f.setup_delay_ms) as percentiles,
                  max(f.setup_delay_ms) as max
             from fabrics f join conference_instances ci on ci.id = f.instance_id
            where ci.app_id = any($1) and ci.started_at >= $2 and ci.started_at < $3 and f.setup_delay_ms is not null"#,
        apps,
        from,
        to,
    )
    .fetch_one(pool)
    .await?)
}

/// Quality scores of the period's summarised conferences (those with one).
pub async fn quality_scores(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<f64>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select quality_score as "score!" from conference_instances
            where app_id = any($1) and started_at >= $2 and started_at < $3 and quality_score is not null"#,
        apps,
        from,
        to,
    )
    .fetch_all(pool)
    .await?)
}

/// Endpoints of the period's conferences by browser name and by
/// applicationVersion: the ten most common of each, most first.
pub async fn clients(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>), AppError> {
    let rows = sqlx::query!(
        r#"with period as (
               select e.endpoint_info ->> 'name' as browser, e.application_version
                 from endpoints e join conference_instances ci on ci.id = e.instance_id
                where ci.app_id = any($1) and ci.started_at >= $2 and ci.started_at < $3
           ), browsers as (
               select 'browser' as kind, coalesce(browser, 'unknown') as value, count(*) as n
                 from period group by 2 order by 3 desc, 2 limit 10
           ), versions as (
               select 'version' as kind, coalesce(application_version, 'not given') as value, count(*) as n
                 from period group by 2 order by 3 desc, 2 limit 10
           )
           select kind as "kind!", value as "value!", n as "n!" from browsers
           union all
           select kind, value, n from versions"#,
        apps,
        from,
        to,
    )
    .fetch_all(pool)
    .await?;
    let mut browsers = Vec::new();
    let mut versions = Vec::new();
    for row in rows {
        let list = if row.kind == "browser" { &mut browsers } else { &mut versions };
        list.push((row.value, row.n));
    }
    browsers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    versions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok((browsers, versions))
}
