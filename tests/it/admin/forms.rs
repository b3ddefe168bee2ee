//! What each admin form does, as a browser without JavaScript posts it:
//! the action through the CLI's code path, a redirect when done, the page
//! with the field's error when refused, a new secret shown exactly once.

use callscope::domain::Role;
use serde_json::json;
use sqlx::PgPool;

use super::{ADMIN, AdminSession, PASSWORD, field_error, form_errors, post_form, shown_secret};
use crate::collector::Collector;
use crate::common::location;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/{name}")).expect("fixture")
}

#[sqlx::test]
async fn a_new_app_secret_is_shown_once_stored_encrypted_and_never_shown_again(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, secret) = admin.create_app("Once").await;
    assert_eq!(secret.len(), 43, "32 random bytes, base64url");

    let server = &admin.server;
    let mut later = Vec::new();
    for page in ["/admin".to_owned(), format!("/admin/apps/{app_id}"), "/admin/audit".to_owned()] {
        let response = server.page(&server.client, &page).await;
        assert_eq!(response.status(), 200, "{page}");
        later.push((page, response.text().await.expect("page")));
    }
    for name in ["admin_apps", "admin_app"] {
        let response = server.client.post(server.url(&format!("/api/{name}"))).form(&[("app", &app_id)]).send().await;
        later.push((name.to_owned(), response.expect("call").text().await.expect("body")));
    }
    assert!(later[1].1.contains("first secret"), "the app page lists the secret by label");
    for (what, body) in &later {
        assert!(!body.contains(&secret), "{what} shows the secret again");
        assert!(!body.contains("new-secret"), "{what} has a secret field");
    }
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("select ciphertext from app_secrets").fetch_all(&server.pool).await.expect("rows");
    assert!(
        stored.iter().all(|bytes| !bytes.windows(secret.len()).any(|w| w == secret.as_bytes())),
        "encrypted at rest"
    );
    let audit: (String, String) =
        sqlx::query_as("select actor_label, details::text from audit_log where action = 'app.create'")
            .fetch_one(&server.pool)
            .await
            .expect("audit");
    assert_eq!(audit.0, ADMIN);
    assert!(!audit.1.contains(&secret));
}

