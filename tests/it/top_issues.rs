//! The overview's top issues: counted over the period's summarised
//! conferences against the period before, with the app versions and
//! browsers whose connections had them most — shown with JavaScript off.

use callscope::domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, Joined, header, now_ms, with};
use crate::dashboard::signed_in;
use crate::diagnosis::lossy_relayed_call;
use crate::summaries::leave;

/// Joins `conf` as `user` from a client of release `version`.
async fn join_from(collector: &Collector, conf: &str, user: &str, version: &str) -> Joined {
    let token = collector.authenticate(user).await;
    let body = with(
        header(user),
        json!({ "endpointInfo": { "type": "browser", "name": "Firefox" },
                "configParams": { "applicationVersion": version } }),
    );
    let response = collector.post(&token, &collector.conference_url(&collector.app_id, conf, &[]), &body).await;
    let answer: Value = response.json().await.expect("json");
    let uc_id = answer["ucID"].as_str().expect("ucID").to_owned();
    Joined { token, conf: conf.to_owned(), uc_id, user: user.to_owned() }
}

#[sqlx::test]
async fn the_overview_ranks_issues_and_shows_the_release_that_has_them(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    // Release 2.1 freezes in two calls; 2.0 is clean in one.
    for (conf, user) in [("first <b>call</b>", "alice"), ("second call", "carol")] {
        let joined = join_from(&collector, conf, user, "2.1<script>").await;
        lossy_relayed_call(&collector, &joined, t0).await;
        leave(&collector, &joined).await;
    }
    let clean = join_from(&collector, "clean call", "bob", "2.0").await;
    crate::summaries::stats(
        &collector,
        &clean,
        "pc-1",
        t0,
        json!([{ "id": "in", "type": "inbound-rtp", "kind": "audio", "ssrc": 1, "packetsReceived": 10 }]),
        json!([]),
    )
    .await;
    leave(&collector, &clean).await;

    let client = signed_in(&collector, Role::Engineer, true).await;
    let response = client
        .post(collector.server.url("/api/get_overview"))
        .json(&json!({ "query": { "app": collector.app_id } }))
        .send()
        .await
        .expect("overview");
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.expect("json");
    let top = view["top_issues"].as_array().expect("top issues");
    let kinds: Vec<&str> = top.iter().filter_map(|issue| issue["kind"].as_str()).collect();
    assert_eq!(kinds, ["packetLoss", "relayed", "tcpTransport", "videoFreezes"], "most first, then by name");
    let freezes = &top[3];
    assert_eq!((freezes["conferences"].as_i64(), freezes["previous"].as_i64()), (Some(2), Some(0)));
    assert_eq!(
        freezes["app_versions"],
        json!([{ "client": "2.1<script>", "affected": 2, "connections": 2 }]),
        "2.0's connection had no freeze, so it is not listed"
    );
    assert_eq!(freezes["browsers"], json!([{ "client": "Firefox", "affected": 2, "connections": 3 }]));

    // Without JavaScript: the table, escaped, each kind linking to its search.
    let html = collector.server.page(&client, "/overview").await.text().await.expect("page");
    assert!(html.contains("Top issues"), "{html}");
    assert!(html.contains("2.1&lt;script&gt;") && !html.contains("2.1<script>"), "client text is escaped");
    assert!(html.contains("100.0 % (2 of 2)"), "the release's share");
    let link = html.find("issue=videoFreezes").expect("a link to the conferences with freezes");
    assert!(html[..link].rfind("href=\"/search?").is_some());
}
