//! `/authenticate`: the matrix of good and bad client tokens, origins, and
//! what the access token then allows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use callscope::server::apps;
use callscope::server::audit::Actor;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Collector, header, master_key, now_ms, with};

const ES256_PRIVATE: &str = include_str!("../../fixtures/es256-private.pem");
const ES256_PUBLIC: &str = include_str!("../../fixtures/es256-public.pem");
const RS256_PRIVATE: &str = include_str!("../../fixtures/rs256-private.pem");

/// Status and body of a token request.
async fn outcome(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

/// Asserts a refusal in the OAuth2 shape whose reason mentions `words`.
fn assert_refused((status, body): &(u16, Value), error: &str, words: &str) {
    assert_eq!(*status, 400, "{body}");
    assert_eq!(body["error"], error, "{body}");
    let reason = body["errorReason"].as_str().expect("errorReason");
    assert!(reason.contains(words), "reason {reason:?} should mention {words:?}");
    assert!(body["urn:x-callstats:auth:errorActions"].is_array(), "{body}");
}

fn es256(claims: &Value) -> String {
    let key = EncodingKey::from_ec_pem(ES256_PRIVATE.as_bytes()).expect("EC key");
    jsonwebtoken::encode(&Header::new(Algorithm::ES256), claims, &key).expect("sign ES256")
}

fn claims(collector: &Collector, user: &str, extra: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    with(
        json!({ "appID": collector.app_id, "userID": user, "exp": now + 300, "jti": uuid::Uuid::new_v4().to_string() }),
        extra,
    )
}

#[sqlx::test]
async fn a_good_secret_gets_a_two_hour_bearer_token(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let code = collector.jwt(&collector.secret, "alice", json!({}));
    let (status, body) = outcome(collector.token_request("alice", &collector.app_id, &code, None).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["token_type"], "bearer");
    assert!(body["access_token"].as_str().is_some_and(|token| token.len() > 20));
    let last_used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_used_at from app_secrets where app_id = $1")
            .bind(collector.app_pk)
            .fetch_one(&collector.server.pool)
            .await
            .expect("row");
    assert!(last_used.is_some(), "the secret's last use is recorded");
}

#[sqlx::test]
async fn bad_client_tokens_are_refused_with_a_reason(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let app = collector.app_id.clone();
    let request = |code: String| {
        let collector = &collector;
        let app = app.clone();
        async move { outcome(collector.token_request("alice", &app, &code, None).await).await }
    };
    let now = chrono::Utc::now().timestamp();

    let wrong_secret = collector.jwt("not-the-secret", "alice", json!({}));
    assert_refused(&request(wrong_secret).await, "invalid_grant", "matches no active app secret");

    let expired = collector.jwt(&collector.secret, "alice", json!({ "exp": now - 120 }));
    assert_refused(&request(expired).await, "invalid_grant", "expired");

    let early = collector.jwt(&collector.secret, "alice", json!({ "nbf": now + 120 }));
    assert_refused(&request(early).await, "invalid_grant", "not valid yet");

    // Within the leeway, a slightly skewed clock is fine.
    let skewed = collector.jwt(&collector.secret, "alice", json!({ "exp": now - 5, "nbf": now + 5 }));
    assert_eq!(request(skewed).await.0, 200);

    let replayed = collector.jwt(&collector.secret, "alice", json!({ "jti": "once" }));
    assert_eq!(request(replayed.clone()).await.0, 200);
    assert_refused(&request(replayed).await, "invalid_grant", "already used");

    let other_user = collector.jwt(&collector.secret, "bob", json!({}));
    assert_refused(&request(other_user).await, "invalid_grant", "userID");

    let other_app = collector.jwt(&collector.secret, "alice", json!({ "appID": "111111111" }));
    assert_refused(&request(other_app).await, "invalid_grant", "appID");

    assert_refused(&request("not a jwt".to_owned()).await, "invalid_grant", "not a JWT");
    assert_refused(&request(String::new()).await, "invalid_request", "code");
}

#[sqlx::test]
async fn only_hs256_and_es256_are_accepted(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    apps::add_key(&collector.server.pool, &Actor::Cli, &collector.app_id, "key-1", ES256_PUBLIC)
        .await
        .expect("add key");
    let request = |code: String| {
        let collector = &collector;
        async move { outcome(collector.token_request("alice", &collector.app_id, &code, None).await).await }
    };

    // alg none: a valid-looking token with no signature.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&collector, "alice", json!({})).to_string())
    );
    assert_refused(&request(unsigned).await, "invalid_grant", "none");

    let rs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims(&collector, "alice", json!({ "keyID": "key-1" })),
        &EncodingKey::from_rsa_pem(RS256_PRIVATE.as_bytes()).expect("RSA key"),
    )
    .expect("sign RS256");
    assert_refused(&request(rs256).await, "invalid_grant", "RS256");

    // The classic confusion attack: HS256 keyed with the public key's PEM.
    let confused = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&collector, "alice", json!({ "keyID": "key-1" })),
        &EncodingKey::from_secret(ES256_PUBLIC.as_bytes()),
    )
    .expect("sign HS256");
    assert_refused(&request(confused).await, "invalid_grant", "matches no active app secret");

    let good = es256(&claims(&collector, "alice", json!({ "keyID": "key-1" })));
    assert_eq!(request(good.clone()).await.0, 200, "ES256 with a registered key");
    assert_refused(&request(good).await, "invalid_grant", "already used");

    let unknown = es256(&claims(&collector, "alice", json!({ "keyID": "key-2" })));
    assert_refused(&request(unknown).await, "invalid_grant", "key-2");

    let no_key_id = es256(&claims(&collector, "alice", json!({})));
    assert_refused(&request(no_key_id).await, "invalid_grant", "keyID");

    let expired =
        es256(&claims(&collector, "alice", json!({ "keyID": "key-1", "exp": chrono::Utc::now().timestamp() - 120 })));
    assert_refused(&request(expired).await, "invalid_grant", "expired");

    apps::revoke_key(&collector.server.pool, &Actor::Cli, &collector.app_id, "key-1").await.expect("revoke");
    let after_revoke = es256(&claims(&collector, "alice", json!({ "keyID": "key-1" })));
    assert_refused(&request(after_revoke).await, "invalid_grant", "key-1");
}

