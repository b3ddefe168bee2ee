//! Managing webhooks through the admin forms: the signing secret shown
//! once and stored encrypted, settings checked field by field, edits,
//! rotation, replay and removal audited — without JavaScript.

use callscope::domain::Role;
use callscope::server::webhooks::delivery::DELIVERY_HEADER;
use chrono::{TimeDelta, Utc};
use sqlx::PgPool;

use super::{ADMIN, AdminSession, PASSWORD, field_error, shown_secret};
use crate::common::{TestApp, location, test_config};
use crate::webhooks::{Receiver, deliverer, loopback, verify_like_a_receiver};

/// An admin on a server whose operator allows webhooks to loopback,
/// where the test receivers listen.
async fn admin_allowing_loopback(pool: PgPool) -> AdminSession {
    let server = server_allowing_loopback(pool).await;
    server.create_user(ADMIN, Role::Admin, PASSWORD).await;
    server.sign_in(&server.client, ADMIN, PASSWORD).await;
    AdminSession { server }
}

async fn server_allowing_loopback(pool: PgPool) -> TestApp {
    let mut config = test_config();
    config.webhook_allow_networks = loopback();
    TestApp::spawn_with(config, pool).await
}

/// The add-webhook form's fields to `url`.
fn add(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("intent", "add_webhook".into()),
        ("url", url.into()),
        ("reasons", "failedConferences".into()),
        ("reasons", "dissatisfactoryUserFeedback".into()),
        ("triggerType", "interval".into()),
        ("threshold", "12.5".into()),
        ("interval", "15".into()),
        ("enabled", "on".into()),
    ]
}

fn fields<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(name, value)| (*name, value.as_str())).collect()
}

#[sqlx::test]
async fn a_webhook_is_added_with_its_secret_shown_once_and_signs_with_it(pool: PgPool) {
    let admin = admin_allowing_loopback(pool).await;
    let (app_id, _) = admin.create_app("Hooked").await;
    let server = &admin.server;
    let page = format!("/admin/apps/{app_id}");
    let receiver = Receiver::start(0).await;

    let response = admin.post(&page, &fields(&add(&receiver.url))).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("page");
    let secret = shown_secret(&html).expect("the signing secret is shown");
    assert!(secret.starts_with("whsec_") && secret.len() == 49, "{secret}");

    let stored: (String, Vec<String>, String, f64, i32, bool, Vec<u8>, String) = sqlx::query_as(
        "select url, reasons, trigger_type, threshold, interval_seconds, enabled, secret_ciphertext, secret_last4
           from webhooks",
    )
    .fetch_one(&server.pool)
    .await
    .expect("webhook");
    assert_eq!(stored.0, receiver.url);
    assert_eq!(stored.1, ["failedConferences", "dissatisfactoryUserFeedback"], "both checkboxes");
    assert_eq!((stored.2.as_str(), stored.3, stored.4, stored.5), ("interval", 0.125, 900, true));
    assert!(!stored.6.windows(secret.len()).any(|window| window == secret.as_bytes()), "encrypted at rest");
    assert!(secret.ends_with(&stored.7));

    // Never shown again: not on the pages, not in the server functions.
    let id: i64 = sqlx::query_scalar("select id from webhooks").fetch_one(&server.pool).await.expect("id");
    let webhook_page = format!("/admin/apps/{app_id}/webhooks/{id}");
    for path in [page.clone(), webhook_page.clone()] {
        let html = server.page(&server.client, &path).await.text().await.expect("page");
        assert!(
            html.contains(&receiver.url.replace('&', "&amp;")) || html.contains(&receiver.url),
            "{path} shows the URL"
        );
        assert!(!html.contains(&secret), "{path} shows the secret again");
    }
    for (name, args) in [
        ("admin_app", vec![("app", app_id.clone())]),
        ("admin_webhook", vec![("app", app_id.clone()), ("id", id.to_string())]),
    ] {
        let body = server.client.post(server.url(&format!("/api/{name}"))).form(&args).send().await.expect("call");
        assert_eq!(body.status(), 200, "{name}");
        assert!(!body.text().await.expect("body").contains(&secret), "{name}");
    }
    let audit: Vec<(String, String)> =
        sqlx::query_as("select actor_label, details::text from audit_log where action like 'webhook.%'")
            .fetch_all(&server.pool)
            .await
            .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, ADMIN);
    assert!(!audit[0].1.contains(&secret) && !audit[0].1.contains("token=abc"), "{}", audit[0].1);

    // Rotating shows a new secret once; deliveries are signed with it.
    let response = admin.post(&webhook_page, &[("intent", "rotate_webhook_secret")]).await;
    assert_eq!(response.status(), 200);
    let rotated = shown_secret(&response.text().await.expect("page")).expect("a new secret");
    assert_ne!(rotated, secret);
    sqlx::query(
        "insert into webhook_deliveries (webhook_id, reason, trigger_type, dedupe_key, actual_value, total)
         values ($1, 'failedConferences', 'interval', 'test', 1, 2)",
    )
    .bind(id)
    .execute(&server.pool)
    .await
    .expect("enqueue");
    let (deliverer, _own) = deliverer(&server.pool).await;
    let now = Utc::now();
    deliverer.run_once(now).await.expect("deliver");
    let received = receiver.received();
    verify_like_a_receiver(&rotated, &received[0], now.timestamp()).expect("signed with the new secret");
    verify_like_a_receiver(&secret, &received[0], now.timestamp()).expect_err("not with the old one");

    // The delivery log shows the attempt; a replay sends the same body again.
    let html = server.page(&server.client, &webhook_page).await.text().await.expect("page");
    assert!(html.contains("thanks"), "the response snippet is in the log");
    let delivery = received[0].header(DELIVERY_HEADER).to_owned();
    let response = admin.post(&webhook_page, &[("intent", "replay_delivery"), ("deliveryID", &delivery)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{webhook_page}?done=replay_delivery"));
    deliverer.run_once(Utc::now()).await.expect("deliver");
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].body, received[0].body);
    assert_ne!(received[1].header(DELIVERY_HEADER), delivery, "a replay is a new delivery");
}

