//! Sign-in throttling, the password hashing bound, the `/authenticate` rate
//! limits and the client address behind proxies, over real HTTP.

use callscope::domain::Role;
use callscope::server::Application;
use callscope::server::apps;
use callscope::server::audit::Actor;
use secrecy::ExposeSecret;
use serde_json::json;
use sqlx::PgPool;

use crate::collector::{Collector, master_key};
use crate::common::{TestApp, location, test_config};

const PASSWORD: &str = "a long enough password";

/// POST /login as from `forwarded_for` (when the peer is a trusted proxy).
async fn login_from(app: &TestApp, email: &str, secret: &str, forwarded_for: &str) -> reqwest::Response {
    app.new_client()
        .post(app.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email), ("password", secret)])
        .send()
        .await
        .expect("POST /login")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    let header = response.headers().get("retry-after").expect("Retry-After header");
    header.to_str().expect("ascii").parse().expect("whole seconds")
}

#[sqlx::test]
async fn the_21st_wrong_password_is_refused_in_any_case_of_the_email_until_the_window_passes(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;
    let spellings = ["ada@example.com", "ADA@EXAMPLE.COM", " Ada@Example.com "];

    for attempt in 0..20 {
        let response = app.post_login(&app.client, spellings[attempt % 3], "not the password").await;
        assert_eq!(response.status(), 303, "failure {} is only a failure", attempt + 1);
        assert!(location(&response).contains("error=credentials"));
    }
    let refused = app.post_login(&app.client, "aDa@example.COM", "not the password").await;
    assert_eq!(refused.status(), 429);
    assert!((1..=60).contains(&retry_after(&refused)), "the first delay: {}", retry_after(&refused));
    // Refused before any password is checked: the right one is no key either.
    assert_eq!(app.post_login(&app.client, "ada@example.com", PASSWORD).await.status(), 429);
    assert_eq!(app.session_count().await, 0);

    sqlx::query("update login_failures set occurred_at = occurred_at - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .expect("let the window pass");
    app.sign_in(&app.client, "ada@example.com", PASSWORD).await;
}

#[sqlx::test]
async fn delays_double_and_an_unknown_email_is_throttled_like_a_known_one(pool: PgPool) {
    let mut config = test_config();
    config.login_throttle.per_account = 2;
    let app = TestApp::spawn_with(config, pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;

    let mut delays = Vec::new();
    for email in ["ada@example.com", "nobody@example.com"] {
        for _ in 0..2 {
            assert_eq!(app.post_login(&app.client, email, "wrong").await.status(), 303);
        }
        let refused = app.post_login(&app.client, email, "wrong").await;
        assert_eq!(refused.status(), 429, "{email}");
        delays.push(retry_after(&refused));
        // Wait out the first delay; the next failure doubles it.
        sqlx::query("update login_failures set occurred_at = occurred_at - interval '61 seconds'")
            .execute(&app.pool)
            .await
            .expect("wait");
        assert_eq!(app.post_login(&app.client, email, "wrong").await.status(), 303);
        delays.push(retry_after(&app.post_login(&app.client, email, "wrong").await));
    }
    assert_eq!(delays, [60, 120, 60, 120], "known and unknown accounts answer alike");
}

#[sqlx::test]
async fn failures_from_one_address_are_throttled_across_accounts_and_spoofed_forwarding_is_ignored(pool: PgPool) {
    let mut config = test_config();
    config.login_throttle.per_address = 3;
    let app = TestApp::spawn_with(config, pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;

    // The peer (127.0.0.1) is no trusted proxy, so X-Forwarded-For is the
    // client's own claim and changes nothing.
    for n in 0..3 {
        let response = login_from(&app, &format!("user{n}@example.com"), "wrong", &format!("198.51.100.{n}")).await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(login_from(&app, "ada@example.com", PASSWORD, "198.51.100.9").await.status(), 429);
    let addresses: Vec<String> =
        sqlx::query_scalar("select distinct client_addr from login_failures").fetch_all(&app.pool).await.expect("rows");
    assert_eq!(addresses, ["127.0.0.1"]);
}

#[sqlx::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own(pool: PgPool) {
    let mut config = test_config();
    config.login_throttle.per_address = 2;
    config.trusted_proxies = vec!["127.0.0.0/8".parse().expect("network")];
    let app = TestApp::spawn_with(config, pool).await;
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;

    for n in 0..2 {
        // The client forged the left entry; the proxy appended the real one.
        let forwarded = "10.9.9.9, 198.51.100.7";
        assert_eq!(login_from(&app, &format!("user{n}@example.com"), "wrong", forwarded).await.status(), 303);
    }
    assert_eq!(login_from(&app, "ada@example.com", PASSWORD, "198.51.100.7").await.status(), 429);
    assert_eq!(login_from(&app, "ada@example.com", PASSWORD, "203.0.113.5").await.status(), 303, "another client");

    let recorded: Vec<String> =
        sqlx::query_scalar("select details->>'address' from audit_log where action like 'session.%' order by id")
            .fetch_all(&app.pool)
            .await
            .expect("audit");
    assert_eq!(recorded, ["198.51.100.7", "198.51.100.7", "203.0.113.5"]);
}

#[sqlx::test]
async fn many_concurrent_sign_ins_never_run_more_hashes_at_once_than_the_bound(pool: PgPool) {
    let mut config = test_config();
    config.hash_concurrency = 2;
    let application = Application::build(config, pool.clone(), callscope::pages()).await.expect("build");
    let state = application.state().clone();
    let base = format!("http://{}", application.addr().expect("addr"));
    tokio::spawn(application.run_until(std::future::pending()));
    let app = TestApp { base, client: reqwest::Client::new(), pool };
    app.create_user("ada@example.com", Role::Support, PASSWORD).await;

    let mut sign_ins = tokio::task::JoinSet::new();
    for n in 0..24 {
        let email = if n % 2 == 0 { "ada@example.com".to_owned() } else { format!("nobody{n}@example.com") };
        let (client, url) = (app.new_client(), app.url("/login"));
        sign_ins.spawn(async move {
            let form = [("email", email.as_str()), ("password", "a wrong guess")];
            client.post(url).form(&form).send().await.expect("POST /login").status()
        });
    }
    let statuses = sign_ins.join_all().await;

    assert!(statuses.iter().all(|status| *status == 303), "{statuses:?}");
    assert_eq!(state.auth.hashing.bound(), 2);
    assert_eq!(state.auth.hashing.peak(), 2, "the sign-ins queued for the bound, and reached it");
}

/// A collector whose app limits are set by `tune`.
async fn collector_with(pool: PgPool, tune: impl FnOnce(&mut callscope::server::Config)) -> Collector {
    let mut config = test_config();
    tune(&mut config);
    let server = TestApp::spawn_with(config, pool).await;
    let (app, secret) = apps::create(&server.pool, &Actor::Cli, &master_key(), "Limited").await.expect("app");
    Collector { server, app_id: app.public_id, app_pk: app.id, secret: secret.secret.expose_secret().to_owned() }
}

#[sqlx::test]
async fn authenticate_is_limited_per_client_address_whether_or_not_the_app_exists(pool: PgPool) {
    let collector = collector_with(pool, |config| {
        config.authenticate_per_address_per_minute = 3.try_into().expect("non-zero");
    })
    .await;
    for _ in 0..3 {
        let code = collector.jwt(&collector.secret, "alice", json!({}));
        assert_eq!(collector.token_request("alice", &collector.app_id, &code, None).await.status(), 200);
    }
    let code = collector.jwt(&collector.secret, "alice", json!({}));
    let refused = collector.token_request("alice", &collector.app_id, &code, None).await;
    assert_eq!(refused.status(), 429);
    assert!((1..=20).contains(&retry_after(&refused)));
    let unknown = collector.token_request("alice", "999999999", &code, None).await;
    assert_eq!(unknown.status(), 429);
}

#[sqlx::test]
async fn authenticate_is_limited_per_app_across_forwarded_addresses(pool: PgPool) {
    let collector = collector_with(pool, |config| {
        config.authenticate_per_app_per_minute = 2.try_into().expect("non-zero");
        config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("network")];
    })
    .await;
    let request = |app_id: String, secret: String, address: &'static str| {
        let collector = &collector;
        async move {
            let code = collector.jwt(&secret, "alice", json!({ "appID": app_id }));
            collector
                .server
                .client
                .post(collector.server.url("/authenticate"))
                .header("x-forwarded-for", address)
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", &format!("alice@{app_id}")),
                    ("code", &code),
                ])
                .send()
                .await
                .expect("POST /authenticate")
                .status()
        }
    };
    let (app, secret) = (collector.app_id.clone(), collector.secret.clone());
    assert_eq!(request(app.clone(), secret.clone(), "198.51.100.1").await, 200);
    assert_eq!(request(app.clone(), secret.clone(), "198.51.100.2").await, 200);
    assert_eq!(request(app.clone(), secret.clone(), "198.51.100.3").await, 429);
    let (other, other_secret) = collector.other_app().await;
    assert_eq!(request(other, other_secret, "198.51.100.3").await, 200, "another app has its own allowance");
}
