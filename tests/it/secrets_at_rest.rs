//! App and webhook secrets are sealed to their row: a ciphertext copied or
//! moved to another row does not decrypt, and the app or webhook then
//! fails safely (refused, retried), never with a 500 or a panic. Rows
//! sealed before that (no associated data) keep working and are re-sealed
//! by `sealed::upgrade`, which `callscope serve` runs at start.

use callscope::server::db::webhook_deliveries::Next;
use callscope::server::sealed;
use chrono::Utc;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, master_key};
use crate::webhooks::{Receiver, add_webhook, deliverer, failed_conference, input, verify_like_a_receiver};

/// Asks for a token of `app_id` for `user`, signed with `secret`.
async fn token_answer(collector: &Collector, app_id: &str, secret: &str) -> (u16, Value) {
    let code = collector.jwt(secret, "mallory", json!({ "appID": app_id }));
    let response = collector.token_request("mallory", app_id, &code, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

async fn app_pk(pool: &PgPool, public_id: &str) -> i64 {
    sqlx::query_scalar("select id from apps where public_id = $1").bind(public_id).fetch_one(pool).await.expect("app")
}

#[sqlx::test]
async fn an_app_secret_copied_or_moved_to_another_app_does_not_verify_its_tokens(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let (victim, victim_secret) = collector.other_app().await;
    let victim_pk = app_pk(pool, &victim).await;
    assert_eq!(token_answer(&collector, &victim, &victim_secret).await.0, 200);

    // Someone who can write to the database but lacks the master key puts
    // the ciphertext of a secret they know (their own app's) in the
    // victim's row, to sign the victim's tokens with it.
    sqlx::query(
        "update app_secrets v set ciphertext = m.ciphertext, nonce = m.nonce, ciphertext_format = m.ciphertext_format
           from app_secrets m where m.app_id = $1 and v.app_id = $2",
    )
    .bind(collector.app_pk)
    .bind(victim_pk)
    .execute(pool)
    .await
    .expect("copy");
    let (status, answer) = token_answer(&collector, &victim, &collector.secret).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_grant")), "{answer}");
    let (status, _) = token_answer(&collector, &victim, &victim_secret).await;
    assert_eq!(status, 400, "the damaged row is skipped: refused, not a 500");

    // Or moves their secret's row to the victim's app.
    sqlx::query("update app_secrets set app_id = $2 where app_id = $1")
        .bind(collector.app_pk)
        .bind(victim_pk)
        .execute(pool)
        .await
        .expect("move");
    let (status, answer) = token_answer(&collector, &victim, &collector.secret).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_grant")), "{answer}");
}

#[sqlx::test]
async fn a_webhook_secret_copied_to_another_webhook_signs_nothing(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let url = "https://hooks.example.com/callscope";
    let (known, _) = add_webhook(&collector, input(url, "dissatisfactoryUserFeedback", "individual", None)).await;
    let (victim, _) = add_webhook(&collector, input(url, "failedConferences", "individual", None)).await;
    sqlx::query(
        "update webhooks v set secret_ciphertext = k.secret_ciphertext, secret_nonce = k.secret_nonce
           from webhooks k where k.id = $1 and v.id = $2",
    )
    .bind(known)
    .bind(victim)
    .execute(pool)
    .await
    .expect("copy");
    failed_conference(&collector, "failed").await;

    let (deliverer, _own) = deliverer(pool).await;
    let outcomes = deliverer.run_once(Utc::now()).await.expect("a round, not a panic");
    assert_eq!(outcomes.len(), 1);
    assert!(matches!(outcomes[0].next, Next::RetryAt(_)), "kept and retried: {:?}", outcomes[0].next);
    let error: Option<String> = sqlx::query_scalar(
        "select a.error from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
          where d.webhook_id = $1",
    )
    .bind(victim)
    .fetch_one(pool)
    .await
    .expect("attempt");
    assert!(error.as_deref().is_some_and(|error| error.contains("cannot decrypt")), "{error:?}");
}

#[sqlx::test]
async fn secrets_sealed_before_rows_were_bound_still_work_and_are_upgraded(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let receiver = Receiver::start(0).await;
    let (webhook, webhook_secret) =
        add_webhook(&collector, input(&receiver.url, "failedConferences", "individual", None)).await;
    // As rows were written before migration 0013: no associated data.
    let key = master_key();
    let (ciphertext, nonce) = key.encrypt(collector.secret.as_bytes(), b"").expect("legacy app secret");
    sqlx::query("update app_secrets set ciphertext = $2, nonce = $3, ciphertext_format = 1 where app_id = $1")
        .bind(collector.app_pk)
        .bind(&ciphertext)
        .bind(&nonce)
        .execute(pool)
        .await
        .expect("legacy app secret");
    let (ciphertext, nonce) = key.encrypt(webhook_secret.as_bytes(), b"").expect("legacy webhook secret");
    sqlx::query("update webhooks set secret_ciphertext = $2, secret_nonce = $3, secret_format = 1 where id = $1")
        .bind(webhook)
        .bind(&ciphertext)
        .bind(&nonce)
        .execute(pool)
        .await
        .expect("legacy webhook secret");
    // And one that no longer decrypts at all: left for its users to fail on.
    let (broken, _) = collector.other_app().await;
    sqlx::query("update app_secrets set ciphertext = 'garbage', ciphertext_format = 1 where app_id = $1")
        .bind(app_pk(pool, &broken).await)
        .execute(pool)
        .await
        .expect("broken row");

    assert_eq!(token_answer(&collector, &collector.app_id, &collector.secret).await.0, 200, "legacy secret");
    failed_conference(&collector, "failed").await;
    let (deliverer, _own) = deliverer(pool).await;
    deliverer.run_once(Utc::now()).await.expect("round");
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    verify_like_a_receiver(&webhook_secret, &received[0], Utc::now().timestamp()).expect("signed as before");

    assert_eq!(sealed::upgrade(pool, &key).await.expect("upgrade"), 2, "the app secret and the webhook secret");
    let formats: Vec<i16> = sqlx::query_scalar(
        "select ciphertext_format from app_secrets where app_id = $1
         union all select secret_format from webhooks where id = $2",
    )
    .bind(collector.app_pk)
    .bind(webhook)
    .fetch_all(pool)
    .await
    .expect("formats");
    assert_eq!(formats, [sealed::BOUND, sealed::BOUND]);
    assert_eq!(token_answer(&collector, &collector.app_id, &collector.secret).await.0, 200, "upgraded secret");
    assert_eq!(sealed::upgrade(pool, &key).await.expect("again"), 0, "once; the broken row is left alone");
}
