//! Issues found by the detectors when a conference instance is summarised:
//! played through the real collector, read back from `fabric_issues`.

use callscope::domain::Role;
use callscope::server::db::{diagnosis, summaries};
use callscope::server::lifecycle;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, Joined, header, now_ms, with};
use crate::dashboard::signed_in;
use crate::summaries::{fabric_event, instance_of, leave, stats};

/// The stored issues of `joined`'s instance: kind, severity, direction,
/// side, who, peer, peak and count, ordered.
async fn issues(pool: &PgPool, joined: &Joined) -> Vec<Value> {
    sqlx::query_scalar(
        "select jsonb_build_object('kind', kind, 'severity', severity, 'direction', direction, 'ssrc', ssrc,
                                   'side', side, 'who', who, 'peer', peer, 'peak', peak, 'count', count)
         from fabric_issues where instance_id = $1 order by kind, started_at",
    )
    .bind(instance_of(pool, joined).await)
    .fetch_all(pool)
    .await
    .expect("issues")
}

/// Four polls 10 s apart of a relayed (TURN over TCP) call whose inbound
/// video loses a fifth of its packets from the second poll and freezes.
pub async fn lossy_relayed_call(collector: &Collector, joined: &Joined, t0: f64) {
    polls(collector, joined, "pc-1", t0, true).await;
}

/// Four polls 10 s apart of connection `connection`: lossy, frozen and
/// relayed over TCP when `lossy`, else clean and direct.
async fn polls(collector: &Collector, joined: &Joined, connection: &str, t0: f64, lossy: bool) {
    for poll in 0..4 {
        let lost = if poll == 0 || !lossy { 0 } else { 25 * poll };
        let freezes = if lossy { poll } else { 0 };
        let (local, relay) = if lossy { ("relay", "tcp") } else { ("host", "") };
        let tracks = json!([
            { "id": "in-video", "type": "inbound-rtp", "kind": "video", "ssrc": 5555,
              "packetsReceived": 100 * poll, "packetsLost": lost, "freezeCount": freezes * 2,
              "totalFreezesDuration": freezes as f64 * 0.5 },
            { "id": "out-audio", "type": "outbound-rtp", "kind": "audio", "ssrc": 6666, "packetsSent": 50 * poll }
        ]);
        let pairs = json!([
            { "id": "CP1", "selected": true, "currentRoundTripTime": 0.08, "localCandidateType": local,
              "localProtocol": "udp", "localRelayProtocol": relay, "remoteCandidateType": "srflx" },
            { "id": "CP2", "selected": false, "localCandidateType": "host", "remoteCandidateType": "host" }
        ]);
        stats(collector, joined, connection, t0 + 10_000.0 * poll as f64, tracks, pairs).await;
    }
}

#[sqlx::test]
async fn a_summary_stores_the_planted_issues_and_no_others(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let alice = collector.join("diagnosed", "alice").await;
    fabric_event(&collector, &alice, "pc-1", "fabricSetup", json!({ "delay": 4_000 })).await;
    lossy_relayed_call(&collector, &alice, t0).await;
    leave(&collector, &alice).await;

    let found = issues(pool, &alice).await;
    let kinds: Vec<&str> = found.iter().filter_map(|issue| issue["kind"].as_str()).collect();
    assert_eq!(kinds, ["packetLoss", "relayed", "slowSetup", "tcpTransport", "videoFreezes"], "{found:#?}");
    let loss = &found[0];
    assert_eq!((loss["severity"].as_str(), loss["direction"].as_str()), (Some("major"), Some("inbound")));
    assert_eq!((loss["ssrc"].as_i64(), loss["peak"].as_f64()), (Some(5555), Some(20.0)));
    // Two people alone: the side cannot be told, so it is between them.
    assert_eq!(
        (loss["side"].as_str(), loss["who"].as_str(), loss["peer"].as_str()),
        (Some("between"), Some("alice"), Some("peer"))
    );
    let freezes = &found[4];
    assert_eq!((freezes["count"].as_i64(), freezes["peak"].as_f64()), (Some(6), Some(1.5)));

    let stored: Vec<String> = sqlx::query_scalar("select unnest(issue_kinds) from conference_instances where id = $1")
        .bind(instance_of(pool, &alice).await)
        .fetch_all(pool)
        .await
        .expect("kinds");
    assert_eq!(stored, kinds, "the instance lists the kinds found, for search");

    // Summarising again replaces the rows with the same ones.
    let mut conn = pool.acquire().await.expect("connection");
    summaries::summarize(&mut conn, instance_of(pool, &alice).await).await.expect("summary");
    assert_eq!(issues(pool, &alice).await, found);
}

