//! The silence rule measures silence against the collector's own
//! reachability: while nothing at all is heard, the collector may be what
//! is unreachable, and silence counts again from when it hears again.

use callscope::server::lifecycle::{self, QUIET, SILENCE, SILENCE_CAP};
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;

use super::{heard, status};
use crate::collector::Collector;
use crate::summaries::instance_of;

async fn ended(pool: &PgPool, now: DateTime<Utc>) -> Vec<i64> {
    lifecycle::run_once(pool, now).await.expect("round").ended
}

#[sqlx::test]
async fn a_collector_outage_of_a_minute_ends_no_conference_whose_clients_come_back(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let mut ids = Vec::new();
    for conf in ["first-back", "back-later", "never-back"] {
        ids.push(instance_of(pool, &collector.join(conf, "alice").await).await);
    }
    let [first, later, never] = ids[..] else { unreachable!() };
    let now = Utc::now();
    // The collector heard nothing from anyone for the last minute.
    for &id in &ids {
        heard(pool, id, now - TimeDelta::minutes(1)).await;
    }
    assert!(ended(pool, now).await.is_empty(), "a minute without a word from anyone: the collector was unreachable");

    // It hears again: one client is back at once, another 20 s later
    // (rounds every 10 s here; every 5 s in a running process).
    heard(pool, first, now).await;
    assert!(ended(pool, now).await.is_empty(), "the others get their 30 s from now");
    heard(pool, first, now + TimeDelta::seconds(10)).await;
    assert!(ended(pool, now + TimeDelta::seconds(10)).await.is_empty());
    for id in [first, later] {
        heard(pool, id, now + TimeDelta::seconds(20)).await;
    }
    assert!(ended(pool, now + TimeDelta::seconds(20)).await.is_empty());

    // 30 s after the collector heard again, the one that never came back is silent.
    let then = now + SILENCE + TimeDelta::seconds(1);
    for id in [first, later] {
        heard(pool, id, then).await;
    }
    assert_eq!(ended(pool, then).await, [never]);
    assert_eq!(status(pool, never).await, ("ended".to_owned(), Some("inactivity".to_owned())));
    assert_eq!(status(pool, later).await.0, "live", "back 20 s after the outage: still live");
    assert_eq!(status(pool, first).await.0, "live");
}

#[sqlx::test]
async fn when_nothing_at_all_is_heard_a_silent_conference_ends_after_five_minutes(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let alice = collector.join("last-call", "alice").await;
    let id = instance_of(pool, &alice).await;
    let last = Utc::now();
    heard(pool, id, last).await;

    assert!(ended(pool, last + SILENCE + TimeDelta::seconds(1)).await.is_empty(), "an outage or a last call: wait");
    assert!(ended(pool, last + SILENCE_CAP - TimeDelta::seconds(1)).await.is_empty());
    assert_eq!(ended(pool, last + SILENCE_CAP + TimeDelta::seconds(1)).await, [id], "no outage lasts that long");
    assert_eq!(status(pool, id).await, ("ended".to_owned(), Some("inactivity".to_owned())));
}

#[sqlx::test]
async fn a_short_pause_of_all_traffic_is_no_outage(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let pool = &collector.server.pool;
    let talking = instance_of(pool, &collector.join("talking", "alice").await).await;
    let silent = instance_of(pool, &collector.join("silent", "bob").await).await;
    let now = Utc::now();
    heard(pool, silent, now - SILENCE - TimeDelta::seconds(10)).await;
    // Heard from every QUIET at most: the collector never was unreachable.
    let mut at = now - SILENCE - TimeDelta::seconds(10);
    while at < now {
        at += QUIET;
        heard(pool, talking, at.min(now)).await;
        lifecycle::run_once(pool, at.min(now)).await.expect("round");
    }
    assert_eq!(status(pool, silent).await.0, "ended", "silent for 40 s while another was heard");
    assert_eq!(status(pool, talking).await.0, "live");
}
