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
