//! The server skeleton: health, 404s, body limits.

use crate::common::TestApp;
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
