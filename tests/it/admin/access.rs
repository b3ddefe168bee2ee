//! Admin pages, forms and server functions are for admins only; an
//! engineer granted one app sees nothing of another.

use callscope::domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{AdminSession, PASSWORD, post_form};
use crate::collector::{Collector, header, with};
use crate::common::TestApp;

/// Every admin page.
fn pages(app_id: &str, webhook: i64) -> Vec<String> {
    vec![
        "/admin".into(),
        format!("/admin/apps/{app_id}"),
        format!("/admin/apps/{app_id}/webhooks/{webhook}"),
        format!("/admin/apps/{app_id}/subject?by=userID&value=alice"),
        "/admin/users".into(),
        format!("/admin/audit?app={app_id}"),
    ]
}

/// One post of every admin form route, each of which would change something.
fn form_posts(app_id: &str, webhook: i64) -> Vec<(String, Vec<(&'static str, String)>)> {
    let hook = |intent: &str| {
        vec![
            ("intent", intent.to_owned()),
            ("url", "https://evil.example/hook".to_owned()),
            ("reasons", "failedConferences".to_owned()),
            ("triggerType", "individual".to_owned()),
            ("enabled", "on".to_owned()),
        ]
    };
    vec![
        (format!("/admin/apps/{app_id}"), hook("add_webhook")),
        (format!("/admin/apps/{app_id}/webhooks/{webhook}"), hook("update_webhook")),
        (format!("/admin/apps/{app_id}/webhooks/{webhook}"), vec![("intent", "rotate_webhook_secret".into())]),
        ("/admin".into(), vec![("intent", "create_app".into()), ("name", "Intruder".into())]),
        (
            format!("/admin/apps/{app_id}/subject"),
            vec![
                ("intent", "erase_subject".into()),
                ("by", "userID".into()),
                ("value", "a".into()),
                ("confirm", "a".into()),
            ],
        ),
        (format!("/admin/apps/{app_id}"), vec![("intent", "rename".into()), ("name", "Taken over".into())]),
        (format!("/admin/apps/{app_id}"), vec![("intent", "rotate_secret".into()), ("label", "mine".into())]),
        (
            format!("/admin/apps/{app_id}"),
            vec![("intent", "add_origin".into()), ("origin", "https://evil.example".into())],
        ),
        (
            "/admin/users".into(),
            vec![
                ("intent", "create_user".into()),
                ("email", "mole@example.com".into()),
                ("role", "admin".into()),
                ("password", PASSWORD.into()),
            ],
        ),
    ]
}

/// Every admin server function, with arguments.
fn server_functions(app_id: &str, webhook: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("admin_webhook", json!({ "app": app_id, "id": webhook.to_string() })),
        ("admin_apps", json!({})),
        ("admin_app", json!({ "app": app_id })),
        ("admin_subject", json!({ "app": app_id, "by": "userID", "value": "alice" })),
        ("admin_users", json!({})),
        ("admin_audit", json!({ "query": { "app": app_id } })),
    ]
}

