//! Conference-level issues: a participant who kept re-joining, one never
//! connected to anyone, and a connection never set up with what failed —
//! played through the real collector, read back as stored and as the
//! diagnosis says them.

use callscope::domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::collector::{Collector, header, with};
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