#[sqlx::test]
async fn webhook_settings_are_checked_field_by_field_and_edited(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, _) = admin.create_app("Checked").await;
    let server = &admin.server;
    let page = format!("/admin/apps/{app_id}");
    let count = async || -> i64 {
        sqlx::query_scalar("select count(*) from webhooks").fetch_one(&server.pool).await.expect("count")
    };

    let cases: [(&str, &str, &str); 6] = [
        ("url", "ftp://example.com/hook", "url"),
        ("url", "https://", "url"),
        ("threshold", "150", "threshold"),
        ("threshold", "ten", "threshold"),
        ("interval", "0.5", "interval"),
        ("triggerType", "sometimes", "triggerType"),
    ];
    for (name, value, field) in cases {
        let mut posted = add("https://hooks.example.com/in");
        posted.iter_mut().filter(|(key, _)| *key == name).for_each(|(_, old)| *old = value.to_owned());
        let response = admin.post(&page, &fields(&posted)).await;
        assert_eq!(response.status(), 422, "{name}={value}");
        let html = response.text().await.expect("page");
        assert!(field_error(&html, field).is_some(), "{name}={value}: the error names {field}");
        assert!(shown_secret(&html).is_none());
    }
    let mut no_reason = add("https://hooks.example.com/in");
    no_reason.retain(|(key, _)| *key != "reasons");
    let response = admin.post(&page, &fields(&no_reason)).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&response.text().await.expect("page"), "reasons").is_some());
    assert_eq!(count().await, 0, "nothing refused was stored");

    // An individual webhook's threshold is 1, whatever was typed.
    let mut individual = add("https://hooks.example.com/each");
    individual.iter_mut().filter(|(key, _)| *key == "triggerType").for_each(|(_, value)| *value = "individual".into());
    assert_eq!(admin.post(&page, &fields(&individual)).await.status(), 200);
    let (id, threshold): (i64, f64) =
        sqlx::query_as("select id, threshold from webhooks").fetch_one(&server.pool).await.expect("webhook");
    assert_eq!(threshold, 1.0);

    // Edit: interval at 25 % per 2 hours, disabled (the checkbox left out).
    let webhook_page = format!("/admin/apps/{app_id}/webhooks/{id}");
    let mut edit = add("https://hooks.example.com/edited");
    edit[0].1 = "update_webhook".into();
    edit.retain(|(key, value)| *key != "enabled" && !(*key == "reasons" && value == "failedConferences"));
    edit.iter_mut().for_each(|(key, value)| match *key {
        "threshold" => *value = "25".into(),
        "interval" => *value = "120".into(),
        _ => {}
    });
    let response = admin.post(&webhook_page, &fields(&edit)).await;
    assert_eq!(response.status(), 303);
    let stored: (String, Vec<String>, String, f64, i32, bool, chrono::DateTime<Utc>) = sqlx::query_as(
        "select url, reasons, trigger_type, threshold, interval_seconds, enabled, next_evaluation_at from webhooks",
    )
    .fetch_one(&server.pool)
    .await
    .expect("webhook");
    assert_eq!(
        (stored.0.as_str(), stored.1, stored.2.as_str(), stored.3, stored.4, stored.5),
        (
            "https://hooks.example.com/edited",
            vec!["dissatisfactoryUserFeedback".to_owned()],
            "interval",
            0.25,
            7200,
            false
        )
    );
    assert!(stored.6 > Utc::now() + TimeDelta::minutes(110), "a new period starts with a new length");
    let list = server.page(&server.client, &page).await.text().await.expect("page");
    assert!(list.contains("disabled"));

    // Another app's webhook id is not this app's: 404, nothing removed.
    let (other_app, _) = admin.create_app("Other").await;
    let response = admin
        .post(&format!("/admin/apps/{other_app}"), &[("intent", "remove_webhook"), ("webhookID", &id.to_string())])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(server.page(&server.client, &format!("/admin/apps/{other_app}/webhooks/{id}")).await.status(), 404);
    assert_eq!(count().await, 1);

    let response = admin.post(&page, &[("intent", "remove_webhook"), ("webhookID", &id.to_string())]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(count().await, 0);
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where action like 'webhook.%' order by id")
            .fetch_all(&server.pool)
            .await
            .expect("audit");
    assert_eq!(actions, ["webhook.create", "webhook.update", "webhook.remove"]);
}

