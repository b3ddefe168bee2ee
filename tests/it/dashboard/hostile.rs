//! Whatever a client sends is shown as text: identifiers holding markup
//! reach the server-rendered `<head>` and `<body>` escaped.

use callscope::domain::Role;
use serde_json::json;
use sqlx::PgPool;

use crate::collector::{Collector, header, with};

const PASSWORD: &str = "a long enough password";
/// Closes the title and opens a script: runs if written as markup.
const HOSTILE: &str = "c</title><script>window.__x=1</script>";
/// `HOSTILE` as the text of an element.
const ESCAPED: &str = "c&lt;/title&gt;&lt;script&gt;window.__x=1&lt;/script&gt;";

/// The content of the document's `<title>` element.
fn title(html: &str) -> &str {
    let start = html.find("<title>").map(|at| at + "<title>".len()).expect("a <title>");
    let end = html[start..].find("</title>").expect("a </title>");
    &html[start..start + end]
}

#[sqlx::test]
async fn markup_in_a_conference_connection_or_app_name_is_escaped_in_the_page_title(pool: PgPool) {
    let collector = Collector::spawn(pool.clone()).await;
    let server = &collector.server;
    let alice = collector.join(HOSTILE, "alice").await;
    let fabric =
        with(header("alice"), json!({ "remoteID": "bob", "connectionID": HOSTILE, "eventType": "fabricSetup" }));
    assert_eq!(collector.send(&alice, "events/fabric", &fabric).await.status(), 200);
    sqlx::query("update apps set name = $1 where id = $2")
        .bind(HOSTILE)
        .bind(collector.app_pk)
        .execute(&pool)
        .await
        .expect("rename the app");
    server.create_user("boss@example.com", Role::Admin, PASSWORD).await;
    server.sign_in(&server.client, "boss@example.com", PASSWORD).await;
    let conference: i64 = sqlx::query_scalar("select id from conference_instances").fetch_one(&pool).await.expect("id");
    let fabric: i64 = sqlx::query_scalar("select id from fabrics").fetch_one(&pool).await.expect("fabric");

    for (path, expected) in [
        (format!("/conferences/{conference}"), format!("Conference {ESCAPED} · callscope")),
        (format!("/conferences/{conference}/fabrics/{fabric}"), format!("Connection {ESCAPED} · callscope")),
        (format!("/admin/apps/{}", collector.app_id), format!("Admin · {ESCAPED} · callscope")),
    ] {
        let response = server.page(&server.client, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("html");
        assert_eq!(title(&html), expected, "{path}");
        assert!(!html.contains("<script>window.__x=1"), "{path}: the planted script is markup: {html}");
        assert!(html.contains(ESCAPED), "{path}: the body shows the ID as text");
    }
}
