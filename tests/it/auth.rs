//! Dashboard sign-in, sessions and role guards over real HTTP.

use crate::common::{TestApp, location};
use callscope::domain::Role;
use sqlx::PgPool;

const PASSWORD: &str = "a long enough password";

#[sqlx::test]
async fn a_wrong_password_is_refused_and_creates_no_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;

    let response = app.post_login(&app.client, "ada@example.com", "not the password").await;

    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login?error=credentials"), "{}", location(&response));
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(app.session_count().await, 0);
    let page = app.client.get(app.url(location(&response))).send().await.expect("login page");
    assert!(page.text().await.expect("body").contains("Wrong email or password"));
}

#[sqlx::test]
async fn an_unknown_email_is_refused_like_a_wrong_password(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.post_login(&app.client, "nobody@example.com", PASSWORD).await;
    assert!(location(&response).starts_with("/login?error=credentials"));
    assert_eq!(app.session_count().await, 0);
}

#[sqlx::test]
async fn signing_in_sets_an_http_only_same_site_cookie_backed_by_a_stored_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("Ada@Example.com", Role::Engineer, PASSWORD).await;

    // Email comparison ignores case, as people type it either way.
    let response = app.post_login(&app.client, "ada@example.com", PASSWORD).await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/search");
    let cookie = response.headers().get("set-cookie").expect("cookie").to_str().expect("ascii").to_owned();
    assert!(cookie.starts_with("callscope_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert_eq!(app.session_count().await, 1);
    // The cookie holds a token; only its hash is stored.
    let token = cookie.split(['=', ';']).nth(1).expect("token");
    let stored: i64 = sqlx::query_scalar("select count(*) from sessions where token_hash = $1::text::bytea")
        .bind(token)
        .fetch_one(&app.pool)
        .await
        .expect("query");
    assert_eq!(stored, 0);

    let page = app.page(&app.client, "/search").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("body").contains("Ada@Example.com"));
}

#[sqlx::test]
async fn pages_redirect_to_login_and_server_functions_answer_401_without_a_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;

    let page = app.page(&app.client, "/search").await;
    assert_eq!(page.status(), 303);
    assert_eq!(location(&page), "/login?next=%2Fsearch");

    let api = app.client.post(app.url("/api/get_current_user")).send().await.expect("api");
    assert_eq!(api.status(), 401);
}

#[sqlx::test]
async fn admins_see_the_admin_page_with_every_user(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("boss@example.com", Role::Admin, PASSWORD).await;
    app.create_user("eng@example.com", Role::Engineer, PASSWORD).await;
    app.sign_in(&app.client, "boss@example.com", PASSWORD).await;

    let page = app.page(&app.client, "/admin/users").await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(body.contains("eng@example.com"));
    assert!(body.contains(r#"href="/admin""#), "admins get the Admin link");
}

#[sqlx::test]
async fn the_admin_link_is_not_shown_to_engineers(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("eng@example.com", Role::Engineer, PASSWORD).await;
    app.sign_in(&app.client, "eng@example.com", PASSWORD).await;
    let body = app.page(&app.client, "/search").await.text().await.expect("body");
    assert!(body.contains(r#"href="/search""#));
    assert!(!body.contains(r#"href="/admin""#));
}

#[sqlx::test]
async fn signing_out_deletes_the_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    app.sign_in(&app.client, "ada@example.com", PASSWORD).await;
    assert_eq!(app.session_count().await, 1);

    let response = app.client.post(app.url("/logout")).send().await.expect("logout");

    assert_eq!(location(&response), "/login");
    assert_eq!(app.session_count().await, 0);
    let page = app.page(&app.client, "/search").await;
    assert!(location(&page).starts_with("/login"));
}

#[sqlx::test]
async fn a_disabled_user_loses_their_session_at_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    app.sign_in(&app.client, "ada@example.com", PASSWORD).await;
    sqlx::query("update users set disabled_at = now()").execute(&app.pool).await.expect("disable");

    let page = app.page(&app.client, "/search").await;
    assert!(location(&page).starts_with("/login"));
}

#[sqlx::test]
async fn a_cross_site_form_post_is_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    let response = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
    assert_eq!(app.session_count().await, 0);
}

#[sqlx::test]
async fn sign_in_follows_only_local_next_paths(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    let post = |next: &'static str| {
        app.client
            .post(app.url("/login"))
            .form(&[("email", "ada@example.com"), ("password", PASSWORD), ("next", next)])
            .send()
    };
    assert_eq!(location(&post("/feedback").await.expect("post")), "/feedback");
    assert_eq!(location(&post("https://evil.example/").await.expect("post")), "/search");
}