#[sqlx::test]
async fn rotating_and_revoking_through_the_forms_changes_what_authenticate_accepts_at_once(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let server = &collector.server;
    server.create_user(ADMIN, Role::Admin, PASSWORD).await;
    server.sign_in(&server.client, ADMIN, PASSWORD).await;
    let page = format!("/admin/apps/{}", collector.app_id);
    let accepts = |secret: String| {
        let collector = &collector;
        async move {
            let code = collector.jwt(&secret, "alice", json!({}));
            collector.token_request("alice", &collector.app_id, &code, None).await.status().as_u16()
        }
    };

    let rotated = post_form(server, &server.client, &page, &[("intent", "rotate_secret"), ("label", "next")]).await;
    assert_eq!(rotated.status(), 200);
    let new_secret = shown_secret(&rotated.text().await.expect("page")).expect("the new secret is shown");
    assert_eq!(accepts(collector.secret.clone()).await, 200, "the old secret works during the rotation");
    assert_eq!(accepts(new_secret.clone()).await, 200, "the new secret works at once");

    let third = post_form(server, &server.client, &page, &[("intent", "rotate_secret"), ("label", "third")]).await;
    assert_eq!(third.status(), 409);
    let html = third.text().await.expect("page");
    assert!(form_errors(&html).iter().any(|e| e.contains("2 active secrets")), "{:?}", form_errors(&html));
    assert!(html.contains(r#"value="third""#), "the label typed is kept");

    let old_id: i64 = sqlx::query_scalar("select min(id) from app_secrets where app_id = $1")
        .bind(collector.app_pk)
        .fetch_one(&server.pool)
        .await
        .expect("old secret");
    let revoked =
        post_form(server, &server.client, &page, &[("intent", "revoke_secret"), ("secretID", &old_id.to_string())])
            .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(location(&revoked), format!("{page}?done=revoke_secret"));
    assert_eq!(accepts(collector.secret.clone()).await, 400, "a revoked secret stops at once");
    assert_eq!(accepts(new_secret).await, 200);
    let again =
        post_form(server, &server.client, &page, &[("intent", "revoke_secret"), ("secretID", &old_id.to_string())])
            .await;
    assert_eq!(again.status(), 404, "revoking twice says so");
}

#[sqlx::test]
async fn keys_must_be_p256_public_keys_and_are_listed_with_their_fingerprint(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, _) = admin.create_app("Keys").await;
    let page = format!("/admin/apps/{app_id}");
    let add = |key_id: &'static str, pem: String| {
        let admin = &admin;
        let page = page.clone();
        async move { admin.post(&page, &[("intent", "add_key"), ("keyID", key_id), ("pem", &pem)]).await }
    };

    for (pem, words) in [
        (fixture("rs256-public.pem"), "P-256"),
        (fixture("es256-private.pem"), "private key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".to_owned(), "P-256"),
        ("hello".to_owned(), "BEGIN PUBLIC KEY"),
    ] {
        let response = add("refused", pem).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.expect("page");
        let error = field_error(&html, "pem").expect("an error beside the PEM field");
        assert!(error.contains(words), "{error}");
        assert!(html.contains(r#"value="refused""#), "the keyID typed is kept");
    }
    let count: i64 =
        sqlx::query_scalar("select count(*) from app_jwt_keys").fetch_one(&admin.server.pool).await.expect("count");
    assert_eq!(count, 0, "no refused key was stored");

    let added = add("k1", fixture("es256-public.pem")).await;
    assert_eq!(added.status(), 303);
    let html = admin.server.page(&admin.server.client, &page).await.text().await.expect("page");
    let fingerprint: String = sqlx::query_scalar("select fingerprint from app_jwt_keys where key_id = 'k1'")
        .fetch_one(&admin.server.pool)
        .await
        .expect("key");
    assert!(fingerprint.len() == 64 && html.contains(&fingerprint), "the page shows the fingerprint");

    let duplicate = add("k1", fixture("es256-public.pem")).await;
    assert_eq!(duplicate.status(), 409);
    assert!(form_errors(&duplicate.text().await.expect("page")).iter().any(|e| e.contains("k1")));

    let revoked = admin.post(&page, &[("intent", "revoke_key"), ("keyID", "k1")]).await;
    assert_eq!(revoked.status(), 303);
    let html = admin.server.page(&admin.server.client, &page).await.text().await.expect("page");
    assert!(html.contains("revoked "), "the key is listed as revoked");
}

#[sqlx::test]
async fn origins_are_stored_normalised_and_a_bad_one_is_refused_naming_the_field(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, _) = admin.create_app("Origins").await;
    let page = format!("/admin/apps/{app_id}");

    let added = admin.post(&page, &[("intent", "add_origin"), ("origin", "https://Meet.Example.com:443/")]).await;
    assert_eq!(added.status(), 303);
    assert_eq!(location(&added), format!("{page}?done=add_origin"));
    let html =
        admin.server.page(&admin.server.client, &format!("{page}?done=add_origin")).await.text().await.expect("page");
    assert!(html.contains("<code>https://meet.example.com"), "the origin is listed, normalised");
    assert!(html.contains("Origin whitelisted."));

    for bad in ["meet.example.com", "https://meet.example.com/app", "ftp://meet.example.com"] {
        let response = admin.post(&page, &[("intent", "add_origin"), ("origin", bad)]).await;
        assert_eq!(response.status(), 422, "{bad}");
        let html = response.text().await.expect("page");
        assert!(field_error(&html, "origin").expect("error beside the field").contains("scheme://host[:port]"));
        assert!(html.contains(&format!(r#"value="{bad}""#)), "what was typed is kept");
    }

    let removed = admin.post(&page, &[("intent", "remove_origin"), ("origin", "https://meet.example.com")]).await;
    assert_eq!(removed.status(), 303);
    let origins: i64 =
        sqlx::query_scalar("select count(*) from app_origins").fetch_one(&admin.server.pool).await.expect("count");
    assert_eq!(origins, 0);
}

#[sqlx::test]
async fn users_are_created_granted_reset_and_disabled_and_the_last_admin_stays(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, _) = admin.create_app("Granted").await;
    let server = &admin.server;
    let users = |fields: Vec<(&'static str, String)>| {
        let admin = &admin;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post("/admin/users", &fields).await
        }
    };
    let create = |email: &str, password: &str| {
        vec![
            ("intent", "create_user".to_owned()),
            ("email", email.to_owned()),
            ("role", "engineer".to_owned()),
            ("password", password.to_owned()),
        ]
    };

    let short = users(create("eng@example.com", "short")).await;
    assert_eq!(short.status(), 422);
    let html = short.text().await.expect("page");
    assert!(field_error(&html, "password").expect("password error").contains("10 characters"));
    assert!(html.contains(r#"value="eng@example.com""#), "the email typed is kept");
    assert!(!html.contains(r#"value="short""#), "a password is never sent back");
    let bad_email = users(create("not an email", PASSWORD)).await;
    assert_eq!(bad_email.status(), 422);
    assert!(field_error(&bad_email.text().await.expect("page"), "email").is_some());

    assert_eq!(users(create("eng@example.com", PASSWORD)).await.status(), 303);
    let duplicate = users(create("eng@example.com", PASSWORD)).await;
    assert_eq!(duplicate.status(), 409);
    assert!(form_errors(&duplicate.text().await.expect("page")).iter().any(|e| e.contains("already exists")));

    let grant = vec![("intent", "grant".to_owned()), ("email", "eng@example.com".to_owned()), ("app", app_id.clone())];
    assert_eq!(users(grant).await.status(), 303);
    let engineer = server.new_client();
    server.sign_in(&engineer, "eng@example.com", PASSWORD).await;
    let apps =
        engineer.post(server.url("/api/list_search_apps")).send().await.expect("apps").text().await.expect("body");
    assert!(apps.contains(&app_id), "the grant lets the engineer see the app: {apps}");

    // The only admin can be neither demoted nor disabled.
    for fields in [
        vec![("intent", "set_role".to_owned()), ("email", ADMIN.to_owned()), ("role", "engineer".to_owned())],
        vec![("intent", "disable_user".to_owned()), ("email", ADMIN.to_owned())],
    ] {
        let response = users(fields).await;
        assert_eq!(response.status(), 409);
        let html = response.text().await.expect("page");
        assert!(html.contains("last active admin"), "the refusal is explained");
    }
    let role: String = sqlx::query_scalar("select role from users where email = $1")
        .bind(ADMIN)
        .fetch_one(&server.pool)
        .await
        .expect("role");
    assert_eq!(role, "admin");

    let reset = vec![
        ("intent", "reset_password".to_owned()),
        ("email", "eng@example.com".to_owned()),
        ("password", "a brand new password".to_owned()),
    ];
    assert_eq!(users(reset).await.status(), 303);
    assert_eq!(server.page(&engineer, "/search").await.status(), 303, "a reset signs the user out");
    assert_ne!(location(&server.post_login(&server.new_client(), "eng@example.com", PASSWORD).await), "/search");
    let engineer = server.new_client();
    server.sign_in(&engineer, "eng@example.com", "a brand new password").await;

    let disable = vec![("intent", "disable_user".to_owned()), ("email", "eng@example.com".to_owned())];
    assert_eq!(users(disable).await.status(), 303);
    assert_eq!(server.page(&engineer, "/search").await.status(), 303, "disabling signs the user out");

    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where actor_label = $1 and action like 'user.%' order by id")
            .bind(ADMIN)
            .fetch_all(&server.pool)
            .await
            .expect("audit");
    assert_eq!(actions, ["user.create", "user.grant", "user.reset_password", "user.disable"]);
}

#[sqlx::test]
async fn a_cross_site_form_post_is_refused_and_changes_nothing(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let server = &admin.server;
    let forged = server
        .client
        .post(server.url("/admin"))
        .header("origin", "https://evil.example")
        .form(&[("intent", "create_app"), ("name", "Forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    let apps: i64 = sqlx::query_scalar("select count(*) from apps").fetch_one(&server.pool).await.expect("count");
    assert_eq!(apps, 0);
}

#[sqlx::test]
async fn the_audit_log_is_filtered_by_app_actor_and_action_and_paged(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (first, _) = admin.create_app("First").await;
    let (second, _) = admin.create_app("Second").await;
    for n in 0..55 {
        let origin = format!("https://host{n}.example");
        let response =
            admin.post(&format!("/admin/apps/{first}"), &[("intent", "add_origin"), ("origin", &origin)]).await;
        assert_eq!(response.status(), 303);
    }
    admin.post(&format!("/admin/apps/{second}"), &[("intent", "rename"), ("name", "Second, renamed")]).await;
    let audit = |query: serde_json::Value| {
        let server = &admin.server;
        async move {
            let response =
                server.client.post(server.url("/api/admin_audit")).json(&json!({ "query": query })).send().await;
            let page: serde_json::Value = response.expect("call").json().await.expect("json");
            page
        }
    };

    let page = audit(json!({ "app": second })).await;
    let actions: Vec<&str> =
        page["rows"].as_array().expect("rows").iter().map(|r| r["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["app.rename", "app.create"], "newest first, only the second app");

    let page = audit(json!({ "app": first, "action": "app.origin" })).await;
    let rows = page["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 50, "a page holds 50");
    assert!(rows.iter().all(|r| r["action"] == "app.origin.add" && r["actorLabel"] == ADMIN));
    let older = audit(json!({ "app": first, "action": "app.origin", "before": page["older"] })).await;
    assert_eq!(older["rows"].as_array().expect("rows").len(), 5, "the older page holds the rest");
    assert!(older["older"].is_null());

    assert_eq!(audit(json!({ "actor": "someone@else.example" })).await["rows"].as_array().expect("rows").len(), 0);
    let html = admin.server.page(&admin.server.client, &format!("/admin/audit?app={first}&action=app.origin")).await;
    assert_eq!(html.status(), 200);
    let html = html.text().await.expect("page");
    assert!(html.contains("https://host54.example") && !html.contains("app.create"));
    assert!(
        html.contains(&format!("/admin/audit?app={first}&amp;action=app.origin&amp;before=")),
        "a link to older records"
    );
}