/// The detectors read fabrics in batches: one past the first batch is
/// diagnosed from its own polls, and its clean neighbours stay clean.
#[sqlx::test]
async fn every_connection_of_a_large_call_is_diagnosed_from_its_own_polls(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let alice = collector.join("many connections", "alice").await;
    let (connections, lossy) = (diagnosis::FABRICS_PER_READ + 3, diagnosis::FABRICS_PER_READ + 2);
    for n in 1..=connections {
        let connection = format!("pc-{n}");
        fabric_event(&collector, &alice, &connection, "fabricSetup", json!({ "delay": 100 })).await;
        polls(&collector, &alice, &connection, t0, n == lossy).await;
    }
    leave(&collector, &alice).await;

    let found: Vec<(String, String)> = sqlx::query_as(
        "select f.connection_id, i.kind from fabric_issues i join fabrics f on f.id = i.fabric_id
         where i.instance_id = $1 order by f.connection_id, i.kind",
    )
    .bind(instance_of(pool, &alice).await)
    .fetch_all(pool)
    .await
    .expect("issues");
    let on = format!("pc-{lossy}");
    let expected = ["packetLoss", "relayed", "tcpTransport", "videoFreezes"].map(|kind| (on.clone(), kind.to_owned()));
    assert_eq!(found, expected);
}

#[sqlx::test]
async fn a_live_conference_is_diagnosed_while_it_runs(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let alice = collector.join("still-running", "alice").await;
    lossy_relayed_call(&collector, &alice, t0).await;
    let instance = instance_of(pool, &alice).await;
    assert_eq!(issues(pool, &alice).await, Vec::<Value>::new(), "not before the lifecycle worker looks");

    let now = chrono::Utc::now();
    let round = lifecycle::run_once(pool, now).await.expect("round");
    assert_eq!((round.ended, round.diagnosed), (vec![], vec![instance]));
    let live = issues(pool, &alice).await;
    let kinds: Vec<&str> = live.iter().filter_map(|issue| issue["kind"].as_str()).collect();
    assert_eq!(kinds, ["packetLoss", "relayed", "tcpTransport", "videoFreezes"]);
    let client = signed_in(&collector, Role::Engineer, true).await;
    let found = collector.server.page(&client, "/search?issue=videoFreezes").await.text().await.expect("results");
    assert!(found.contains("still-running"), "a live conference is found by its issues");

    // Not again within the minute; again after it. (The clock is not moved
    // on: half a minute without a word would end it.)
    let again = lifecycle::run_once(pool, chrono::Utc::now()).await.expect("round");
    assert_eq!((again.ended, again.diagnosed), (vec![], vec![]));
    sqlx::query("update conference_instances set diagnosed_at = diagnosed_at - interval '1 minute' where id = $1")
        .bind(instance)
        .execute(pool)
        .await
        .expect("a minute earlier");
    let later = lifecycle::run_once(pool, chrono::Utc::now()).await.expect("round");
    assert_eq!((later.ended, later.diagnosed), (vec![], vec![instance]));

    // Its end replaces the live diagnosis with the summary's, now with its setup.
    fabric_event(&collector, &alice, "pc-1", "fabricSetup", json!({ "delay": 4_000 })).await;
    leave(&collector, &alice).await;
    let ended: Vec<String> =
        issues(pool, &alice).await.iter().filter_map(|issue| issue["kind"].as_str().map(str::to_owned)).collect();
    assert_eq!(ended, ["packetLoss", "relayed", "slowSetup", "tcpTransport", "videoFreezes"]);
}

#[sqlx::test]
async fn a_clean_direct_call_has_no_issue(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let bob = collector.join("clean", "bob").await;
    fabric_event(&collector, &bob, "pc-1", "fabricSetup", json!({ "delay": 300 })).await;
    for poll in 0..4 {
        let tracks = json!([
            { "id": "in-audio", "type": "inbound-rtp", "kind": "audio", "ssrc": 1, "packetsReceived": 500 * poll,
              "packetsLost": poll, "jitter": 0.01, "concealedSamples": 10 * poll, "totalSamplesReceived": 48_000 * poll }
        ]);
        let pairs = json!([{ "id": "CP1", "selected": true, "currentRoundTripTime": 0.04,
                             "localCandidateType": "host", "localProtocol": "udp", "remoteCandidateType": "host" }]);
        stats(&collector, &bob, "pc-1", t0 + 10_000.0 * poll as f64, tracks, pairs).await;
    }
    leave(&collector, &bob).await;
    assert_eq!(issues(pool, &bob).await, Vec::<Value>::new());
}

/// The conference page's server function and HTML as `client` receives them.
async fn conference_as(collector: &Collector, client: &reqwest::Client, id: i64) -> (Value, String) {
    let server = &collector.server;
    let response =
        client.post(server.url("/api/get_conference")).form(&[("id", id.to_string())]).send().await.expect("api");
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.expect("a conference view");
    let html = server.page(client, &format!("/conferences/{id}")).await.text().await.expect("page");
    (view, html)
}

