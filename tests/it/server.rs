//! The server skeleton: 404s, body limits, graceful shutdown (health: `health.rs`).

use crate::common::{self, TestApp};
use sqlx::PgPool;

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

    let app =
        callscope::server::Application::build(common::test_config(), pool, callscope::pages()).await.expect("build");
    let addr = app.addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));

    // A sign-in whose body is only half sent when the shutdown begins.
    let (mut stream, rest) = common::half_sent_sign_in(&addr.to_string()).await;
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
/// origin (an ES module import is a CORS request). Served from the site
/// `make site` built.
#[sqlx::test]
async fn the_sdk_and_the_demo_are_served_without_a_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;

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
}

/// A response's header `name` ("" when absent).
fn header_of(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The nonce the policy of `response` allows scripts with.
fn nonce_of(response: &reqwest::Response) -> String {
    let policy = header_of(response, "content-security-policy");
    let scripts = policy.split(';').map(str::trim).find(|d| d.starts_with("script-src ")).expect("script-src");
    assert_eq!(scripts.split(' ').count(), 3, "only the nonce and 'wasm-unsafe-eval': {scripts}");
    assert!(scripts.ends_with(" 'wasm-unsafe-eval'"), "{scripts}");
    let nonce = scripts.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    assert!(nonce.len() >= 16, "a nonce of 128 bits or more: {nonce}");
    for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"] {
        assert!(policy.contains(directive), "{directive}: {policy}");
    }
    nonce.to_owned()
}

/// nosniff, the Referrer-Policy and the frame ban: every answer has them.
fn assert_baseline(response: &reqwest::Response, what: &str) {
    assert_eq!(header_of(response, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header_of(response, "referrer-policy"), "same-origin", "{what}");
    assert_eq!(header_of(response, "x-frame-options"), "DENY", "{what}");
    assert!(header_of(response, "content-security-policy").contains("frame-ancestors 'none'"), "{what}");
}

/// A dashboard HTML answer: the baseline, never stored, and every script
/// of the page carries the nonce of its policy (checked on the body).
async fn assert_dashboard_page(response: reqwest::Response, what: &str) -> String {
    assert_baseline(&response, what);
    assert_eq!(header_of(&response, "cache-control"), "no-store", "{what}");
    let nonce = nonce_of(&response);
    let html = response.text().await.expect("html");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "{what}: the page has its hydration script");
    assert_eq!(html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count(), 1, "{what}: {html}");
    let nonced = format!("nonce=\"{nonce}\"");
    let unnonced =
        html.split("<script").skip(1).filter(|tag| !tag.split('>').next().unwrap_or_default().contains(&nonced));
    assert_eq!(unnonced.count(), 0, "{what}: a script without the nonce");
    nonce
}

#[sqlx::test]
async fn signed_in_and_sign_in_pages_have_a_fresh_nonce_and_are_never_stored(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let login = assert_dashboard_page(app.page(&app.client, "/login").await, "/login").await;
    app.create_user("ada@example.com", callscope::domain::Role::Support, "a long enough password").await;
    app.sign_in(&app.client, "ada@example.com", "a long enough password").await;
    let first = assert_dashboard_page(app.page(&app.client, "/search").await, "/search").await;
    let second = assert_dashboard_page(app.page(&app.client, "/search").await, "/search again").await;
    let missing = assert_dashboard_page(app.page(&app.client, "/no/such/page").await, "a 404 page").await;
    let nonces = std::collections::HashSet::from([login, first, second, missing]);
    assert_eq!(nonces.len(), 4, "one nonce per response");
}

#[sqlx::test]
async fn server_function_answers_and_a_new_secret_are_never_stored(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("boss@example.com", callscope::domain::Role::Admin, "a long enough password").await;
    app.sign_in(&app.client, "boss@example.com", "a long enough password").await;

    let api = app.client.post(app.url("/api/get_current_user")).form(&[("", "")]).send().await.expect("POST");
    assert_eq!(api.status(), 200, "the server function answers");
    assert_baseline(&api, "a server function");
    assert_eq!(header_of(&api, "cache-control"), "no-store", "a server function");

    let created = app
        .client
        .post(app.url("/admin"))
        .header("origin", &app.base)
        .form(&[("intent", "create_app"), ("name", "Headers")])
        .send()
        .await
        .expect("POST /admin");
    assert_eq!(created.status(), 200, "the page showing the new secret");
    assert_dashboard_page(created, "the answer showing a new app secret").await;
}

#[sqlx::test]
async fn the_collector_the_sdk_and_assets_keep_their_cors_and_get_nosniff(pool: PgPool) {
    let server = TestApp::spawn(pool).await;
    let stylesheet =
        callscope::server::site::assets(std::path::Path::new(common::test_config().leptos.site_root.as_ref()))
            .expect("the site is built")
            .css;
    let (app, secret) = callscope::server::apps::create(
        &server.pool,
        &callscope::server::audit::Actor::Cli,
        &crate::collector::master_key(),
        "Headers",
    )
    .await
    .expect("create app");
    let secret = secrecy::ExposeSecret::expose_secret(&secret.secret).to_owned();
    let collector = crate::collector::Collector { server, app_id: app.public_id, app_pk: app.id, secret };
    let server = &collector.server;

    let token = collector
        .token_request(
            "alice",
            &collector.app_id,
            &collector.jwt(&collector.secret, "alice", serde_json::json!({})),
            Some("https://meet.example.com"),
        )
        .await;
    assert_eq!(token.status(), 200);
    assert_baseline(&token, "/authenticate");
    assert_eq!(header_of(&token, "cache-control"), "no-store", "a token is never stored");
    assert_eq!(header_of(&token, "access-control-allow-origin"), "https://meet.example.com");
    assert!(header_of(&token, "content-security-policy").starts_with("default-src 'none'"));

    let url = collector.conference_url(&collector.app_id, "c", &[]);
    let preflight = server
        .client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://meet.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("OPTIONS");
    assert_eq!(preflight.status(), 204);
    assert_eq!(header_of(&preflight, "access-control-allow-origin"), "https://meet.example.com");
    assert_baseline(&preflight, "a collector preflight");

    for path in ["/callstats.js", stylesheet.as_str()] {
        let response =
            server.client.get(server.url(path)).header("origin", "https://meet.example.com").send().await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
        assert_baseline(&response, path);
        assert!(header_of(&response, "cache-control").starts_with("public, max-age="), "{path} stays cacheable");
        if path == "/callstats.js" {
            assert_eq!(header_of(&response, "access-control-allow-origin"), "*", "any page loads the SDK");
        }
    }
}
