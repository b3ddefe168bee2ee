//! The operations guide, the Grafana dashboard and the alert rules name
//! only metrics the server exports, and the guide names every one.

use std::collections::BTreeSet;

use serde_json::json;
use sqlx::PgPool;

use super::{metrics_config, scrape};
use crate::collector::Collector;
use crate::summaries::stats;

/// The metric names in `text`: each `callscope_…` identifier.
fn names_in(text: &str) -> BTreeSet<String> {
    let is_name = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    text.match_indices("callscope_")
        .filter(|(at, _)| !text[..*at].ends_with(is_name))
        .map(|(at, _)| text[at..].chars().take_while(|&c| is_name(c)).collect())
        .collect()
}

/// A histogram's series name without its `_bucket`, `_sum` or `_count`.
fn family(name: &str, exported: &BTreeSet<String>) -> String {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix).filter(|base| exported.contains(*base)) {
            return base.to_owned();
        }
    }
    name.to_owned()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect(path)
}

#[sqlx::test]
async fn the_dashboard_and_the_alert_rules_use_only_exported_metrics(pool: PgPool) {
    let collector = Collector::spawn_with(metrics_config(), pool).await;
    // Histograms appear with their first observation.
    let alice = collector.join("docs", "alice").await;
    stats(&collector, &alice, "pc-1", crate::collector::now_ms(), json!([]), json!([{ "id": "CP1" }])).await;
    let text = scrape(&collector.server).await;
    let families: BTreeSet<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|line| line.split(' ').next())
        .map(str::to_owned)
        .collect();
    assert!(families.len() >= 20, "{families:?}");

    for path in ["docs/grafana/callscope.json", "docs/prometheus/alerts.yml", "docs/operations.md"] {
        let used: BTreeSet<String> = names_in(&read(path)).iter().map(|name| family(name, &families)).collect();
        let unknown: Vec<&String> = used.difference(&families).collect();
        assert!(unknown.is_empty(), "{path} names metrics the server does not export: {unknown:?}");
    }
    let guide = names_in(&read("docs/operations.md"));
    let undocumented: Vec<&String> = families.difference(&guide).collect();
    assert!(undocumented.is_empty(), "docs/operations.md does not list {undocumented:?}");
    let dashboard: serde_json::Value = serde_json::from_str(&read("docs/grafana/callscope.json")).expect("JSON");
    assert!(dashboard["panels"].as_array().is_some_and(|panels| panels.len() >= 8));
}
