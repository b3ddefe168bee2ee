//! Search over the demo's showcase: IDs byte-exact in every script and
//! case, prefixes, people, time ranges, failures, feedback, apps.

use callscope::api::{FailureGroup, SearchQuery};
use callscope::domain::Role;
use callscope::server::db::dashboard::ReadPool;
use callscope::server::demo::SHOWCASE_CONFERENCES;
use callscope::server::reports;
use sqlx::{PgPool, Row};

use super::{Demo, ids, search};

fn exact(id: &str) -> SearchQuery {
    SearchQuery { conference_id: Some(id.to_owned()), ..SearchQuery::default() }
}

fn prefix(id: &str) -> SearchQuery {
    SearchQuery { prefix: true, ..exact(id) }
}

/// Instance ids of `sql` (bound to the app), in the search order.
async fn expected(pool: &PgPool, sql: &str, app_id: i64) -> Vec<i64> {
    let sql =
        format!("select id from conference_instances where app_id = $1 and ({sql}) order by started_at desc, id desc");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(app_id)
        .fetch_all(pool)
        .await
        .expect("expected rows")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[sqlx::test]
async fn conference_ids_match_byte_for_byte_in_every_script_and_case(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (engineer, _) = demo.user(Role::Engineer).await;

    for id in
        ["インターネット", "интернэт", "ອິນເຕີເນັດ", "Conf-Standup", "conf-standup", "CONF-STANDUP", "sales-2026-11-01"]
    {
        let results = search(&pool, &engineer, exact(id)).await;
        assert_eq!(ids(&results), [id], "exact {id}");
    }
    for miss in ["conf-Standup", "Conf-Standup ", " インターネット", "インターネッ", "sales-2026-11"] {
        assert!(search(&pool, &engineer, exact(miss)).await.rows.is_empty(), "{miss:?} must not match");
    }
    let reused = search(&pool, &engineer, exact("weekly-retro")).await;
    assert_eq!(ids(&reused), ["weekly-retro", "weekly-retro"], "a reused ID is two instances");
    assert!(reused.rows[0].started_at > reused.rows[1].started_at, "newest first");
}

#[sqlx::test]
async fn a_prefix_matches_the_beginning_of_ids_byte_for_byte(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (support, _) = demo.user(Role::Support).await;

    let mut sales =
        ids(&search(&pool, &support, prefix("sales-2026-11")).await).into_iter().map(str::to_owned).collect::<Vec<_>>();
    sales.sort();
    assert_eq!(sales, ["sales-2026-11-01", "sales-2026-11-02"]);
    assert_eq!(ids(&search(&pool, &support, prefix("Conf-")).await), ["Conf-Standup"]);
    assert_eq!(ids(&search(&pool, &support, prefix("CONF")).await), ["CONF-STANDUP"]);
    assert_eq!(ids(&search(&pool, &support, prefix("インター")).await), ["インターネット"]);
    assert_eq!(ids(&search(&pool, &support, prefix("инт")).await), ["интернэт"]);
    assert!(search(&pool, &support, prefix("Sales")).await.rows.is_empty());
}

#[sqlx::test]
async fn people_are_found_by_user_id_and_only_support_finds_them_by_real_name(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (support, _) = demo.user(Role::Support).await;
    let (engineer, _) = demo.user(Role::Engineer).await;
    let row =
        sqlx::query("select user_id, user_name from endpoints where app_id = $1 and user_name is not null limit 1")
            .bind(demo.app_id)
            .fetch_one(&pool)
            .await
            .expect("a named endpoint");
    let (alias, name): (String, String) = (row.get(0), row.get(1));
    let want = expected(
        &pool,
        &format!("id in (select instance_id from endpoints where user_id = '{}')", alias.replace('\'', "''")),
        demo.app_id,
    )
    .await;
    let by = |id: &str| SearchQuery { user_id: Some(id.to_owned()), ..SearchQuery::default() };
    let row_ids = |results: callscope::api::SearchResults| results.rows.iter().map(|row| row.id).collect::<Vec<_>>();

    assert!(!want.is_empty());
    assert_eq!(row_ids(search(&pool, &engineer, by(&alias)).await), want, "engineers find people by alias");
    assert_eq!(row_ids(search(&pool, &support, by(&name)).await), want, "support finds people by userName");
    assert!(search(&pool, &engineer, by(&name)).await.rows.is_empty(), "engineers cannot search by userName");

    // Plain userIDs are case-sensitive too: `alice`, `Alice` and `ALICE` are three people.
    let alice = row_ids(search(&pool, &engineer, by("alice")).await);
    let upper = row_ids(search(&pool, &engineer, by("ALICE")).await);
    assert_eq!(
        alice,
        expected(&pool, "id in (select instance_id from endpoints where user_id = 'alice')", demo.app_id).await
    );
    assert_eq!(
        upper,
        expected(&pool, "id in (select instance_id from endpoints where user_id = 'ALICE')", demo.app_id).await
    );
}

#[sqlx::test]
async fn a_time_range_keeps_the_conferences_that_started_in_it(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (engineer, _) = demo.user(Role::Engineer).await;
    let (from, to): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "select percentile_disc(0.25) within group (order by started_at), percentile_disc(0.75) within group (order by started_at)
           from conference_instances where app_id = $1",
    )
    .bind(demo.app_id)
    .fetch_one(&pool)
    .await
    .expect("quartiles");
    let query = SearchQuery { from: Some(from), to: Some(to), ..SearchQuery::default() };
    let got: Vec<i64> = search(&pool, &engineer, query).await.rows.iter().map(|row| row.id).collect();
    let want = expected(
        &pool,
        &format!("started_at >= '{}' and started_at < '{}'", from.to_rfc3339(), to.to_rfc3339()),
        demo.app_id,
    )
    .await;
    assert!(!want.is_empty() && want.len() < SHOWCASE_CONFERENCES, "the range splits the showcase: {want:?}");
    assert_eq!(got, want);
}

