//! The overview and feedback figures equal a straight recomputation over
//! the raw rows of `callscope demo` data: conferences, failures, setup
//! delays, quality and clients; ratings, trend, dissatisfied share and
//! comments, also for one applicationVersion.

use std::collections::{BTreeMap, HashMap};

use callscope::api::{FeedbackReport, OverviewView, ReportQuery};
use callscope::domain::Role;
use callscope::domain::quality::Band;
use callscope::domain::stats::percentile;
use callscope::server::db::dashboard::ReadPool;
use callscope::server::reports;
use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::PgPool;

use super::Demo;

/// A month up to tomorrow: every demo conference, whatever its clock.
fn month() -> (NaiveDate, NaiveDate, DateTime<Utc>, DateTime<Utc>) {
    let today = Utc::now().date_naive();
    let (from, to) = (today - Days::new(30), today + Days::new(1));
    let at = |day: NaiveDate| day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    (from, to, at(from), at(to + Days::new(1)))
}

fn sorted_counts(counts: HashMap<String, i64>) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(10);
    counts
}

#[sqlx::test]
async fn overview_figures_equal_a_recomputation_over_the_raw_rows(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (user, client) = demo.user(Role::Engineer).await;
    let (from, to, start, end) = month();
    let query = ReportQuery { app: Some(demo.public_id.clone()), from: Some(from), to: Some(to), app_version: None };
    let view =
        reports::overview(&ReadPool::primary(pool.clone()), &user, query.clone(), Utc::now()).await.expect("overview");
    let served: OverviewView = client
        .post(demo.server.url("/api/get_overview"))
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .expect("call")
        .json()
        .await
        .expect("json");
    assert_eq!(served, view, "the server function answers the same");

    let instances: Vec<(i64, bool, Option<String>, Option<f64>)> = sqlx::query_as(
        "select id, summarized_at is not null, failure_group, quality_score from conference_instances
          where app_id = $1 and started_at >= $2 and started_at < $3",
    )
    .bind(demo.app_id)
    .bind(start)
    .bind(end)
    .fetch_all(&pool)
    .await
    .expect("instances");
    let ids: Vec<i64> = instances.iter().map(|row| row.0).collect();
    let summarized: Vec<i64> = instances.iter().filter(|row| row.1).map(|row| row.0).collect();
    assert!(!ids.is_empty(), "the demo is in the period");
    assert_eq!(view.conferences, ids.len() as i64);
    assert_eq!(view.summarized, summarized.len() as i64);
    let group = |name: &str| instances.iter().filter(|row| row.1 && row.2.as_deref() == Some(name)).count() as i64;
    assert_eq!((view.total_failures, view.partial_failures), (group("totalFailure"), group("partialFailure")));
    assert!(view.total_failures + view.partial_failures > 0, "the demo has failures");

    let endpoints: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "select user_id, endpoint_info ->> 'name', application_version from endpoints where instance_id = any($1)",
    )
    .bind(&ids)
    .fetch_all(&pool)
    .await
    .expect("endpoints");
    let people: std::collections::HashSet<&String> = endpoints.iter().map(|e| &e.0).collect();
    assert_eq!(view.participants, people.len() as i64);
    let mut browsers = HashMap::new();
    let mut versions = HashMap::new();
    for (_, browser, version) in &endpoints {
        *browsers.entry(browser.clone().unwrap_or_else(|| "unknown".into())).or_insert(0) += 1;
        *versions.entry(version.clone().unwrap_or_else(|| "not given".into())).or_insert(0) += 1;
    }
    assert_eq!(view.browsers, sorted_counts(browsers));
    assert_eq!(view.app_versions, sorted_counts(versions));

    // Failures by function, counted from the reported errors themselves.
    let errors: Vec<String> = sqlx::query_scalar(
        "select r.wrtc_func_name from reported_errors r join endpoints e on e.id = r.endpoint_id
          where e.instance_id = any($1) and r.wrtc_func_name <> 'applicationLog'",
    )
    .bind(&summarized)
    .fetch_all(&pool)
    .await
    .expect("errors");
    let mut by_function = HashMap::new();
    for name in errors {
        *by_function.entry(name).or_insert(0) += 1;
    }
    let mut expected: Vec<(String, i64)> = by_function.into_iter().collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert!(!expected.is_empty());
    assert_eq!(view.failures_by_function, expected);

    let mut delays: Vec<f64> = sqlx::query_scalar::<_, i32>(
        "select setup_delay_ms from fabrics where instance_id = any($1) and setup_delay_ms is not null",
    )
    .bind(&ids)
    .fetch_all(&pool)
    .await
    .expect("delays")
    .into_iter()
    .map(f64::from)
    .collect();
    delays.sort_by(f64::total_cmp);
    let shown = view.setup_delay.clone().expect("setup delays");
    assert_eq!(shown.count, delays.len() as i64);
    assert_eq!((f64::from(shown.min), f64::from(shown.max)), (delays[0], delays[delays.len() - 1]));
    // Percentiles come from the rollups' histograms: within 1 % (and a ms).
    for (p, value) in [(0.5, shown.p50), (0.9, shown.p90), (0.95, shown.p95), (0.99, shown.p99)] {
        let expected = percentile(&delays, p).expect("percentile");
        assert!((value - expected).abs() <= expected * 0.01 + 1.0, "p{p}: {value} vs {expected}");
    }

    let mut scores: Vec<f64> = instances.iter().filter_map(|row| row.3).collect();
    scores.sort_by(f64::total_cmp);
    let (median, expected) = (view.median_quality.expect("scored"), percentile(&scores, 0.5).expect("scores"));
    assert!((median - expected).abs() < 0.01, "median quality {median} vs {expected}");
    let bands: Vec<i64> =
        Band::ALL.iter().map(|band| scores.iter().filter(|s| Band::of(**s) == *band).count() as i64).collect();
    assert_eq!(view.quality_bands.iter().map(|b| b.1).collect::<Vec<_>>(), bands);
    assert!(view.quality_chart.starts_with("<svg"));
}

