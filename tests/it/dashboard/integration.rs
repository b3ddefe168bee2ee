//! The integration page: the calls an app was seen making succeed, with a
//! hint for the missing ones, for the apps the viewer may see.

use callscope::domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, header, with};

const PASSWORD: &str = "a long enough password";

/// The steps recorded for the app so far (written in the background).
async fn recorded(pool: &PgPool, app_pk: i64) -> Vec<String> {
    sqlx::query_scalar("select step from app_integration_progress where app_id = $1 order by step")
        .bind(app_pk)
        .fetch_all(pool)
        .await
        .expect("steps")
}

#[sqlx::test]
async fn seen_steps_show_when_and_missing_ones_say_what_to_do(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let server = &collector.server;
    let alice = collector.join("room", "alice").await;
    let fabric =
        with(header("alice"), json!({ "remoteID": "bob", "connectionID": "pc-1", "eventType": "fabricSetup" }));
    assert_eq!(collector.send(&alice, "events/fabric", &fabric).await.status(), 200);
    // Progress is written after the answer, off the request path.
    let expected = ["authenticate", "fabricSetup", "userJoined"];
    for _ in 0..100 {
        if recorded(&server.pool, collector.app_pk).await == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(recorded(&server.pool, collector.app_pk).await, expected);

    server.create_user("eng@example.com", Role::Engineer, PASSWORD).await;
    sqlx::query("insert into user_app_grants (user_id, app_id) select id, $1 from users")
        .bind(collector.app_pk)
        .execute(&server.pool)
        .await
        .expect("grant");
    let client = server.new_client();
    server.sign_in(&client, "eng@example.com", PASSWORD).await;

    let answer = client.post(server.url("/api/integration_progress")).form(&[("app", "")]).send().await.expect("call");
    assert_eq!(answer.status(), 200);
    let view: Value = answer.json().await.expect("json");
    assert!(view.is_object(), "{view}");
    assert_eq!(view["app"]["app_id"], collector.app_id.as_str(), "an empty app is the first one the user may see");
    let steps = view["steps"].as_array().expect("steps");
    for step in steps {
        let name = step["step"].as_str().expect("name");
        let seen = expected.contains(&name);
        assert_eq!(step["seen"].is_object(), seen, "{name}");
        if seen {
            assert!(step["seen"]["last"].is_string() && step["seen"]["count"].as_i64() >= Some(1));
        }
    }
    let stats = steps.iter().find(|step| step["step"] == "stats").expect("stats step");
    assert_eq!(stats["required"], true);
    assert!(stats["hint"].as_str().expect("hint").contains("getStats()"));

    let page = server.page(&client, "/integration").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(html.contains("3 of 5 required steps seen."), "authenticate, join and set-up of the five");
    assert!(html.contains(r#"data-step="stats""#) && html.contains("missing"));
}

#[sqlx::test]
async fn an_app_not_granted_is_not_found(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let server = &collector.server;
    server.create_user("eng@example.com", Role::Engineer, PASSWORD).await;
    let client = server.new_client();
    server.sign_in(&client, "eng@example.com", PASSWORD).await;

    let answer = client
        .post(server.url("/api/integration_progress"))
        .form(&[("app", &collector.app_id)])
        .send()
        .await
        .expect("call");
    assert_eq!(answer.status(), 404);
    let page = server.page(&client, &format!("/integration?app={}", collector.app_id)).await;
    assert_eq!(page.status(), 404);
    let page = server.page(&client, "/integration").await;
    assert_eq!(page.status(), 200, "no app at all is an empty page, not an error");
    assert!(page.text().await.expect("page").contains("No app is shared with you yet."));
}
