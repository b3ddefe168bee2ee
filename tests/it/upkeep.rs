//! Upkeep: stats partitions exist before the rows that need them, expired
//! rows go, and a fleet runs it once an hour, whichever instance takes it.

use callscope::server::upkeep;
use sqlx::PgPool;

#[sqlx::test]
async fn startup_creates_the_partitions_of_the_last_week_and_the_next_days(pool: PgPool) {
    let task = upkeep::start(pool.clone()).await.expect("upkeep");
    let partitions: Vec<String> = sqlx::query_scalar(
        r#"select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'stats_samples'::regclass and c.relname <> 'stats_samples_default' order by 1"#,
    )
    .fetch_all(&pool)
    .await
    .expect("partitions");
    let today = chrono::Utc::now().date_naive();
    let expected: Vec<String> = (-7..=2)
        .map(|days: i64| format!("stats_samples_p{}", (today + chrono::Duration::days(days)).format("%Y%m%d")))
        .collect();
    assert_eq!(partitions, expected);

    for age in ["0 days", "6 days"] {
        sqlx::query("insert into stats_samples (sampled_at, fabric_id, stat_key, report_type) values (now() - $1::interval, 1, 'k', 1)")
            .bind(age)
            .execute(&pool)
            .await
            .expect("insert");
    }
    let in_default: i64 =
        sqlx::query_scalar("select count(*) from stats_samples_default").fetch_one(&pool).await.expect("count");
    assert_eq!(in_default, 0, "this week's rows go to their day's partition, not the default one");
    task.abort();
}

#[sqlx::test]
async fn upkeep_forgets_what_has_expired_and_keeps_the_rest(pool: PgPool) {
    sqlx::query("insert into apps (public_id, name) values ('123456789', 'A')").execute(&pool).await.expect("app");
    sqlx::query("insert into users (email, role, password_hash) values ('a@b.c', 'admin', 'x')")
        .execute(&pool)
        .await
        .expect("user");
    for (key, age) in [("old", "25 hours"), ("fresh", "1 hour")] {
        sqlx::query(
            "insert into idempotency_keys (app_id, key, request_fingerprint, response_status, response_body, created_at)
             select id, $1, sha256('x'), 200, '', now() - $2::interval from apps",
        )
        .bind(key)
        .bind(age)
        .execute(&pool)
        .await
        .expect("key");
    }
    for (jti, expired) in [("old", "31 days"), ("recent", "1 day")] {
        sqlx::query(
            "insert into used_jwt_ids (app_id, jti, auth_method, client_user_id, expires_at)
             select id, $1, 'app_secret', 'u', now() - $2::interval from apps",
        )
        .bind(jti)
        .bind(expired)
        .execute(&pool)
        .await
        .expect("jti");
    }
    for (token, offset) in ["a", "b"].into_iter().zip(["-1 minute", "1 hour"]) {
        sqlx::query("insert into sessions (token_hash, user_id, expires_at) select sha256($1::bytea), id, now() + $2::interval from users")
            .bind(token.as_bytes())
            .bind(offset)
            .execute(&pool)
            .await
            .expect("session");
    }

    upkeep::run_once(&pool).await.expect("upkeep");

    let keys: Vec<String> =
        sqlx::query_scalar("select key from idempotency_keys").fetch_all(&pool).await.expect("keys");
    assert_eq!(keys, ["fresh"]);
    let jtis: Vec<String> = sqlx::query_scalar("select jti from used_jwt_ids").fetch_all(&pool).await.expect("jtis");
    assert_eq!(jtis, ["recent"]);
    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&pool).await.expect("sessions");
    assert_eq!(sessions, 1);
}

/// Adds a session of the first user that expired a minute ago.
async fn expired_session(pool: &PgPool, token: &str) {
    sqlx::query(
        "insert into sessions (token_hash, user_id, expires_at)
         select sha256($1::bytea), id, now() - interval '1 minute' from users order by id limit 1",
    )
    .bind(token.as_bytes())
    .execute(pool)
    .await
    .expect("session");
}

async fn sessions(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from sessions").fetch_one(pool).await.expect("sessions")
}

/// Two instances asking at once, each with its own holder.
async fn both_ask(pool: &PgPool) -> Vec<upkeep::Upkept> {
    let (a, b) = tokio::join!(upkeep::run_if_due(pool, "host-a:1:0001"), upkeep::run_if_due(pool, "host-b:2:0002"));
    [a.expect("instance a"), b.expect("instance b")].into_iter().flatten().collect()
}

#[sqlx::test]
async fn two_instances_asking_at_once_run_upkeep_once_an_hour(pool: PgPool) {
    sqlx::query("insert into users (email, role, password_hash) values ('a@b.c', 'admin', 'x')")
        .execute(&pool)
        .await
        .expect("user");
    expired_session(&pool, "first").await;

    let ran = both_ask(&pool).await;
    assert_eq!(ran.len(), 1, "one of the two ran it: {ran:?}");
    assert_eq!(ran[0].sessions, 1);
    assert_eq!(ran[0].partitions, 10, "the last week's, today's and the next two days' partitions");
    let (runs, result): (i64, serde_json::Value) =
        sqlx::query_as("select run_count, last_result from job_leases where name = 'upkeep'")
            .fetch_one(&pool)
            .await
            .expect("lease");
    assert_eq!((runs, result["sessions"].as_i64(), result["partitions"].as_i64()), (1, Some(1), Some(10)), "{result}");

    expired_session(&pool, "second").await;
    assert_eq!(both_ask(&pool).await, [], "neither runs it again within the hour");
    assert_eq!(sessions(&pool).await, 1, "the session that expired since waits for the next run");

    sqlx::query("update job_leases set last_started_at = last_started_at - interval '1 hour' where name = 'upkeep'")
        .execute(&pool)
        .await
        .expect("an hour later");
    let ran = both_ask(&pool).await;
    assert_eq!(ran.len(), 1, "an hour later, one of the two runs it again: {ran:?}");
    assert_eq!((ran[0].sessions, ran[0].partitions), (1, 0));
    assert_eq!(sessions(&pool).await, 0);
    let runs: i64 = sqlx::query_scalar("select run_count from job_leases where name = 'upkeep'")
        .fetch_one(&pool)
        .await
        .expect("runs");
    assert_eq!(runs, 2);
}
