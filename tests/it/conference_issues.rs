//! Conference-level issues: a participant who kept re-joining, one never
//! connected to anyone, and a connection never set up with what failed —
//! played through the real collector, read back as stored and as the
//! diagnosis says them.

use callscope::domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, Joined, header, now_ms, with};
use crate::dashboard::signed_in;
use crate::summaries::{fabric_event, instance_of, leave, send};

#[sqlx::test]
async fn churn_a_participant_never_connected_and_a_failed_setup_are_found(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("gathering", "alice").await;
    fabric_event(&collector, &alice, "pc-1", "fabricSetup", json!({ "delay": 300 })).await;
    // Bob joins three times.
    for _ in 0..3 {
        let bob = collector.join("gathering", "bob").await;
        fabric_event(&collector, &bob, "pc-1", "fabricSetup", json!({ "delay": 300 })).await;
        leave(&collector, &bob).await;
    }
    // Dave's only connection fails to negotiate.
    let dave = collector.join("gathering", "dave").await;
    let error = with(
        header("dave"),
        json!({ "wrtcFuncName": "setRemoteDescription", "connectionID": "pc-1", "remoteID": "peer",
                "domError": { "name": "InvalidAccessError", "message": "bad SDP" } }),
    );
    send(&collector, &dave, "events/error", &error).await;
    fabric_event(
        &collector,
        &dave,
        "pc-1",
        "fabricSetupFailed",
        json!({ "delay": 2000, "reason": "NegotiationFailure" }),
    )
    .await;
    leave(&collector, &dave).await;
    leave(&collector, &alice).await;

    let instance = instance_of(pool, &alice).await;
    let stored: Vec<Value> = sqlx::query_scalar(
        "select jsonb_build_object('kind', kind, 'severity', severity, 'side', side, 'who', who,
                                   'count', count, 'detail', detail, 'onFabric', fabric_id is not null)
           from fabric_issues where instance_id = $1 order by kind",
    )
    .bind(instance)
    .fetch_all(pool)
    .await
    .expect("issues");
    assert_eq!(
        stored,
        [
            json!({ "kind": "churn", "severity": "minor", "side": "participant", "who": "bob", "count": 2,
                    "detail": null, "onFabric": false }),
            json!({ "kind": "neverConnected", "severity": "major", "side": "participant", "who": "dave",
                    "count": 1, "detail": null, "onFabric": false }),
            json!({ "kind": "setupFailed", "severity": "major", "side": "between", "who": "dave", "count": null,
                    "detail": "setRemoteDescription", "onFabric": true }),
        ]
    );

    let client = signed_in(&collector, Role::Engineer, true).await;
    let response =
        client.post(collector.server.url("/api/get_conference")).form(&[("id", instance)]).send().await.expect("api");
    let view: Value = response.json().await.expect("view");
    let sentences: Vec<&str> = view["diagnosis"]
        .as_array()
        .expect("diagnosis")
        .iter()
        .filter_map(|line| line["sentence"].as_str()?.split(", ").next())
        .collect();
    assert!(sentences.contains(&"dave: never connected to anyone (1 connection tried)"), "{sentences:?}");
    assert!(sentences.contains(&"bob: left and re-joined 2 times"), "{sentences:?}");
    assert!(
        sentences
            .contains(&"dave's connection to peer: the connection was never set up (reported: setRemoteDescription)"),
        "{sentences:?}"
    );
    let html = collector.server.page(&client, "/search?issue=neverConnected").await.text().await.expect("search");
    assert!(html.contains("gathering"), "found by its conference-level issue");
}

/// Four polls 10 s apart of `joined`'s connection to `remote`: each stream
/// in `sends` and `receives` (audio, video) with its packets growing.
async fn polls(collector: &Collector, joined: &Joined, remote: &str, sends: &[&str], receives: &[&str]) {
    let connection = format!("pc-{remote}");
    let base = with(header(&joined.user), json!({ "remoteID": remote, "connectionID": connection }));
    send(collector, joined, "events/fabric", &with(base.clone(), json!({ "eventType": "fabricSetup", "delay": 200 })))
        .await;
    let t0 = (now_ms() / 1000.0).floor() * 1000.0 - 60_000.0;
    for poll in 0..4 {
        let tracks: Vec<Value> = sends
            .iter()
            .map(|kind| {
                json!({ "id": format!("out-{kind}"), "type": "outbound-rtp", "kind": kind,
                                "ssrc": if *kind == "audio" { 101 } else { 102 }, "packetsSent": 50 * poll })
            })
            .chain(receives.iter().map(|kind| {
                json!({ "id": format!("in-{kind}"), "type": "inbound-rtp", "kind": kind,
                                                      "ssrc": if *kind == "audio" { 201 } else { 202 }, "packetsReceived": 50 * poll })
            }))
            .collect();
        let stats = json!({ "stats": { "timestamp": t0 + 10_000.0 * f64::from(poll), "tracks": tracks, "candidatePairs": [] } });
        send(collector, joined, "stats", &with(base.clone(), stats)).await;
    }
}

/// Alice's audio never reaches Bob, whose browser reports no inbound audio
/// at all (as Chrome does when no packet arrives): only Alice's report of
/// what she sent, set against Bob's, shows it.
#[sqlx::test]
async fn audio_one_side_sends_and_the_other_never_reports_is_one_way(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("one way", "alice").await;
    let bob = collector.join("one way", "bob").await;
    polls(&collector, &alice, "bob", &["audio", "video"], &["audio", "video"]).await;
    polls(&collector, &bob, "alice", &["audio", "video"], &["video"]).await;
    leave(&collector, &alice).await;
    leave(&collector, &bob).await;

    let stored: Vec<Value> = sqlx::query_scalar(
        "select jsonb_build_object('kind', i.kind, 'direction', i.direction, 'media', i.media_kind,
                                   'connection', f.connection_id, 'who', i.who, 'peer', i.peer)
           from fabric_issues i join fabrics f on f.id = i.fabric_id where i.instance_id = $1 order by i.kind",
    )
    .bind(instance_of(pool, &alice).await)
    .fetch_all(pool)
    .await
    .expect("issues");
    assert_eq!(
        stored,
        [json!({ "kind": "noMedia", "direction": "outbound", "media": "audio", "connection": "pc-bob",
                 "who": "bob", "peer": "alice" })]
    );

    let client = signed_in(&collector, Role::Engineer, true).await;
    let response = client
        .post(collector.server.url("/api/get_conference"))
        .form(&[("id", instance_of(pool, &alice).await)])
        .send()
        .await
        .expect("api");
    let view: Value = response.json().await.expect("view");
    let sentence = view["diagnosis"][0]["sentence"].as_str().unwrap_or_default();
    assert!(sentence.starts_with("From alice to bob: no audio arrived"), "{view:#}");
}
