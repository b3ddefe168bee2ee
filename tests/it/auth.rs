//! Dashboard sign-in, sessions and role guards over real HTTP.

use crate::common::{TestApp, location};
use callscope::domain::Role;
use callscope::server::Config;
use callscope::server::config::ConfigArgs;
use serde_json::{Value, json};
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

/// `next` values that must never lead off the site, nor to an error.
const HOSTILE_NEXT: &[&str] = &[
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\u{b}",
    "/search\u{0}",
    "/\u{7f}/x",
    "/ /evil.example",
    "/.//evil.example",
    "javascript:alert(1)",
    "\"><script>window.__x=1</script>",
    "/login",
];

/// A local path full of markup: followed, but only percent-encoded.
const MARKUP_PATH: (&str, &str) = ("/\"><script>window.__x=1</script>", "/%22%3E%3Cscript%3Ewindow.__x=1%3C/script%3E");

#[sqlx::test]
async fn sign_in_follows_only_local_next_paths(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    let post = |next: &'static str| {
        app.new_client()
            .post(app.url("/login"))
            .form(&[("email", "ada@example.com"), ("password", PASSWORD), ("next", next)])
            .send()
    };
    assert_eq!(location(&post("/feedback").await.expect("post")), "/feedback");
    assert_eq!(location(&post("/search?conferenceID=a#b").await.expect("post")), "/search?conferenceID=a#b");
    assert_eq!(location(&post(MARKUP_PATH.0).await.expect("post")), MARKUP_PATH.1);
    for next in HOSTILE_NEXT {
        let response = post(next).await.expect("post");
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(location(&response), "/search", "{next:?}");
    }
    // Wrong passwords send the browser back to the form, never elsewhere.
    for next in HOSTILE_NEXT {
        let response = app
            .new_client()
            .post(app.url("/login"))
            .form(&[("email", "ada@example.com"), ("password", "wrong"), ("next", next)])
            .send()
            .await
            .expect("post");
        assert!(location(&response).starts_with("/login?error=credentials&next=%2Fsearch"), "{next:?}");
    }
}

#[sqlx::test]
async fn the_sign_in_page_keeps_a_hostile_next_inert_and_posting_it_back_stays_on_the_site(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    let cases = HOSTILE_NEXT.iter().map(|next| (*next, "/search")).chain([MARKUP_PATH]);
    for (next, expected) in cases {
        let query: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish();
        let page = app.page(&app.new_client(), &format!("/login?{query}")).await;
        assert_eq!(page.status(), 200, "{next:?}");
        let body = page.text().await.expect("body");
        assert!(!body.contains("<script>window.__x"), "{next:?} is echoed as markup");
        // The hidden field carries `next` back; the server judges it again.
        let field = hidden_next(&body);
        let response = app
            .new_client()
            .post(app.url("/login"))
            .form(&[("email", "ada@example.com"), ("password", PASSWORD), ("next", &field)])
            .send()
            .await
            .expect("post");
        assert_eq!(location(&response), expected, "{next:?} came back as {field:?}");
    }
}

/// The decoded value of the sign-in form's hidden `next` field.
fn hidden_next(body: &str) -> String {
    // `"` cannot occur unescaped inside the value, so it ends there.
    let after_name = &body[body.find(r#"name="next""#).expect("hidden next field")..];
    let value = after_name.split(r#"value=""#).nth(1).map_or("", |rest| rest.split('"').next().unwrap_or_default());
    value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'").replace("&amp;", "&")
}

#[sqlx::test]
async fn sign_ins_are_audited_with_the_address_and_never_the_password_or_an_unknown_email(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    let ada: i64 = sqlx::query_scalar("select id from users").fetch_one(&app.pool).await.expect("id");

    app.post_login(&app.client, "ada@example.com", "guess one").await;
    app.post_login(&app.client, "typo-password-here@example.com", "guess two").await;
    app.sign_in(&app.client, "ada@example.com", PASSWORD).await;

    let rows: Vec<(String, String, String, Option<String>, Value)> =
        sqlx::query_as("select action, actor_kind, actor_label, target_id, details from audit_log order by id")
            .fetch_all(&app.pool)
            .await
            .expect("audit");
    let expected = [
        ("session.login_failed", "system", "sign-in", Some(ada.to_string())),
        ("session.login_failed", "system", "sign-in", None),
        ("session.login", "user", "ada@example.com", Some(ada.to_string())),
    ];
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (row, (action, kind, label, target)) in rows.iter().zip(expected) {
        assert_eq!((row.0.as_str(), row.1.as_str(), row.2.as_str(), row.3.clone()), (action, kind, label, target));
        assert_eq!(row.4, json!({ "address": "127.0.0.1" }));
    }
    let dump: String = sqlx::query_scalar("select string_agg(l::text, ' ') from audit_log l")
        .fetch_one(&app.pool)
        .await
        .expect("dump");
    for secret in ["guess one", "guess two", PASSWORD, "typo-password-here"] {
        assert!(!dump.contains(secret), "{secret:?} is in the audit log");
    }
}

#[sqlx::test]
async fn the_session_cookie_is_secure_by_default_when_the_public_url_is_https(pool: PgPool) {
    let mut args = ConfigArgs::parse_from(["--addr", "127.0.0.1:0", "--public-url", "https://calls.example.com"])
        .expect("settings");
    args.data_dir = std::env::temp_dir().join("callscope-it");
    args.database_url = None;
    let config = Config::load(&args).expect("config");
    let app = TestApp::spawn_with(config, pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;

    let response = app.post_login(&app.client, "ada@example.com", PASSWORD).await;

    let cookie = response.headers().get("set-cookie").expect("cookie").to_str().expect("ascii").to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[sqlx::test]
async fn a_session_in_constant_use_still_ends_at_its_absolute_lifetime(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    app.sign_in(&app.client, "ada@example.com", PASSWORD).await;

    // Signed in almost a week ago and used a minute ago: still valid, but
    // sliding the expiry stops at the absolute lifetime (7 days).
    sqlx::query(
        "update sessions set created_at = now() - interval '167 hours', last_seen_at = now() - interval '2 minutes'",
    )
    .execute(&app.pool)
    .await
    .expect("age the session");
    assert_eq!(app.page(&app.client, "/search").await.status(), 200);
    let beyond: bool = sqlx::query_scalar("select expires_at > created_at + interval '168 hours' from sessions")
        .fetch_one(&app.pool)
        .await
        .expect("expiry");
    assert!(!beyond, "the sliding expiry passed the absolute lifetime");

    sqlx::query(
        "update sessions set created_at = now() - interval '169 hours', expires_at = now() + interval '1 hour'",
    )
    .execute(&app.pool)
    .await
    .expect("age the session");
    let page = app.page(&app.client, "/search").await;
    assert!(location(&page).starts_with("/login"), "an old session is over however it was used");
}