#[sqlx::test]
async fn failure_groups_and_low_ratings_filter_the_results(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (engineer, _) = demo.user(Role::Engineer).await;
    let row_ids = |results: callscope::api::SearchResults| results.rows.iter().map(|row| row.id).collect::<Vec<_>>();

    let total = SearchQuery { failure_group: Some(FailureGroup::Total), ..SearchQuery::default() };
    let total = search(&pool, &engineer, total).await;
    assert_eq!(ids(&total), ["sales-2026-11-01"], "the showcase's total failure");
    assert_eq!(total.rows[0].failure_group, Some(FailureGroup::Total));

    let partial = SearchQuery { failure_group: Some(FailureGroup::Partial), ..SearchQuery::default() };
    let partial = row_ids(search(&pool, &engineer, partial).await);
    assert!(!partial.is_empty(), "the showcase has partial failures");
    assert_eq!(partial, expected(&pool, "failure_group = 'partialFailure'", demo.app_id).await);

    let unhappy = SearchQuery { feedback12: true, ..SearchQuery::default() };
    let unhappy = row_ids(search(&pool, &engineer, unhappy).await);
    let want = expected(&pool, "id in (select instance_id from feedback where min_rating <= 2)", demo.app_id).await;
    assert!(!want.is_empty(), "the showcase has ratings of 1 and 2");
    assert_eq!(unhappy, want);

    let both =
        SearchQuery { feedback12: true, prefix: true, conference_id: Some("sales".into()), ..SearchQuery::default() };
    let both = row_ids(search(&pool, &engineer, both).await);
    let want = expected(&pool, "conference_id like 'sales%' and feedback_min_rating <= 2", demo.app_id).await;
    assert_eq!(both, want, "filters combine");
}

#[sqlx::test]
async fn users_see_only_the_apps_granted_to_them(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (engineer, _) = demo.user(Role::Engineer).await;
    let everything = search(&pool, &engineer, SearchQuery::default()).await;
    assert_eq!(everything.rows.len(), SHOWCASE_CONFERENCES, "the whole showcase fits one page");

    let in_app = SearchQuery { app: Some(demo.public_id.clone()), ..SearchQuery::default() };
    assert_eq!(search(&pool, &engineer, in_app).await.rows.len(), SHOWCASE_CONFERENCES);
    let other_app = SearchQuery { app: Some("999999999".into()), ..SearchQuery::default() };
    assert!(search(&pool, &engineer, other_app).await.rows.is_empty());

    sqlx::query("delete from user_app_grants").execute(&pool).await.expect("revoke");
    assert!(search(&pool, &engineer, SearchQuery::default()).await.rows.is_empty(), "no grant, no conferences");
}

#[sqlx::test]
async fn suggestions_offer_aliases_to_engineers_and_names_to_support(pool: PgPool) {
    let demo = Demo::load(pool.clone()).await;
    let (support, _) = demo.user(Role::Support).await;
    let (engineer, _) = demo.user(Role::Engineer).await;
    let row =
        sqlx::query("select user_id, user_name from endpoints where app_id = $1 and user_name is not null limit 1")
            .bind(demo.app_id)
            .fetch_one(&pool)
            .await
            .expect("a named endpoint");
    let (alias, name): (String, String) = (row.get(0), row.get(1));
    let start = |text: &str| text.chars().take(3).collect::<String>();
    let read = ReadPool::primary(pool.clone());

    let for_engineer = reports::people(&read, &engineer, &start(&alias)).await.expect("suggest");
    assert!(for_engineer.iter().any(|p| p.user_id == alias), "{for_engineer:?}");
    assert!(for_engineer.iter().all(|p| p.user_name.is_none()), "no names for engineers: {for_engineer:?}");
    let by_name = reports::people(&read, &engineer, &start(&name)).await.expect("suggest");
    assert!(
        by_name.iter().all(|p| p.user_name.is_none() && !p.user_id.starts_with(&start(&name))) || by_name.is_empty()
    );

    let for_support = reports::people(&read, &support, &start(&name)).await.expect("suggest");
    assert!(
        for_support.iter().any(|p| p.user_id == alias && p.user_name.as_deref() == Some(name.as_str())),
        "support finds {name:?} by the start of the name: {for_support:?}"
    );
}