async fn call(server: &TestApp, client: &reqwest::Client, name: &str, args: &Value) -> reqwest::Response {
    let request = client.post(server.url(&format!("/api/{name}")));
    // admin_audit takes JSON; the others a form.
    let request = if name == "admin_audit" {
        request.json(args)
    } else {
        let fields: Vec<(String, String)> = args
            .as_object()
            .expect("object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
            .collect();
        request.form(&fields)
    };
    request.send().await.expect("server function")
}

/// What the admin forms above would change: app names and the numbers
/// of secrets, origins and users.
async fn state(pool: &PgPool) -> (Vec<String>, (i64, i64, i64)) {
    let names = sqlx::query_scalar(
        "select name from apps union all select url || ' ' || secret_last4 || ' ' || enabled from webhooks",
    )
    .fetch_all(pool)
    .await
    .expect("names");
    let counts = sqlx::query_as(
        "select (select count(*) from app_secrets), (select count(*) from app_origins), (select count(*) from users)",
    )
    .fetch_one(pool)
    .await
    .expect("counts");
    (names, counts)
}

#[sqlx::test]
async fn non_admins_get_403_from_every_admin_page_form_and_server_function(pool: PgPool) {
    let admin = AdminSession::start(pool).await;
    let (app_id, _) = admin.create_app("Guarded").await;
    let server = &admin.server;
    let hook = [
        ("intent", "add_webhook"),
        ("url", "https://ops.example/hook"),
        ("reasons", "failedConferences"),
        ("triggerType", "individual"),
        ("enabled", "on"),
    ];
    assert_eq!(admin.post(&format!("/admin/apps/{app_id}"), &hook).await.status(), 200);
    let webhook: i64 = sqlx::query_scalar("select id from webhooks").fetch_one(&server.pool).await.expect("webhook");
    let others = [("eng@example.com", Role::Engineer), ("sup@example.com", Role::Support)];
    for (email, role) in others {
        server.create_user(email, role, PASSWORD).await;
    }
    let before = state(&server.pool).await;

    for (email, role) in others {
        let client = server.new_client();
        server.sign_in(&client, email, PASSWORD).await;
        for page in pages(&app_id, webhook) {
            let response = server.page(&client, &page).await;
            assert_eq!(response.status(), 403, "{role} GET {page}");
            let html = response.text().await.expect("page");
            assert!(html.contains("Forbidden"), "{role} GET {page} explains");
            assert!(!html.contains(&app_id) || page.contains(&app_id), "{role} GET {page} shows no app");
        }
        for (path, fields) in form_posts(&app_id, webhook) {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = post_form(server, &client, &path, &fields).await;
            assert_eq!(response.status(), 403, "{role} POST {path} {fields:?}");
            assert!(shown_nothing(&response.text().await.expect("page")), "{role} POST {path}");
        }
        for (name, args) in server_functions(&app_id, webhook) {
            let response = call(server, &client, name, &args).await;
            assert_eq!(response.status(), 403, "{role} {name}");
        }
    }
    // Signed out: server functions 401, form posts 401, nothing changed.
    let stranger = server.new_client();
    for (name, args) in server_functions(&app_id, webhook) {
        assert_eq!(call(server, &stranger, name, &args).await.status(), 401, "signed out {name}");
    }
    for (path, fields) in form_posts(&app_id, webhook) {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let status = post_form(server, &stranger, &path, &fields).await.status();
        assert!(status == 401 || status.is_redirection(), "signed out POST {path}: {status}");
    }
    assert_eq!(state(&server.pool).await, before, "no refused post changed anything");

    // The same calls as the admin succeed, so the refusals above are about the role.
    for (name, args) in server_functions(&app_id, webhook) {
        assert_eq!(call(server, &server.client, name, &args).await.status(), 200, "admin {name}");
    }
    for page in pages(&app_id, webhook) {
        assert_eq!(server.page(&server.client, &page).await.status(), 200, "admin GET {page}");
    }
}

/// A refused post's page carries no secret and no admin data.
fn shown_nothing(html: &str) -> bool {
    !html.contains("new-secret") && !html.contains("admin-apps") && !html.contains("admin-users")
}

#[sqlx::test]
async fn an_engineer_granted_app_a_sees_nothing_of_app_b(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let server = &collector.server;
    let (b_id, b_secret) = collector.other_app().await;
    collector.join("conference-in-a", "alice").await;
    join_other(&collector, &b_id, &b_secret, "conference-in-b", "bob").await;
    let instance = |conf: &'static str| async move {
        sqlx::query_scalar::<_, i64>("select id from conference_instances where conference_id = $1")
            .bind(conf)
            .fetch_one(&server.pool)
            .await
            .expect("instance")
    };
    let (a_instance, b_instance) = (instance("conference-in-a").await, instance("conference-in-b").await);

    server.create_user("eng@example.com", Role::Engineer, PASSWORD).await;
    sqlx::query(
        "insert into user_app_grants (user_id, app_id) select id, $1 from users where email = 'eng@example.com'",
    )
    .bind(collector.app_pk)
    .execute(&server.pool)
    .await
    .expect("grant A");
    let client = server.new_client();
    server.sign_in(&client, "eng@example.com", PASSWORD).await;

    // App A is visible, so what follows is about B.
    assert_eq!(server.page(&client, &format!("/conferences/{a_instance}")).await.status(), 200);
    let apps = client.post(server.url("/api/list_search_apps")).send().await.expect("apps").text().await.expect("body");
    assert!(apps.contains(&collector.app_id) && !apps.contains(&b_id), "{apps}");

    let page = server.page(&client, &format!("/conferences/{b_instance}")).await;
    assert_eq!(page.status(), 404);
    let page = page.text().await.expect("page");
    assert!(!page.contains("conference-in-b") && !page.contains("bob"));
    let answer = client
        .post(server.url("/api/get_conference"))
        .form(&[("id", b_instance.to_string())])
        .send()
        .await
        .expect("get");
    assert_eq!(answer.status(), 404);
    for query in [
        json!({ "conference_id": "conference-in-b" }),
        json!({ "conference_id": "conference-in-b", "app": b_id }),
        json!({ "user_id": "bob" }),
        json!({ "app": b_id }),
        json!({}),
    ] {
        let response = client
            .post(server.url("/api/search_conferences"))
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("search");
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(!body.contains("conference-in-b") && !body.contains(&b_id), "search {query}: {status} {body}");
    }
    for path in
        ["/search?conferenceID=conference-in-b".to_owned(), format!("/search?app={b_id}"), "/search?userID=bob".into()]
    {
        // The form shows what was searched for; the results must not hold B's conference.
        let body = server.page(&client, &path).await.text().await.expect("page");
        assert!(!body.contains(&format!("/conferences/{b_instance}")), "{path}");
    }
    let suggestions =
        client.post(server.url("/api/suggest_people")).form(&[("prefix", "bo")]).send().await.expect("suggest");
    assert!(!suggestions.text().await.expect("body").contains("bob"));
    let admin_view = call(server, &client, "admin_app", &json!({ "app": b_id })).await;
    assert_eq!(admin_view.status(), 403);
}

/// Joins `conf` in another app of the same server as `user`.
async fn join_other(collector: &Collector, app_id: &str, secret: &str, conf: &str, user: &str) {
    let code = collector.jwt(secret, user, json!({ "appID": app_id }));
    let response = collector.token_request(user, app_id, &code, None).await;
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.expect("token");
    let token = token["access_token"].as_str().expect("access_token");
    let body = with(header(user), json!({ "endpointInfo": { "type": "browser", "name": "Chrome", "os": "Linux" } }));
    let joined = collector.post(token, &collector.conference_url(app_id, conf, &[]), &body).await;
    assert_eq!(joined.status(), 200);
}
