//! Identifiers, limits, malformed bodies, idempotency, CORS, conference
//! instances and the OpenAPI document.

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, assert_invalid, header, with};

fn joined_body(user: &str) -> Value {
    with(header(user), json!({ "endpointInfo": { "type": "browser" } }))
}

#[sqlx::test]
async fn conference_ids_are_opaque_bytes_up_to_256(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let token = collector.authenticate("alice").await;
    // 253 ASCII bytes + one 3-byte character = 256 bytes: accepted.
    let longest = "a".repeat(253) + "ン";
    let ok = collector
        .post(&token, &collector.conference_url(&collector.app_id, &longest, &[]), &joined_body("alice"))
        .await;
    assert_eq!(ok.status(), 200);
    // 254 + 3 = 257 bytes, though only 255 characters: refused, naming the field.
    let over = "a".repeat(254) + "ン";
    let refused =
        collector.post(&token, &collector.conference_url(&collector.app_id, &over, &[]), &joined_body("alice")).await;
    assert_invalid(refused, 422, "conferenceID").await;

    for id in ["インターネット", "интернэт", "ອິນເຕີເນັດ", "Conf", "conf", "conf ", "a/b?c#d%e"]
    {
        collector.join(id, "alice").await;
    }
    let stored: Vec<String> = sqlx::query_scalar("select conference_id from conference_instances order by id")
        .fetch_all(&collector.server.pool)
        .await
        .expect("rows");
    assert_eq!(
        stored,
        [longest.as_str(), "インターネット", "интернэт", "ອິນເຕີເນັດ", "Conf", "conf", "conf ", "a/b?c#d%e"]
    );
}

#[sqlx::test]
async fn user_ids_and_details_keep_their_limits(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let token = collector.authenticate("alice").await;
    let url = collector.conference_url(&collector.app_id, "c", &[]);
    let cases = [
        (json!({ "userID": { "userName": "x".repeat(129), "aliasName": "a" } }), "userID.userName"),
        (json!({ "userID": { "userName": "Clark Kent", "aliasName": "" } }), "userID.aliasName"),
        (json!({ "configParams": { "applicationVersion": "v".repeat(31) } }), "configParams.applicationVersion"),
        (json!({ "configParams": { "siteID": "s".repeat(257) } }), "configParams.siteID"),
        (
            json!({ "configParams": { "additionalIDs": { "customerID": "c".repeat(257) } } }),
            "configParams.additionalIDs.customerID",
        ),
        (json!({ "configParams": { "colectIP": false } }), "configParams.colectIP"),
        (json!({ "timestamp": 1_700_000_000 }), "timestamp"),
        (json!({ "endpointInfo": "Chrome" }), "endpointInfo"),
    ];
    for (extra, field) in cases {
        assert_invalid(collector.post(&token, &url, &with(joined_body("alice"), extra)).await, 422, field).await;
    }
    let mut missing = joined_body("alice");
    missing.as_object_mut().expect("object").remove("deviceID");
    assert_invalid(collector.post(&token, &url, &missing).await, 422, "deviceID").await;

    let details = json!({
        "userID": { "userName": "Clark Kent", "aliasName": "superman", "loginID": "ck@example.com" },
        "configParams": { "applicationVersion": "v".repeat(30), "siteID": "Helsinki", "additionalIDs": { "tenantID": "monster" } }
    });
    let ok = collector.post(&token, &url, &with(joined_body("alice"), details)).await;
    assert_eq!(ok.status(), 200);
    let (name, alias, version, config): (String, String, String, Value) =
        sqlx::query_as("select user_name, alias_name, application_version, config_params from endpoints")
            .fetch_one(&collector.server.pool)
            .await
            .expect("endpoint");
    assert_eq!((name.as_str(), alias.as_str(), version.len()), ("Clark Kent", "superman", 30));
    assert_eq!(config["additionalIDs"]["tenantID"], "monster");
}

#[sqlx::test]
async fn malformed_bodies_are_400_and_oversized_ones_413(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let token = collector.authenticate("alice").await;
    let url = collector.conference_url(&collector.app_id, "c", &[]);
    let raw = |body: Vec<u8>| {
        let collector = &collector;
        let token = token.clone();
        let url = url.clone();
        async move {
            let response = collector
                .server
                .client
                .post(&url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("POST");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("JSON error body");
            (status, body)
        }
    };
    let (status, body) = raw(b"{\"localID\": \"alice".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["status"], "error");
    let (status, body) = raw(b"{\"localID\":\"\xff\xfe\"}".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["msg"].as_str().is_some_and(|msg| msg.contains("UTF-8")), "{body}");
    assert_eq!(raw(b"[1,2,3]".to_vec()).await.0, 422);
    // The test server's body limit is 64 KiB.
    let big = format!("{{\"localID\":\"{}\"}}", "x".repeat(70 * 1024));
    let (status, body) = raw(big.into_bytes()).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["status"], "error");
    let count: i64 =
        sqlx::query_scalar("select count(*) from endpoints").fetch_one(&collector.server.pool).await.expect("count");
    assert_eq!(count, 0, "nothing was stored");
}

