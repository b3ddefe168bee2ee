//! The last two people of a conference leave at the same moment, each
//! through another callscope process: the conference ends, once. (Each
//! event takes the conference's row lock first, so the second leave sees
//! the first.)

use futures::future::join_all;
use serde_json::json;
use sqlx::PgPool;

use crate::collector::{Collector, header, with};
use crate::common::TestApp;
use crate::summaries::instance_of;

#[sqlx::test]
async fn the_last_two_leaving_at_once_through_two_processes_end_their_conference(pool: PgPool) {
    let collector = &Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let other = TestApp::spawn(pool.clone()).await;
    let mut pairs = Vec::new();
    for n in 0..20 {
        let conf = format!("both-leave-{n}");
        pairs.push((collector.join(&conf, "alice").await, collector.join(&conf, "bob").await));
    }
    let leaves =
        pairs.iter().flat_map(|(alice, bob)| [(alice, &collector.server), (bob, &other)]).map(|(joined, via)| {
            let url =
                collector.conference_url(&collector.app_id, &joined.conf, &[&joined.uc_id, "events", "user", "left"]);
            let url = url.replacen(&collector.server.base, &via.base, 1);
            async move {
                let response = collector.post(&joined.token, &url, &with(header(&joined.user), json!({}))).await;
                assert_eq!(response.status(), 200);
            }
        });
    join_all(leaves).await;

    for (alice, _) in &pairs {
        let (status, reason): (String, Option<String>) =
            sqlx::query_as("select status, end_reason from conference_instances where id = $1")
                .bind(instance_of(pool, alice).await)
                .fetch_one(pool)
                .await
                .expect("instance");
        assert_eq!((status.as_str(), reason.as_deref()), ("ended", Some("allLeft")), "{}", alice.conf);
    }
}