#[sqlx::test]
async fn rotation_keeps_both_secrets_until_the_old_one_is_revoked(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let key = master_key();
    let new = apps::rotate_secret(pool, &Actor::Cli, &key, &collector.app_id, "second").await.expect("rotate");
    let new_secret = secrecy::ExposeSecret::expose_secret(&new.secret).to_owned();
    let try_secret = |secret: String| {
        let collector = &collector;
        async move {
            let code = collector.jwt(&secret, "alice", json!({}));
            collector.token_request("alice", &collector.app_id, &code, None).await.status().as_u16()
        }
    };
    assert_eq!(try_secret(collector.secret.clone()).await, 200, "old secret during rotation");
    assert_eq!(try_secret(new_secret.clone()).await, 200, "new secret during rotation");
    assert!(
        apps::rotate_secret(pool, &Actor::Cli, &key, &collector.app_id, "third").await.is_err(),
        "at most two active secrets"
    );

    let first_id: i64 = sqlx::query_scalar("select min(id) from app_secrets where app_id = $1")
        .bind(collector.app_pk)
        .fetch_one(pool)
        .await
        .expect("first secret");
    apps::revoke_secret(pool, &Actor::Cli, &collector.app_id, first_id).await.expect("revoke");
    assert_eq!(try_secret(collector.secret.clone()).await, 400, "a revoked secret stops at once");
    assert_eq!(try_secret(new_secret).await, 200);

    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("select ciphertext from app_secrets").fetch_all(pool).await.expect("rows");
    assert!(
        stored.iter().all(|bytes| !bytes.windows(collector.secret.len()).any(|w| w == collector.secret.as_bytes())),
        "secrets are stored encrypted"
    );
}