#[sqlx::test]
async fn a_webhook_to_a_private_address_is_refused_naming_the_url(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, _) = admin.create_app("Inward").await;
    let page = format!("/admin/apps/{app_id}");
    for url in
        ["http://127.0.0.1:5432/", "http://[::1]/", "http://10.0.0.1/", "http://169.254.169.254/", "http://100.64.0.1/"]
    {
        let response = admin.post(&page, &fields(&add(url))).await;
        assert_eq!(response.status(), 422, "{url}");
        let html = response.text().await.expect("page");
        let message = field_error(&html, "url").unwrap_or_default();
        assert!(message.contains("may not reach"), "{url}: {message}");
        assert!(shown_secret(&html).is_none());
    }
    let count: i64 =
        sqlx::query_scalar("select count(*) from webhooks").fetch_one(&admin.server.pool).await.expect("count");
    assert_eq!(count, 0);

    // Allowing loopback allows loopback, not the rest.
    let server = server_allowing_loopback(admin.server.pool.clone()).await;
    server.sign_in(&server.client, ADMIN, PASSWORD).await;
    let admin = AdminSession { server };
    assert_eq!(admin.post(&page, &fields(&add("http://127.0.0.1:5432/"))).await.status(), 200);
    assert_eq!(admin.post(&page, &fields(&add("http://10.0.0.1/"))).await.status(), 422);
}
