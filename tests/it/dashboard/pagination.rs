//! Keyset pagination: newest first, exact across page boundaries even when
//! many conferences share one start time.

use callscope::api::{CurrentUser, PAGE_SIZE, SearchQuery};
use callscope::domain::Role;
use callscope::server::apps;
use callscope::server::audit::Actor;
use sqlx::{PgPool, Row};

use super::search;
use crate::collector::master_key;

/// 60 instances of one app in three groups of 20 with the same start time.
async fn tied_instances(pool: &PgPool) -> i64 {
    let (app, _) = apps::create(pool, &Actor::Cli, &master_key(), "Ties").await.expect("app");
    sqlx::query(
        "insert into conference_instances (app_id, conference_id, started_at, last_activity_at, status, ended_at)
         select $1, 'tie-' || n, t, t, 'ended', t + interval '1 minute'
           from generate_series(1, 60) n,
                lateral (select timestamptz '2026-11-20 10:00:00+00' + (n % 3) * interval '1 hour' as t) s",
    )
    .bind(app.id)
    .execute(pool)
    .await
    .expect("instances");
    app.id
}

#[sqlx::test]
async fn pages_follow_each_other_without_gaps_or_repeats_across_ties(pool: PgPool) {
    let app_id = tied_instances(&pool).await;
    let admin = CurrentUser { id: 0, email: "admin@example.test".into(), role: Role::Admin };
    let want: Vec<i64> =
        sqlx::query("select id from conference_instances where app_id = $1 order by started_at desc, id desc")
            .bind(app_id)
            .fetch_all(&pool)
            .await
            .expect("all")
            .iter()
            .map(|row| row.get(0))
            .collect();

    let mut query = SearchQuery { prefix: true, conference_id: Some("tie-".into()), ..SearchQuery::default() };
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let page = search(&pool, &admin, query.clone()).await;
        sizes.push(page.rows.len());
        seen.extend(page.rows.iter().map(|row| row.id));
        match page.next {
            Some(cursor) => {
                // The cursor is carried in the shared URL: go through its text form.
                let text = query_with(&query, cursor).to_query_string();
                query =
                    SearchQuery::from_pairs(pairs(&text).iter().map(|(k, v)| (k.as_str(), v.as_str()))).expect("parse");
            }
            None => break,
        }
    }
    assert_eq!(sizes, [PAGE_SIZE as usize, PAGE_SIZE as usize, 10]);
    assert_eq!(seen, want, "every conference once, newest first, ties by id");
}

fn query_with(query: &SearchQuery, cursor: callscope::api::Cursor) -> SearchQuery {
    SearchQuery { before: Some(cursor), ..query.clone() }
}

/// Splits a query string this crate wrote (values with `-`, `.` and digits only here).
fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("pair");
            (key.to_owned(), value.to_owned())
        })
        .collect()
}
