//! `/authenticate` as an attacker probes it: answers that do not tell
//! which appIDs exist, and the time claims of client JWTs.

use callscope::server::apps;
use callscope::server::audit::Actor;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::Collector;

const ES256_PRIVATE: &str = include_str!("../fixtures/es256-private.pem");
const ES256_PUBLIC: &str = include_str!("../fixtures/es256-public.pem");

async fn outcome(response: reqwest::Response) -> (u16, Value) {
    (response.status().as_u16(), response.json().await.expect("json body"))
}

/// A token for `app_id` signed with `secret`, with `claims` merged in.
fn hs256(app_id: &str, secret: &str, claims: Value) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut all = json!({ "appID": app_id, "userID": "alice", "iat": now, "exp": now + 300 });
    if let (Some(all), Value::Object(claims)) = (all.as_object_mut(), claims) {
        all.extend(claims);
    }
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &all, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("sign")
}

fn es256(app_id: &str, key_id: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "appID": app_id, "userID": "alice", "keyID": key_id, "iat": now, "exp": now + 300 });
    let key = EncodingKey::from_ec_pem(ES256_PRIVATE.as_bytes()).expect("EC key");
    jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims, &key).expect("sign")
}

#[sqlx::test]
async fn an_unknown_app_id_is_answered_exactly_like_a_wrong_secret_or_key(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    // A whitelist and a key make the real app as talkative as it can be.
    apps::add_origin(&collector.server.pool, &Actor::Cli, &collector.app_id, "https://meet.example.com")
        .await
        .expect("origin");
    apps::add_key(&collector.server.pool, &Actor::Cli, &collector.app_id, "key-1", ES256_PUBLIC).await.expect("key");
    let unknown = "999999999";
    let ask = |app_id: &str, code: String| {
        let (collector, app_id) = (&collector, app_id.to_owned());
        async move { outcome(collector.token_request("alice", &app_id, &code, None).await).await }
    };
    let real = collector.app_id.as_str();

    let wrong_secret = ask(real, hs256(real, "not-the-secret", json!({}))).await;
    let unknown_app = ask(unknown, hs256(unknown, "not-the-secret", json!({}))).await;
    assert_eq!(wrong_secret.0, 400, "{}", wrong_secret.1);
    assert_eq!(wrong_secret, unknown_app);

    // ES256 with a key the app does not have, signed by some key.
    let wrong_key = ask(real, es256(real, "key-9")).await;
    let unknown_app = ask(unknown, es256(unknown, "key-9")).await;
    assert_eq!(wrong_key.0, 400, "{}", wrong_key.1);
    assert_eq!(wrong_key.1["error"], unknown_app.1["error"]);
    assert_eq!(wrong_key.1["errorReason"], unknown_app.1["errorReason"]);
}

#[sqlx::test]
async fn a_client_token_made_in_the_future_is_refused_beyond_a_minute_of_skew(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let now = chrono::Utc::now().timestamp();
    let ask = |iat: i64| {
        let collector = &collector;
        let code = hs256(&collector.app_id, &collector.secret, json!({ "iat": iat, "exp": iat + 300 }));
        async move { outcome(collector.token_request("alice", &collector.app_id, &code, None).await).await }
    };
    let (status, body) = ask(now + 3600).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errorReason"].as_str().is_some_and(|reason| reason.contains("iat")), "{body}");
    assert_eq!(ask(now + 30).await.0, 200, "a little clock skew is fine");
}

#[sqlx::test]
async fn a_token_without_exp_is_accepted_only_for_a_day_after_its_iat(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let now = chrono::Utc::now().timestamp();
    let ask = |claims: Value| {
        let collector = &collector;
        let mut code_claims = json!({ "appID": collector.app_id, "userID": "alice" });
        if let (Some(all), Value::Object(claims)) = (code_claims.as_object_mut(), claims) {
            all.extend(claims);
        }
        let code = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &code_claims,
            &EncodingKey::from_secret(collector.secret.as_bytes()),
        )
        .expect("sign");
        async move { outcome(collector.token_request("alice", &collector.app_id, &code, None).await).await }
    };

    let (status, body) = ask(json!({ "jti": "no-time-at-all" })).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errorReason"].as_str().is_some_and(|reason| reason.contains("exp")), "{body}");
    assert_eq!(ask(json!({ "iat": now - 25 * 3600, "jti": "stale" })).await.0, 400);

    let (status, body) = ask(json!({ "iat": now - 3600, "jti": "fresh" })).await;
    assert_eq!(status, 200, "{body}");
    // The jti outlives the token: kept until it could no longer be
    // accepted (iat + 24 h), and upkeep keeps it 30 days beyond that.
    let kept_until: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select expires_at from used_jwt_ids where jti = 'fresh'")
            .fetch_one(&collector.server.pool)
            .await
            .expect("jti row");
    let accepted_until = now - 3600 + 24 * 3600;
    assert!((accepted_until..=accepted_until + 60).contains(&kept_until.timestamp()), "{kept_until}");
}
