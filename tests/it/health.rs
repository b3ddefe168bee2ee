//! `/healthz` (the process serves) and `/readyz` (this instance should get
//! traffic), and the request id every answer carries.

use std::collections::HashSet;
use std::time::Duration;

use callscope::server::Application;
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::common::{TestApp, test_config};

/// The status and JSON body of `GET path`.
async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.client.get(app.url(path)).send().await.expect("GET");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

#[sqlx::test]
async fn readyz_answers_200_on_a_reachable_migrated_store(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, body) = get_json(&app, "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "status": "ready", "draining": false, "database": "ok", "migrations": "ok", "notReady": [] })
    );
    assert_eq!(get_json(&app, "/healthz").await, (200, json!({ "status": "ok" })));
}

#[sqlx::test]
async fn a_draining_instance_is_not_ready_but_still_alive(pool: PgPool) {
    let app = Application::build(test_config(), pool.clone(), callscope::pages()).await.expect("build");
    let draining = app.state().draining.clone();
    let addr = app.addr().expect("addr");
    tokio::spawn(app.run_until(std::future::pending()));
    let app = TestApp { base: format!("http://{addr}"), client: reqwest::Client::new(), pool };
    assert_eq!(get_json(&app, "/readyz").await.0, 200, "ready before the drain");

    draining.start();
    let (status, body) = get_json(&app, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!((body["status"].as_str(), body["draining"].as_bool()), (Some("not ready"), Some(true)), "{body}");
    assert_eq!(body["notReady"], json!(["draining"]), "the store is fine: {body}");
    assert_eq!(get_json(&app, "/healthz").await.0, 200, "the process still serves");
}

#[sqlx::test]
async fn readyz_answers_503_when_the_binarys_latest_migration_is_not_applied(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    assert_eq!(get_json(&app, "/readyz").await.0, 200);
    sqlx::query("delete from _sqlx_migrations where version = (select max(version) from _sqlx_migrations)")
        .execute(&pool)
        .await
        .expect("forget the latest migration");

    let (status, body) = get_json(&app, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!((body["database"].as_str(), body["migrations"].as_str()), (Some("ok"), Some("behind")), "{body}");
    assert_eq!(body["notReady"], json!(["migrations"]), "{body}");
    assert_eq!(get_json(&app, "/healthz").await.0, 200, "liveness does not depend on the store");
}

#[tokio::test]
async fn readyz_answers_503_and_healthz_200_when_the_store_is_unreachable() {
    // A port nobody listens on any more: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let unreachable = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy(&format!("postgres://postgres@127.0.0.1:{port}/callscope"))
        .expect("a lazy pool");
    let app = TestApp::spawn(unreachable).await;

    let started = std::time::Instant::now();
    let (status, body) = get_json(&app, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!((body["database"].as_str(), body["migrations"].as_str()), (Some("unreachable"), Some("unknown")));
    assert_eq!(body["notReady"], json!(["database"]), "{body}");
    assert!(started.elapsed() < Duration::from_secs(4), "answered before a probe gives up: {:?}", started.elapsed());
    assert_eq!(get_json(&app, "/healthz").await, (200, json!({ "status": "ok" })));
}

/// The `x-request-id` of `response`.
fn request_id(response: &reqwest::Response) -> String {
    let id = response.headers().get("x-request-id").expect("an x-request-id header");
    id.to_str().expect("ASCII").to_owned()
}

#[sqlx::test]
async fn every_answer_carries_a_fresh_request_id(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mut ids = HashSet::new();
    for path in ["/healthz", "/healthz", "/readyz", "/no/such/page", "/v1/apps/nope/conferences/c"] {
        let response = app.client.get(app.url(path)).send().await.expect("GET");
        let id = request_id(&response);
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{path}: a UUID, not {id:?}");
        assert!(ids.insert(id), "{path}: a request id seen before");
    }
}

#[sqlx::test]
async fn a_plain_incoming_request_id_is_kept_and_a_hostile_one_replaced(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let send = |id: reqwest::header::HeaderValue| {
        let request = app.client.get(app.url("/healthz")).header("x-request-id", id);
        async move { request_id(&request.send().await.expect("GET")) }
    };
    let plain = "lb-0b7f3c2e5d1a4e8f";
    assert_eq!(send(plain.parse().expect("header")).await, plain, "a proxy's id follows the request");

    let long = "a".repeat(65);
    let hostile: [&[u8]; 5] = [long.as_bytes(), b"a b", b"x\" level=ERROR", b"caf\xc3\xa9", b"{}"];
    for sent in hostile {
        let answered = send(reqwest::header::HeaderValue::from_bytes(sent).expect("a header value")).await;
        assert!(uuid::Uuid::parse_str(&answered).is_ok(), "{:?} replaced by a fresh UUID, not {answered:?}", sent);
    }
}