#[sqlx::test]
async fn a_retry_with_the_same_idempotency_key_is_stored_once(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let token = collector.authenticate("alice").await;
    let url = collector.conference_url(&collector.app_id, "retry", &[]);
    let body = joined_body("alice");
    let send = |key: &'static str, body: Value| {
        let collector = &collector;
        let (token, url) = (token.clone(), url.clone());
        async move {
            let response = collector
                .server
                .client
                .post(&url)
                .bearer_auth(token)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .expect("POST");
            (response.status().as_u16(), response.text().await.expect("body"))
        }
    };
    let first = send("join-1", body.clone()).await;
    let second = send("join-1", body.clone()).await;
    assert_eq!(first.0, 200);
    assert_eq!(first, second, "the retry is answered byte for byte as the first time");
    let count: i64 =
        sqlx::query_scalar("select count(*) from endpoints").fetch_one(&collector.server.pool).await.expect("count");
    assert_eq!(count, 1, "stored once");

    let reused = send("join-1", with(body.clone(), json!({ "deviceID": "other" }))).await;
    assert_eq!(reused.0, 422, "a key reused for another request: {}", reused.1);
    assert!(reused.1.contains("Idempotency-Key"));
    assert_eq!(send("join-2", body).await.0, 200, "a new key is a new request");

    // Concurrent retries: still one row.
    let stats_url = |uc: &str| collector.conference_url(&collector.app_id, "retry", &[uc, "stats"]);
    let uc: Value = serde_json::from_str(&first.1).expect("json");
    let stats = with(
        header("alice"),
        json!({ "connectionID": "pc1", "remoteID": "bob", "stats": { "tracks": [{ "id": "t1", "ssrc": "1" }], "candidatePairs": [] } }),
    );
    let uc_id = uc["ucID"].as_str().expect("ucID");
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let request =
                collector.server.client.post(stats_url(uc_id)).bearer_auth(&token).header("idempotency-key", "stats-1");
            tokio::spawn(request.json(&stats).send())
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.expect("task").expect("POST").status(), 200);
    }
    let rows: i64 = sqlx::query_scalar("select count(*) from stats_samples")
        .fetch_one(&collector.server.pool)
        .await
        .expect("count");
    assert_eq!(rows, 1);
}

#[sqlx::test]
async fn endpoints_share_the_live_instance_and_a_reused_id_starts_a_new_one(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let first = collector.join("standup", "alice").await;
    let second_tab = collector.join("standup", "alice").await;
    let bob = collector.join("standup", "bob").await;
    assert_ne!(first.uc_id, second_tab.uc_id, "two endpoints with one userID stay distinct");
    let instances = |collector: &Collector| {
        let pool = collector.server.pool.clone();
        async move {
            sqlx::query_as::<_, (i64, String)>("select id, status from conference_instances order by id")
                .fetch_all(&pool)
                .await
                .expect("instances")
        }
    };
    assert_eq!(instances(&collector).await.len(), 1, "all three joined one instance");

    for joined in [&first, &second_tab, &bob] {
        assert_eq!(collector.send(joined, "events/user/left", &header(&joined.user)).await.status(), 200);
    }
    let after_leaving = instances(&collector).await;
    assert_eq!(after_leaving[0].1, "ended", "the last one to leave ends the instance");

    let again = collector.join("standup", "alice").await;
    let all = instances(&collector).await;
    assert_eq!(all.len(), 2, "reusing the conferenceID starts a new instance");
    let instance_of = |uc: &str| {
        let pool = collector.server.pool.clone();
        let uc = uuid::Uuid::parse_str(uc).expect("uuid");
        async move {
            sqlx::query_scalar::<_, i64>("select instance_id from endpoints where id = $1")
                .bind(uc)
                .fetch_one(&pool)
                .await
                .expect("endpoint")
        }
    };
    assert_eq!(instance_of(&first.uc_id).await, all[0].0, "the ucID stays tied to its instance");
    assert_eq!(instance_of(&again.uc_id).await, all[1].0);

    // The old ucID still reaches its own (ended) instance, never the new one.
    assert_eq!(collector.send(&first, "events/user/alive", &header("alice")).await.status(), 200);
    let wrong_conf = collector.conference_url(&collector.app_id, "other", &[&first.uc_id, "events", "user", "alive"]);
    assert_eq!(collector.post(&first.token, &wrong_conf, &header("alice")).await.status(), 400);
    let unknown = collector.conference_url(&collector.app_id, "standup", &["not-a-ucid", "events", "user", "alive"]);
    assert_eq!(collector.post(&first.token, &unknown, &header("alice")).await.status(), 400);
}