/// A feedback row as stored, with its endpoint's applicationVersion.
#[derive(sqlx::FromRow)]
struct Rated {
    overall_rating: Option<i16>,
    audio_rating: Option<i16>,
    video_rating: Option<i16>,
    screen_rating: Option<i16>,
    comment: Option<String>,
    submitted_at: DateTime<Utc>,
    application_version: Option<String>,
}

/// How to read one kind of rating from a row.
type Kind = (&'static str, fn(&Rated) -> Option<i16>);

fn check_feedback(report: &FeedbackReport, rows: &[Rated]) {
    let kinds: [Kind; 4] = [
        ("overall", |r| r.overall_rating),
        ("audio", |r| r.audio_rating),
        ("video", |r| r.video_rating),
        ("screen", |r| r.screen_rating),
    ];
    for ((kind, rating), shown) in kinds.iter().zip(&report.distributions) {
        assert_eq!(shown.kind, *kind);
        let mut counts = [0i64; 5];
        for value in rows.iter().filter_map(rating) {
            counts[usize::try_from(value - 1).expect("1..5")] += 1;
        }
        assert_eq!(shown.counts, counts, "{kind}");
        let given: Vec<f64> = rows.iter().filter_map(rating).map(f64::from).collect();
        let mean = (!given.is_empty()).then(|| given.iter().sum::<f64>() / given.len() as f64);
        match (shown.mean, mean) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{kind} mean {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{kind} mean"),
        }
    }
    let lowest = |r: &Rated| kinds.iter().filter_map(|(_, rating)| rating(r)).min();
    let rated: Vec<&Rated> = rows.iter().filter(|r| lowest(r).is_some()).collect();
    assert_eq!(report.rated, rated.len() as i64);
    assert_eq!(report.dissatisfied, rated.iter().filter(|r| lowest(r).is_some_and(|low| low <= 2)).count() as i64);

    let mut days: BTreeMap<NaiveDate, Vec<&Rated>> = BTreeMap::new();
    for row in rows {
        days.entry(row.submitted_at.date_naive()).or_default().push(row);
    }
    assert_eq!(report.trend.len(), days.len());
    for (shown, (day, rows)) in report.trend.iter().zip(&days) {
        assert_eq!(shown.day, *day);
        let overall: Vec<f64> = rows.iter().filter_map(|r| r.overall_rating).map(f64::from).collect();
        let mean = (!overall.is_empty()).then(|| overall.iter().sum::<f64>() / overall.len() as f64);
        assert!(shown.mean_overall.zip(mean).is_none_or(|(a, b)| (a - b).abs() < 1e-9), "{day}");
        assert_eq!(shown.rated, rows.iter().filter(|r| lowest(r).is_some()).count() as i64);
    }

    let mut comments: Vec<(DateTime<Utc>, &str)> =
        rows.iter().filter_map(|r| r.comment.as_deref().map(|c| (r.submitted_at, c))).collect();
    comments.sort_by_key(|c| std::cmp::Reverse(c.0));
    comments.truncate(50);
    let shown: Vec<(DateTime<Utc>, &str)> =
        report.comments.iter().map(|c| (c.submitted_at, c.comment.as_str())).collect();
    assert_eq!(shown.iter().map(|c| c.1).collect::<Vec<_>>().len(), comments.len());
    assert_eq!(shown.iter().map(|c| c.0).collect::<Vec<_>>(), comments.iter().map(|c| c.0).collect::<Vec<_>>());
}

#[sqlx::test]
async fn feedback_figures_equal_a_recomputation_over_the_raw_rows(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (user, _) = demo.user(Role::Support).await;
    let (from, to, start, end) = month();
    let rows: Vec<Rated> = sqlx::query_as(
        "select f.overall_rating, f.audio_rating, f.video_rating, f.screen_rating, f.comment, f.submitted_at,
                e.application_version
           from feedback f join endpoints e on e.id = f.endpoint_id
          where f.app_id = $1 and f.submitted_at >= $2 and f.submitted_at < $3",
    )
    .bind(demo.app_id)
    .bind(start)
    .bind(end)
    .fetch_all(&pool)
    .await
    .expect("feedback");
    assert!(rows.iter().any(|r| r.comment.is_some()) && rows.len() > 5, "the demo leaves feedback and comments");

    let query = ReportQuery { app: Some(demo.public_id.clone()), from: Some(from), to: Some(to), app_version: None };
    let report =
        reports::feedback(&ReadPool::primary(pool.clone()), &user, query.clone(), Utc::now()).await.expect("report");
    check_feedback(&report, &rows);
    assert!(report.dissatisfied > 0, "the demo has unhappy users");

    let version = rows.iter().find_map(|r| r.application_version.clone()).expect("an applicationVersion");
    assert_eq!(report.app_versions, std::slice::from_ref(&version));
    let only: Vec<Rated> = rows.into_iter().filter(|r| r.application_version.as_ref() == Some(&version)).collect();
    let query = ReportQuery { app_version: Some(version), ..query };
    let filtered = reports::feedback(&ReadPool::primary(pool.clone()), &user, query, Utc::now()).await.expect("report");
    check_feedback(&filtered, &only);
}
