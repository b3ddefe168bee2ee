//! The admin page of one person's data: find, download the export, erase
//! with a confirmation — and nothing for anyone but an admin.

use callscope::domain::Role;
use sqlx::PgPool;

use super::plant::{self, NAME, SUBJECT};
use super::{PASSWORD, scan};
use crate::admin::{field_error, post_form};
use crate::collector::Collector;
use crate::common::location;

#[sqlx::test]
async fn an_admin_finds_exports_and_erases_a_person_from_the_page_and_others_get_403(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    plant::call(&collector).await;
    let server = &collector.server;
    let app = &collector.app_id;
    let path = format!("/admin/apps/{app}/subject");
    for (email, role) in
        [("boss@example.com", Role::Admin), ("eng@example.com", Role::Engineer), ("sup@example.com", Role::Support)]
    {
        server.create_user(email, role, PASSWORD).await;
    }

    for email in ["eng@example.com", "sup@example.com"] {
        let client = server.new_client();
        server.sign_in(&client, email, PASSWORD).await;
        let page = server.page(&client, &format!("{path}?by=userName&value={}", NAME.replace(' ', "+"))).await;
        assert_eq!(page.status(), 403, "{email} GET");
        assert!(!page.text().await.expect("page").contains(SUBJECT), "{email} sees no one");
        for intent in ["export_subject", "erase_subject"] {
            let fields = [("intent", intent), ("by", "userID"), ("value", SUBJECT), ("confirm", SUBJECT)];
            let response = post_form(server, &client, &path, &fields).await;
            assert_eq!(response.status(), 403, "{email} {intent}");
            assert!(!response.text().await.expect("body").contains(NAME), "{email} {intent}");
        }
        let answer = client
            .post(server.url("/api/admin_subject"))
            .form(&[("app", app.as_str()), ("by", "userID"), ("value", SUBJECT)])
            .send()
            .await
            .expect("server function");
        assert_eq!(answer.status(), 403, "{email} admin_subject");
    }
    assert!(!scan::find(&server.pool, &[SUBJECT]).await.is_empty(), "nothing was erased by them");

    let admin = server.new_client();
    server.sign_in(&admin, "boss@example.com", PASSWORD).await;
    let page = server.page(&admin, &format!("{path}?by=userName&value={}", NAME.replace(' ', "+"))).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(html.contains("subject-people") && html.contains(SUBJECT), "the admin finds the userID by name");

    let fields = [("intent", "export_subject"), ("by", "userName"), ("value", NAME)];
    let export = post_form(server, &admin, &path, &fields).await;
    assert_eq!(export.status(), 200);
    let disposition = export.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.starts_with("attachment;") && !disposition.contains(SUBJECT), "{disposition}");
    let document: serde_json::Value = export.json().await.expect("export json");
    assert_eq!(document["endpoints"][0]["user_name"], NAME);

    let wrong = [("intent", "erase_subject"), ("by", "userName"), ("value", NAME), ("confirm", "yes")];
    let refused = post_form(server, &admin, &path, &wrong).await;
    assert_eq!(refused.status(), 422);
    assert!(field_error(&refused.text().await.expect("page"), "confirm").is_some(), "the confirmation is asked for");
    assert!(!scan::find(&server.pool, &[NAME]).await.is_empty(), "a refused erase erased nothing");

    let erase = [("intent", "erase_subject"), ("by", "userName"), ("value", NAME), ("confirm", NAME)];
    let done = post_form(server, &admin, &path, &erase).await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("{path}?done=erase_subject"), "the redirect carries no identifier");
    let left = scan::find(&server.pool, &plant::PLANTED).await;
    assert!(left.is_empty(), "found after the erase: {left:#?}");
    let actions: Vec<(String, String)> =
        sqlx::query_as("select action, actor_label from audit_log where action like 'subject.%' order by id")
            .fetch_all(&server.pool)
            .await
            .expect("audit");
    let boss = "boss@example.com".to_owned();
    assert_eq!(actions, [("subject.export".to_owned(), boss.clone()), ("subject.erase".to_owned(), boss)]);
}