#[sqlx::test]
async fn cors_answers_whitelisted_origins_only(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let joined = collector.join("c", "alice").await;
    let url = collector.conference_url(&collector.app_id, "c", &[&joined.uc_id, "stats"]);
    let preflight = |origin: &'static str| {
        let collector = &collector;
        let url = url.clone();
        async move {
            collector
                .server
                .client
                .request(reqwest::Method::OPTIONS, &url)
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization,content-type,idempotency-key")
                .send()
                .await
                .expect("OPTIONS")
        }
    };
    let allow_origin = |response: &reqwest::Response| {
        response.headers().get("access-control-allow-origin").map(|value| value.to_str().expect("ascii").to_owned())
    };

    let open = preflight("https://anywhere.example").await;
    assert_eq!(open.status(), 204, "no whitelist: every origin");
    assert_eq!(allow_origin(&open).as_deref(), Some("https://anywhere.example"));

    callscope::server::apps::add_origin(
        &collector.server.pool,
        &callscope::server::audit::Actor::Cli,
        &collector.app_id,
        "https://meet.example.com",
    )
    .await
    .expect("add");
    let allowed = preflight("https://meet.example.com").await;
    assert_eq!(allowed.status(), 204);
    assert_eq!(allow_origin(&allowed).as_deref(), Some("https://meet.example.com"));
    let headers = allowed.headers()["access-control-allow-headers"].to_str().expect("ascii").to_lowercase();
    assert!(headers.contains("authorization") && headers.contains("idempotency-key"), "{headers}");
    let refused = preflight("https://evil.example").await;
    assert_eq!(refused.status(), 403);
    assert_eq!(allow_origin(&refused), None);

    let post =
        collector.server.client.post(&url).bearer_auth(&joined.token).header("origin", "https://meet.example.com");
    let body = with(
        header("alice"),
        json!({ "connectionID": "pc", "remoteID": "bob", "stats": { "tracks": [], "candidatePairs": [] } }),
    );
    let response = post.json(&body).send().await.expect("POST");
    assert_eq!(response.status(), 200);
    assert_eq!(allow_origin(&response).as_deref(), Some("https://meet.example.com"));
}

#[sqlx::test]
async fn the_openapi_document_describes_every_route(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let response = collector.server.client.get(collector.server.url("/v1/openapi.json")).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.expect("json");
    assert!(document["openapi"].as_str().is_some_and(|version| version.starts_with("3.")));
    let paths = document["paths"].as_object().expect("paths");
    let endpoint = |suffix: &str| format!("/v1/apps/{{appID}}/conferences/{{confID}}/{{ucID}}{suffix}");
    let mut expected = vec!["/authenticate".to_owned(), "/v1/apps/{appID}/conferences/{confID}".to_owned()];
    // Every path of the REST API v1 (reference/collector-rest-api-v1.json) and every extension.
    for suffix in [
        "/events/user/alive",
        "/events/user/left",
        "/events/devices/list",
        "/events/media/actions",
        "/events/media/pipeline",
        "/events/fabric",
        "/events/ice/status",
        "/events/feedback",
        "/events/dominantspeaker",
        "/events/fabric/transportchange",
        "/events/fabric/statechange",
        "/events/ssrcmap",
        "/events/sdp",
        "/stats",
        "/system/status",
        "/events/user/details",
        "/events/fabric/added",
        "/events/error",
        "/events/fabric/action",
        "/events/calldetails",
    ] {
        expected.push(endpoint(suffix));
    }
    for path in &expected {
        assert!(paths.contains_key(path), "{path} is missing from the OpenAPI document");
        assert!(paths[path]["post"].is_object(), "{path} documents POST");
    }
    let stats = &paths["/v1/apps/{appID}/conferences/{confID}/{ucID}/stats"]["post"];
    for status in ["200", "400", "401", "413", "422", "503"] {
        assert!(stats["responses"].get(status).is_some(), "stats documents {status}");
    }
    assert!(
        document["components"]["schemas"]["StatsBody"]["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("stats")))
    );
}