#[sqlx::test]
async fn a_whitelist_admits_only_its_origins(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let request = |origin: Option<&'static str>| {
        let collector = &collector;
        async move {
            let code = collector.jwt(&collector.secret, "alice", json!({}));
            outcome(collector.token_request("alice", &collector.app_id, &code, origin).await).await
        }
    };
    assert_eq!(request(Some("https://anywhere.example")).await.0, 200, "no whitelist: any origin");

    let stored =
        apps::add_origin(&collector.server.pool, &Actor::Cli, &collector.app_id, "https://Meet.Example.com:443/")
            .await
            .expect("add");
    assert_eq!(stored, "https://meet.example.com");
    assert_eq!(request(Some("https://meet.example.com")).await.0, 200, "whitelisted origin");
    assert_refused(&request(Some("https://evil.example")).await, "invalid_client", "https://evil.example");
    assert_refused(&request(Some("https://meet.example.com:8443")).await, "invalid_client", "not whitelisted");
    assert_refused(&request(None).await, "invalid_client", "no Origin");
}

#[sqlx::test]
async fn ingestion_needs_a_token_of_this_app_and_user(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let joined = collector.join("conf-1", "alice").await;
    let alive = collector.conference_url(&collector.app_id, "conf-1", &[&joined.uc_id, "events", "user", "alive"]);

    let no_token = collector.server.client.post(&alive).json(&header("alice")).send().await.expect("POST");
    assert_eq!(no_token.status(), 401);
    assert_eq!(collector.post("garbage", &alive, &header("alice")).await.status(), 401);
    assert_eq!(collector.post(&joined.token, &alive, &header("alice")).await.status(), 200);

    // A token of another app cannot write into this one.
    let (other_app, other_secret) = collector.other_app().await;
    let now = chrono::Utc::now().timestamp();
    let code = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({ "appID": other_app, "userID": "alice", "exp": now + 60 }),
        &EncodingKey::from_secret(other_secret.as_bytes()),
    )
    .expect("sign");
    let response = collector.token_request("alice", &other_app, &code, None).await;
    let other_token = outcome(response).await.1["access_token"].as_str().expect("token").to_owned();
    let refused = collector.post(&other_token, &alive, &header("alice")).await;
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.expect("json");
    assert!(body["msg"].as_str().is_some_and(|msg| msg.contains("issued for app")), "{body}");

    // Another user of the same app cannot write as alice.
    let bob = collector.authenticate("bob").await;
    assert_eq!(collector.post(&bob, &alive, &header("bob")).await.status(), 401);
    assert_eq!(collector.post(&bob, &alive, &header("alice")).await.status(), 401);
}

#[sqlx::test]
async fn a_disabled_app_gets_no_token_and_its_tokens_stop_until_enabled(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let alive = || async {
        let body = with(header("alice"), json!({ "timestamp": now_ms() }));
        collector.send(&alice, "events/user/alive", &body).await.status()
    };
    assert_eq!(alive().await, 200);

    let app = apps::set_disabled(&collector.server.pool, &Actor::Cli, &collector.app_id, true).await.expect("disable");
    assert!(app.disabled);
    assert_eq!(alive().await, 401, "an issued token stops at once");
    let code = collector.jwt(&collector.secret, "alice", json!({}));
    let refused = outcome(collector.token_request("alice", &collector.app_id, &code, None).await).await;
    assert_refused(&refused, "invalid_client", "disabled");

    apps::set_disabled(&collector.server.pool, &Actor::Cli, &collector.app_id, false).await.expect("enable");
    assert_eq!(alive().await, 200);
    let renamed =
        apps::rename(&collector.server.pool, &Actor::Cli, &collector.app_id, "  Renamed  ").await.expect("rename");
    assert_eq!(renamed.name, "Renamed");

    let actions: Vec<(String, Option<i64>, Option<String>)> =
        sqlx::query_as("select action, app_id, target_id from audit_log where action <> 'app.create' order by id")
            .fetch_all(&collector.server.pool)
            .await
            .expect("audit");
    let row = |action: &str| (action.to_owned(), Some(collector.app_pk), Some(collector.app_id.clone()));
    assert_eq!(actions, [row("app.disable"), row("app.enable"), row("app.rename")]);
}
