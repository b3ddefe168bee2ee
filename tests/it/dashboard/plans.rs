//! The query plans behind search: with a realistic amount of data, each
//! kind of search is an index lookup, not a scan of every conference.

use callscope::server::apps;
use callscope::server::audit::Actor;
use callscope::server::db::dashboard::search::{Filter, explain};
use serde_json::Value;
use sqlx::PgPool;

use crate::collector::master_key;

/// 20,000 conference instances with two endpoints each, then `analyze`.
async fn many_conferences(pool: &PgPool) -> i64 {
    let (app, _) = apps::create(pool, &Actor::Cli, &master_key(), "Plans").await.expect("app");
    sqlx::query(
        "insert into conference_instances (app_id, conference_id, started_at, last_activity_at,
                                           failure_group, feedback_min_rating)
         select $1, 'room-' || n, now() - n * interval '1 minute', now() - n * interval '1 minute',
                case when n % 200 = 0 then 'totalFailure' end, case when n % 100 = 0 then 2 end
           from generate_series(1, 20000) n",
    )
    .bind(app.id)
    .execute(pool)
    .await
    .expect("instances");
    sqlx::query(
        "insert into endpoints (instance_id, app_id, user_id, joined_at, last_alive_at)
         select id, app_id, 'user-' || (id % 5000) || '-' || side, started_at, started_at
           from conference_instances, (values ('a'), ('b')) v (side) where app_id = $1",
    )
    .bind(app.id)
    .execute(pool)
    .await
    .expect("endpoints");
    sqlx::query("analyze").execute(pool).await.expect("analyze");
    app.id
}

async fn plan(pool: &PgPool, filter: &Filter<'_>) -> String {
    let (plan,): (Value,) = explain(filter).build_query_as().fetch_one(pool).await.expect("explain");
    let scanned = seq_scanned(&plan);
    // `apps` has one row here: reading it whole is the right plan.
    assert!(scanned.iter().all(|table| table == "apps"), "sequential scan of {scanned:?}: {plan}");
    plan.to_string()
}

/// Relations a plan reads with a sequential scan.
fn seq_scanned(node: &Value) -> Vec<String> {
    let mut found = Vec::new();
    match node {
        Value::Array(items) => items.iter().for_each(|item| found.extend(seq_scanned(item))),
        Value::Object(fields) => {
            if fields.get("Node Type").and_then(Value::as_str) == Some("Seq Scan") {
                found.extend(fields.get("Relation Name").and_then(Value::as_str).map(str::to_owned));
            }
            fields.values().for_each(|value| found.extend(seq_scanned(value)));
        }
        _ => {}
    }
    found
}

#[sqlx::test]
async fn an_exact_conference_id_search_is_an_index_lookup(pool: PgPool) {
    let app_id = many_conferences(&pool).await;
    let apps = [app_id];
    let filter = Filter { apps: &apps, conference_id: Some(("room-4242", false)), limit: 26, ..Filter::default() };
    let plan = plan(&pool, &filter).await;
    assert!(plan.contains("conference_instances_conference_id_idx"), "{plan}");

    let prefix = Filter { conference_id: Some(("room-42", true)), ..filter };
    let plan = self::plan(&pool, &prefix).await;
    assert!(plan.contains("conference_instances_conference_id_idx"), "{plan}");
}

#[sqlx::test]
async fn a_user_id_search_goes_through_the_endpoint_indexes(pool: PgPool) {
    let app_id = many_conferences(&pool).await;
    let apps = [app_id];
    let filter = Filter { apps: &apps, person: Some("user-42-a"), names: true, limit: 26, ..Filter::default() };
    let plan = plan(&pool, &filter).await;
    assert!(plan.contains("endpoints_user_id_idx"), "{plan}");
    assert!(plan.contains("endpoints_user_name_idx"), "support's search also looks up real names: {plan}");
}

#[sqlx::test]
async fn the_newest_conferences_are_read_in_index_order(pool: PgPool) {
    let app_id = many_conferences(&pool).await;
    let apps = [app_id];
    let filter = Filter { apps: &apps, limit: 26, ..Filter::default() };
    let plan = plan(&pool, &filter).await;
    assert!(plan.contains("Index Scan"), "{plan}");
}

#[sqlx::test]
async fn rare_failures_and_low_ratings_are_read_from_their_partial_indexes(pool: PgPool) {
    let app_id = many_conferences(&pool).await;
    let apps = [app_id];
    let failed = Filter { apps: &apps, failure_group: Some("totalFailure"), limit: 26, ..Filter::default() };
    let plan = plan(&pool, &failed).await;
    assert!(plan.contains("conference_instances_failure_idx"), "{plan}");
    let unhappy = Filter { apps: &apps, feedback12: true, limit: 26, ..Filter::default() };
    let plan = self::plan(&pool, &unhappy).await;
    assert!(plan.contains("conference_instances_feedback12_idx"), "{plan}");
}