#[sqlx::test]
async fn the_diagnosis_says_what_went_wrong_and_names_people_for_support_only(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("named", "alice").await;
    let remote = json!({ "userName": "Bob Builder", "aliasName": "bob", "loginID": "bob@example.com" });
    let added = with(
        header("alice"),
        json!({ "connectionID": "pc-1", "remoteID": "bob", "remoteUserID": remote, "fabricUsage": "multiplex" }),
    );
    let response = collector.send(&alice, "events/fabric/added", &added).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    lossy_relayed_call(&collector, &alice, t0).await;
    leave(&collector, &alice).await;
    let id = instance_of(&collector.server.pool, &alice).await;

    let engineer = signed_in(&collector, Role::Engineer, true).await;
    let (engineer, engineer_html) = conference_as(&collector, &engineer, id).await;
    let lines = engineer["diagnosis"].as_array().expect("diagnosis");
    // What, without the moment (the call's clock): worst first, majors before minors.
    let what: Vec<&str> = lines.iter().filter_map(|line| line["sentence"].as_str()?.split(", from ").next()).collect();
    assert_eq!(
        what,
        [
            "From bob to alice: video froze 6 times (1.5 s in all)",
            "From bob to alice: up to 20 % of video packets lost (mean 20 %)",
            "alice's connection to bob: media relayed through a TURN server",
            "alice's connection to bob: media carried over TCP",
        ]
    );
    let severities: Vec<&str> = lines.iter().filter_map(|line| line["severity"].as_str()).collect();
    assert_eq!(severities, ["major", "major", "minor", "minor"]);
    for body in [engineer.to_string(), engineer_html.clone()] {
        assert!(!body.contains("Bob Builder"), "an engineer never receives a userName");
    }
    assert!(engineer_html.contains("up to 20 % of video packets lost"), "rendered on the page without script");
    let first_at: chrono::DateTime<chrono::Utc> = serde_json::from_value(lines[0]["at"].clone()).expect("a time");
    let moment = format!("#t{}", first_at.timestamp_millis());

    // The connection's timeline has the issues on their own lane, as spans, in time order.
    let fabric: i64 = sqlx::query_scalar("select id from fabrics where instance_id = $1")
        .bind(id)
        .fetch_one(&collector.server.pool)
        .await
        .expect("fabric");
    let server = &collector.server;
    let form = [("conference", id.to_string()), ("fabric", fabric.to_string())];
    let admin = signed_in(&collector, Role::Admin, true).await;
    let response = admin.post(server.url("/api/get_fabric")).form(&form).send().await.expect("get_fabric");
    let view: Value = response.json().await.expect("a fabric view");
    let lane: Vec<(&str, bool)> = view["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|entry| entry["kind"] == "Issue")
        .map(|entry| (entry["title"].as_str().unwrap_or_default(), entry["until"].is_string()))
        .collect();
    assert_eq!(
        lane,
        [("video freezes", true), ("relayed media (TURN)", true), ("media over TCP", true), ("packet loss", true)]
    );
    let html = server.page(&admin, &format!("/conferences/{id}/fabrics/{fabric}")).await.text().await.expect("page");
    assert!(html.contains("Issues") && html.contains("marker issue span"), "the strip draws the lane without script");
    // Each sentence links to its moment: a row of the connection's timeline.
    assert!(engineer_html.contains(&format!("/conferences/{id}/fabrics/{fabric}{moment}")), "{engineer_html}");
    assert_eq!(html.matches(&format!("id=\"{}\"", &moment[1..])).count(), 1, "one row is the target");

    let support = signed_in(&collector, Role::Support, true).await;
    let (support, support_html) = conference_as(&collector, &support, id).await;
    let first = support["diagnosis"][0]["sentence"].as_str().expect("a sentence");
    assert!(first.starts_with("From Bob Builder (bob) to alice: "), "{first}");
    assert!(support_html.contains("Bob Builder (bob)"));
}

#[sqlx::test]
async fn conferences_are_found_by_the_kind_of_issue_they_had(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    let lossy = collector.join("lossy-call", "alice").await;
    lossy_relayed_call(&collector, &lossy, t0).await;
    leave(&collector, &lossy).await;
    let clean = collector.join("clean-call", "bob").await;
    leave(&collector, &clean).await;

    let client = signed_in(&collector, Role::Engineer, true).await;
    for (issue, expected) in [("packetLoss", true), ("videoFreezes", true), ("jitter", false)] {
        let page = collector.server.page(&client, &format!("/search?issue={issue}")).await;
        let status = page.status();
        let body = page.text().await.expect("results");
        assert_eq!(status, 200, "issue={issue}: {body}");
        assert_eq!(body.contains("lossy-call"), expected, "issue={issue}");
        assert!(!body.contains("clean-call"), "issue={issue}: a clean call has no issue");
    }
    let refused = collector.server.page(&client, "/search?issue=PacketLoss").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("page").contains("issue: is not an issue kind"), "the field is named");
}
