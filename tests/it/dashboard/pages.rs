//! The dashboard pages as a browser without JavaScript gets them: status
//! codes, the form holding the shared search, live conferences.

use callscope::domain::Role;
use serde_json::json;
use sqlx::PgPool;

use super::signed_in;
use crate::collector::{Collector, header, now_ms, with};

#[sqlx::test]
async fn a_live_conference_is_shown_as_running_with_its_participants(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let alice = collector.join("Daily Sync", "alice").await;
    collector.join("Daily Sync", "bob").await;
    let engineer = signed_in(&collector, Role::Engineer, true).await;
    let id: i64 = sqlx::query_scalar("select id from conference_instances").fetch_one(&pool).await.expect("id");

    let search = collector.server.page(&engineer, "/search?conferenceID=Daily+Sync").await;
    assert_eq!(search.status(), 200);
    let html = search.text().await.expect("html");
    assert!(html.contains(&format!("href=\"/conferences/{id}\"")), "{html}");
    assert!(html.contains("badge live"), "a running conference is marked live");
    assert!(html.contains("value=\"Daily Sync\""), "the form shows the shared search: {html}");

    let page = collector.server.page(&engineer, &format!("/conferences/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("still running"), "{html}");
    assert!(html.contains("alice") && html.contains("bob"));
    drop(alice);
}

#[sqlx::test]
async fn pages_of_missing_or_hidden_conferences_are_not_found(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    collector.join("Daily Sync", "alice").await;
    let id: i64 = sqlx::query_scalar("select id from conference_instances").fetch_one(&pool).await.expect("id");
    let granted = signed_in(&collector, Role::Engineer, true).await;
    let outsider = signed_in(&collector, Role::Engineer, false).await;
    let server = &collector.server;

    assert_eq!(server.page(&granted, &format!("/conferences/{id}")).await.status(), 200);
    for path in [
        format!("/conferences/{id}"),
        format!("/conferences/{}", id + 1000),
        "/conferences/not-a-number".to_owned(),
        format!("/conferences/{id}/fabrics/1"),
    ] {
        let client = if path == format!("/conferences/{id}") { &outsider } else { &granted };
        let response = server.page(client, &path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.expect("html");
        assert!(html.contains("Not found"), "{path}: {html}");
    }
    let api =
        outsider.post(server.url("/api/get_conference")).form(&[("id", id.to_string())]).send().await.expect("api");
    assert_eq!(api.status(), 404, "the server function refuses an app that is not granted");
}

#[sqlx::test]
async fn a_malformed_search_is_answered_with_the_field_at_fault(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let engineer = signed_in(&collector, Role::Engineer, true).await;
    let response = collector.server.page(&engineer, "/search?from=yesterday").await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("from: must be a time like"), "{html}");
}

#[sqlx::test]
async fn the_sdk_measurements_show_on_the_conference_and_connection_pages(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let bob = collector.join("Daily Sync", "bob").await;
    let at = json!({ "timestamp": now_ms() });
    let precall = json!({ "connectivity": true, "rtt": 2.6, "fractionLoss": 0.0, "throughput": 8240.0,
                          "candidateType": "host", "duration": 4100 });
    let first_frame = json!({ "connectionID": "pc-1", "remoteID": "alice", "ssrc": "42", "delay": 412 });
    for (suffix, body) in [("events/precalltest", precall), ("events/media/firstframe", first_frame)] {
        let response = collector.send(&bob, suffix, &with(with(header("bob"), at.clone()), body)).await;
        assert_eq!(response.status(), 200, "{suffix}");
    }
    let engineer = signed_in(&collector, Role::Engineer, true).await;
    let id: i64 = sqlx::query_scalar("select id from conference_instances").fetch_one(&pool).await.expect("id");
    let fabric: i64 = sqlx::query_scalar("select id from fabrics").fetch_one(&pool).await.expect("fabric");

    let conference = collector.server.page(&engineer, &format!("/conferences/{id}")).await.text().await.expect("html");
    assert!(conference.contains("Pre-call test"), "{conference}");
    assert!(conference.contains("passed · RTT 3 ms · loss 0.0 % · 8.2 Mbit/s · host"), "{conference}");

    let page = format!("/conferences/{id}/fabrics/{fabric}");
    let connection = collector.server.page(&engineer, &page).await.text().await.expect("html");
    assert!(connection.contains("Time to first media"), "{connection}");
    assert!(connection.contains("412 ms (ssrc 42)"), "{connection}");
    assert!(connection.contains("first frame of ssrc 42 after 412 ms"), "the timeline entry: {connection}");
}

#[sqlx::test]
async fn opening_real_names_is_audited_once_an_hour_and_not_for_engineers(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    collector.join("Daily Sync", "alice").await;
    let id: i64 = sqlx::query_scalar("select id from conference_instances").fetch_one(&pool).await.expect("id");
    let engineer = signed_in(&collector, Role::Engineer, true).await;
    let support = signed_in(&collector, Role::Support, true).await;
    let page = format!("/conferences/{id}");
    assert_eq!(collector.server.page(&engineer, &page).await.status(), 200);
    for _ in 0..2 {
        assert_eq!(collector.server.page(&support, &page).await.status(), 200);
    }

    let records: Vec<(String, String, Option<i64>, String, serde_json::Value)> = sqlx::query_as(
        "select actor_label, action, app_id, target_id, details from audit_log where action like 'conference.%'",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(
        records,
        [(
            "support-true@example.test".to_owned(),
            "conference.view_names".to_owned(),
            Some(collector.app_pk),
            id.to_string(),
            json!({ "conferenceID": "Daily Sync" })
        )]
    );
}
