//! The server skeleton: health, 404s, body limits, graceful shutdown.

use crate::common::{self, TestApp};
use sqlx::PgPool;

#[sqlx::test]
async fn healthz_reports_the_database(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.page(&app.client, "/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), r#"{"database":"ok","status":"ok"}"#);
}

#[sqlx::test]
async fn healthz_answers_503_when_the_database_is_gone(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    pool.close().await;
    let response = app.page(&app.client, "/healthz").await;
    assert_eq!(response.status(), 503);
}

#[sqlx::test]
async fn unknown_pages_get_a_404_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", callscope::domain::Role::Support, "a long enough password").await;
    app.sign_in(&app.client, "ada@example.com", "a long enough password").await;
    let response = app.page(&app.client, "/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("body").contains("Page not found"));
}

#[sqlx::test]
async fn a_body_over_the_limit_is_refused_with_413(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let big = "x".repeat(65 * 1024);
    let response = app
        .client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email=a%40b.c&password={big}"))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 413);
}

#[sqlx::test]
async fn the_login_page_is_served_without_a_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.page(&app.client, "/login").await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(body.contains(r#"action="/login""#));
    assert!(body.contains(r#"name="password""#));
}

#[sqlx::test]
async fn shutdown_waits_for_a_request_in_flight_to_finish(pool: PgPool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = callscope::server::Application::build(common::test_config(), pool).await.expect("build");
    let addr = app.addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));

    // A sign-in whose body is only half sent when the shutdown begins.
    let body = "email=nobody%40example.com&password=not+a+real+password&next=";
    let (first, rest) = body.split_at(20);
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /login HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(first.as_bytes()).await.expect("first half");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.send(()).expect("signal shutdown");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!server.is_finished(), "the server stopped before answering the request in flight");

    stream.write_all(rest.as_bytes()).await.expect("second half");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("response");
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .expect("server stops once drained")
        .expect("join")
        .expect("serve");
}

/// The SDK and the demo are public: no sign-in, and the SDK loads from any
/// origin (an ES module import is a CORS request). Served from a site root
/// holding this checkout's `public/`, as `make site` lays it out.
#[sqlx::test]
async fn the_sdk_and_the_demo_are_served_without_a_session(pool: PgPool) {
    let site = std::env::temp_dir().join(format!("callscope-site-{}", uuid::Uuid::new_v4()));
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public");
    std::fs::create_dir_all(site.join("demo")).expect("site dir");
    for file in ["callstats.js", "callstats.mjs", "demo/index.html"] {
        std::fs::copy(public.join(file), site.join(file)).expect("copy public file");
    }
    let mut config = common::test_config();
    config.leptos.site_root = site.to_string_lossy().as_ref().into();
    let app = TestApp::spawn_with(config, pool).await;

    for (path, content_type) in [("/callstats.js", "javascript"), ("/callstats.mjs", "javascript")] {
        let response =
            app.client.get(app.url(path)).header("Origin", "https://meet.example.com").send().await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(header("content-type").contains(content_type), "{path}: {}", header("content-type"));
        assert_eq!(header("access-control-allow-origin"), "*", "{path}");
    }
    let sdk = app.client.get(app.url("/callstats.js")).send().await.expect("GET").text().await.expect("body");
    assert!(sdk.contains("fabricTerminated"), "the SDK itself is served");

    let demo = app.page(&app.client, "/demo/").await;
    assert_eq!(demo.status(), 200, "signed out, the demo is not redirected to sign-in");
    assert!(demo.text().await.expect("html").contains("callstats"));
    let bare = app.page(&app.client, "/demo").await;
    assert!(bare.status().is_redirection(), "{}", bare.status());
    assert_eq!(bare.headers().get("location").and_then(|v| v.to_str().ok()), Some("/demo/"));
    std::fs::remove_dir_all(site).expect("remove site dir");
}
