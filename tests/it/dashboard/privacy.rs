//! Privacy is a server rule: an engineer's pages and server-function
//! answers never contain a participant's userName (nor loginID); support
//! sees the names.

use callscope::domain::Role;
use serde_json::json;
use sqlx::{PgPool, Row};

use super::Demo;

/// Every page and server-function answer of the dashboard for the demo's
/// conferences, as `client` receives them.
async fn every_response(
    demo: &Demo,
    client: &reqwest::Client,
    aliases: &[String],
    typed: &[String],
) -> Vec<(String, String)> {
    let server = &demo.server;
    let mut bodies = Vec::new();
    let mut pages = vec![
        "/search".to_owned(),
        format!("/search?app={}", demo.public_id),
        "/overview".to_owned(),
        "/feedback".to_owned(),
    ];
    pages.extend(aliases.iter().map(|alias| format!("/search?userID={}", urlencode(alias))));
    let conferences: Vec<(i64, String)> =
        sqlx::query_as("select id, conference_id from conference_instances where app_id = $1 order by id")
            .bind(demo.app_id)
            .fetch_all(&server.pool)
            .await
            .expect("conferences");
    for (id, conference_id) in &conferences {
        pages.push(format!("/search?conferenceID={}", urlencode(conference_id)));
        pages.push(format!("/conferences/{id}"));
        let fabrics: Vec<i64> = sqlx::query_scalar("select id from fabrics where instance_id = $1")
            .bind(id)
            .fetch_all(&server.pool)
            .await
            .expect("fabrics");
        for fabric in fabrics {
            pages.push(format!("/conferences/{id}/fabrics/{fabric}"));
            let response = client
                .post(server.url("/api/get_fabric"))
                .form(&[("conference", id.to_string()), ("fabric", fabric.to_string())])
                .send()
                .await
                .expect("get_fabric");
            assert_eq!(response.status(), 200);
            let body = response.text().await.expect("body");
            // The page's charts are images of their own, drawn with names or aliases.
            let view: serde_json::Value = serde_json::from_str(&body).expect("a fabric view");
            for chart in view["charts"].as_array().expect("charts") {
                let source = chart["src"].as_str().expect("a chart's source");
                let response = server.page(client, source).await;
                assert_eq!(response.status(), 200, "{source}");
                bodies.push((source.to_owned(), response.text().await.expect("chart")));
            }
            bodies.push((format!("get_fabric {fabric}"), body));
        }
        let response =
            client.post(server.url("/api/get_conference")).form(&[("id", id.to_string())]).send().await.expect("get");
        assert_eq!(response.status(), 200);
        bodies.push((format!("get_conference {id}"), response.text().await.expect("body")));
    }
    for query in aliases.iter().map(|alias| json!({ "user_id": alias })).chain([json!({})]) {
        let response = client
            .post(server.url("/api/search_conferences"))
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("search");
        assert_eq!(response.status(), 200);
        bodies.push((format!("search_conferences {query}"), response.text().await.expect("body")));
    }
    // What someone may type into the userID field: the start of an alias or of a name.
    for text in typed {
        let prefix: String = text.chars().take(2).collect();
        let response =
            client.post(server.url("/api/suggest_people")).form(&[("prefix", &prefix)]).send().await.expect("suggest");
        assert_eq!(response.status(), 200);
        bodies.push((format!("suggest_people {prefix}"), response.text().await.expect("body")));
    }
    for page in pages {
        let response = server.page(client, &page).await;
        assert_eq!(response.status(), 200, "{page}");
        bodies.push((page, response.text().await.expect("page")));
    }
    bodies
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A name as it may appear in HTML or JSON.
fn spellings(name: &str) -> Vec<String> {
    let html = name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    vec![name.to_owned(), html.clone(), html.replace('\'', "&#x27;"), html.replace('\'', "&#39;")]
}

async fn private_names(pool: &PgPool, app_id: i64) -> (Vec<String>, Vec<String>) {
    let rows = sqlx::query(
        "select user_name, login_id, user_id from endpoints where app_id = $1 and user_name is not null
         union select remote_user_name, remote_login_id, remote_user_id from fabrics f join endpoints e on e.id = f.endpoint_id
          where e.app_id = $1 and remote_user_name is not null
         union select s.user_name, null, s.user_id from ssrc_maps s join fabrics f on f.id = s.fabric_id
           join endpoints e on e.id = f.endpoint_id where e.app_id = $1 and s.user_name is not null",
    )
    .bind(app_id)
    .fetch_all(pool)
    .await
    .expect("names");
    let mut private = Vec::new();
    let mut aliases = Vec::new();
    for row in rows {
        private.push(row.get::<String, _>(0));
        private.extend(row.get::<Option<String>, _>(1));
        aliases.push(row.get::<String, _>(2));
    }
    private.sort();
    private.dedup();
    aliases.sort();
    aliases.dedup();
    (private, aliases)
}

#[sqlx::test]
async fn an_engineer_never_receives_a_user_name_and_support_does(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (private, aliases) = private_names(&pool, demo.app_id).await;
    assert!(private.len() >= 6, "the demo has named participants: {private:?}");

    let typed: Vec<String> = aliases.iter().chain(&private).cloned().collect();
    let (_, engineer) = demo.user(Role::Engineer).await;
    let bodies = every_response(&demo, &engineer, &aliases, &typed).await;
    assert!(bodies.len() > 40, "every route was visited: {}", bodies.len());
    for (route, body) in &bodies {
        for name in &private {
            for spelling in spellings(name) {
                assert!(!body.contains(&spelling), "{route} shows the private {name:?} to an engineer");
            }
        }
    }
    // The aliases are what engineers see instead.
    let conference_pages: String =
        bodies.iter().filter(|(route, _)| route.starts_with("/conferences/")).map(|(_, body)| body.as_str()).collect();
    for alias in &aliases {
        assert!(conference_pages.contains(alias.as_str()), "engineers see the alias {alias:?}");
    }

    let (_, support) = demo.user(Role::Support).await;
    let bodies = every_response(&demo, &support, &aliases, &typed).await;
    let everything: String = bodies.iter().map(|(_, body)| body.as_str()).collect();
    let user_names = sqlx::query_scalar::<_, String>(
        "select distinct user_name from endpoints where app_id = $1 and user_name is not null",
    )
    .bind(demo.app_id)
    .fetch_all(&pool)
    .await
    .expect("user names");
    for name in user_names {
        assert!(spellings(&name).iter().any(|s| everything.contains(s.as_str())), "support sees {name:?}");
    }
}
