//! `/metrics`: counters moved by exactly the traffic sent, gauges read from
//! the store, the token and the listener of its own, and docs that name
//! only exported metrics. The recorder is one per process: every assertion
//! is a difference between two scrapes, or a label only this test uses.

mod access;
mod docs;
mod workers;

use callscope::server::Config;
use secrecy::SecretString;
use serde_json::json;
use sqlx::PgPool;

use crate::collector::{Collector, header, with};
use crate::common::{TestApp, test_config};
use crate::summaries::{fabric_event, leave, send, stats};

/// The token the tests configure.
pub const TOKEN: &str = "metrics-token-for-the-tests-0123";

/// The test configuration with `/metrics` on the main listener behind [`TOKEN`].
pub fn metrics_config() -> Config {
    let mut config = test_config();
    config.metrics_token = Some(SecretString::from(TOKEN));
    config
}

/// The metrics text, read with the token.
pub async fn scrape(server: &TestApp) -> String {
    let response = server.client.get(server.url("/metrics")).bearer_auth(TOKEN).send().await.expect("GET /metrics");
    assert_eq!(response.status(), 200);
    response.text().await.expect("metrics text")
}

/// The sum of the samples of `name` whose labels include each of `labels` (0 when none).
pub fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(series, _)| {
            let (series_name, series_labels) = series.split_once('{').unwrap_or((series, ""));
            series_name == name
                && labels.iter().all(|(key, wanted)| {
                    let pair = format!("{key}=\"{wanted}\"");
                    series_labels.starts_with(&pair) || series_labels.contains(&format!(",{pair}"))
                })
        })
        .map(|(_, sample)| sample.parse::<f64>().expect("a sample value"))
        .sum()
}

const JOIN: &str = "/v1/apps/{appID}/conferences/{confID}";
const STATS: &str = "/v1/apps/{appID}/conferences/{confID}/{ucID}/stats";
const FEEDBACK: &str = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/feedback";
const LEFT: &str = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/user/left";

#[sqlx::test]
async fn collector_traffic_moves_the_counters_by_exactly_that_traffic(pool: PgPool) {
    let collector = Collector::spawn_with(metrics_config(), pool).await;
    let server = &collector.server;
    let app = collector.app_pk.to_string();
    let app = [("app", app.as_str())];
    let before = scrape(server).await;

    let alice = collector.join("metered", "alice").await;
    let failed = json!({ "delay": 900, "reason": "TransportFailure" });
    fabric_event(&collector, &alice, "pc-1", "fabricSetupFailed", failed).await;
    let pairs = json!([{ "id": "CP1", "state": "failed" }]);
    stats(&collector, &alice, "pc-1", crate::collector::now_ms(), json!([]), pairs).await;
    let unhappy = with(header("alice"), json!({ "remoteID": "peer", "feedback": { "overallRating": 1 } }));
    send(&collector, &alice, "events/feedback", &unhappy).await;
    let during = scrape(server).await;
    leave(&collector, &alice).await;
    let after = scrape(server).await;

    let moved = |name: &str, labels: &[(&str, &str)]| value(&after, name, labels) - value(&before, name, labels);
    let requests = "callscope_http_requests_total";
    for route in [JOIN, STATS, FEEDBACK, LEFT] {
        let labels = [("surface", "collector"), ("route", route), ("method", "POST"), ("status", "200")];
        assert_eq!(moved(requests, &labels), 1.0, "{route}");
        assert_eq!(moved("callscope_http_request_duration_seconds_count", &labels[..3]), 1.0, "{route}");
    }
    assert_eq!(moved(requests, &[("route", "/authenticate"), ("status", "200")]), 1.0);
    assert_eq!(moved("callscope_stats_batch_size_count", &[]), 1.0, "one insert");
    assert_eq!(moved("callscope_stats_batch_size_sum", &[]), 1.0, "of one submission");
    assert_eq!(moved("callscope_stats_commit_duration_seconds_count", &[]), 1.0);
    assert_eq!(moved("callscope_db_pool_acquire_duration_seconds_count", &[("caller", "stats_writer")]), 1.0);
    assert_eq!(moved("callscope_conferences_ended_total", &app), 1.0);
    assert_eq!(moved("callscope_conferences_failed_total", &app), 1.0, "its one fabric never set up");
    assert_eq!(moved("callscope_feedback_dissatisfied_total", &app), 1.0);

    assert_eq!(value(&during, "callscope_live_conferences", &app), 1.0);
    assert_eq!(value(&during, "callscope_live_endpoints", &app), 1.0);
    assert_eq!(value(&after, "callscope_live_conferences", &app), 0.0);
    assert_eq!(value(&after, "callscope_live_endpoints", &app), 0.0);
    let public_id = collector.app_id.as_str();
    assert_eq!(value(&after, "callscope_app_info", &[app[0], ("public_id", public_id)]), 1.0);
    assert_eq!(value(&after, "callscope_metrics_store_up", &[]), 1.0);
}

#[sqlx::test]
async fn hostile_paths_and_methods_add_no_series(pool: PgPool) {
    let server = TestApp::spawn_with(metrics_config(), pool).await;
    let before = scrape(&server).await;
    let marker = "zz-hostile-7f3a";
    for path in [format!("/{marker}"), format!("/v1/apps/{marker}/x"), format!("/pkg/{marker}.js")] {
        server.client.get(server.url(&path)).send().await.expect("GET");
    }
    let brew = reqwest::Method::from_bytes(b"BREW").expect("method");
    server.client.request(brew, server.url("/healthz")).send().await.expect("BREW");
    let after = scrape(&server).await;
    assert!(!after.contains(marker), "a path a client sent became a label");
    assert!(!after.contains("BREW"), "a method a client invented became a label");
    let unmatched = [("route", "(unmatched)"), ("method", "GET")];
    let moved = value(&after, "callscope_http_requests_total", &unmatched)
        - value(&before, "callscope_http_requests_total", &unmatched);
    assert!(moved >= 2.0, "unmatched requests are counted under one label ({moved})");
    let bundle = [("route", "/pkg/{*file}"), ("surface", "static")];
    let moved = value(&after, "callscope_http_requests_total", &bundle)
        - value(&before, "callscope_http_requests_total", &bundle);
    assert_eq!(moved, 1.0, "the bundle's directory is one label");
    assert_eq!(
        value(&after, "callscope_http_requests_total", &[("route", "/healthz"), ("method", "other")])
            - value(&before, "callscope_http_requests_total", &[("route", "/healthz"), ("method", "other")]),
        1.0
    );
}
