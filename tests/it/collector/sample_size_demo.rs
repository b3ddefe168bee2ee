//! Bytes per stats sample on disk for the demo's polls (`callscope demo`):
//! many fabrics, each polling an inbound audio and video track and its
//! candidate pair every 10 s, their polls interleaved as a server sees
//! them. Three objects per poll, so what each poll costs once (its index
//! entries) weighs more than in a browser's fourteen.

use futures::future::join_all;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use sqlx::PgPool;

use callscope::server::demo::{Quality, StatsSeries};

use super::sample_size::{MAX_BYTES_PER_SAMPLE, bytes_per_sample};
use super::{Collector, Joined, header, now_ms, with};

/// Endpoints, each with two fabrics (a three-party mesh call).
const ENDPOINTS: u32 = 24;
/// Polls per fabric: 20 minutes at one every 10 s.
const POLLS: u32 = 120;

struct Fabric {
    joined: Joined,
    connection: String,
    series: StatsSeries,
    rng: StdRng,
}

#[sqlx::test]
async fn the_demo_polls_of_many_fabrics_cost_at_most_150_bytes_per_sample_on_disk(pool: PgPool) {
    let mut config = crate::common::test_config();
    // Twenty minutes of polls arrive within seconds: no per-minute quota.
    config.quota_samples_per_minute = 0;
    let collector = Collector::spawn_with(config, pool).await;
    let mut fabrics = Vec::new();
    for endpoint in 0..ENDPOINTS {
        let joined = collector.join(&format!("demo-{}", endpoint / 3), &format!("user-{endpoint}")).await;
        for peer in 0..2 {
            let mut rng = StdRng::seed_from_u64(u64::from(endpoint * 2 + peer));
            let seconds = f64::from(POLLS) * 10.0;
            let (audio, video) = (1_000_000 + endpoint * 10 + peer, 3_000_000_000 + endpoint * 10 + peer);
            let series = StatsSeries::new(Quality::Fair, seconds, audio, video, &mut rng);
            fabrics.push(Fabric { joined: joined.clone(), connection: format!("pc-{peer}"), series, rng });
        }
    }

    let start_ms = now_ms() - f64::from(POLLS + 1) * 10_000.0;
    for n in 1..=POLLS {
        let at_ms = start_ms + f64::from(n) * 10_000.0;
        let sends = fabrics.iter_mut().map(|fabric| {
            let stats = fabric.series.sample(f64::from(n) * 10.0, at_ms, &mut fabric.rng);
            let body = with(
                header(&fabric.joined.user),
                json!({ "connectionID": fabric.connection, "remoteID": "peer", "stats": stats }),
            );
            let (collector, joined) = (&collector, &fabric.joined);
            async move {
                let response = collector.send(joined, "stats", &body).await;
                assert_eq!(response.status(), 200, "poll {n}: {}", response.text().await.unwrap_or_default());
            }
        });
        join_all(sends).await;
    }

    let (bytes, rows, heap, indexes) = bytes_per_sample(&collector.server.pool).await;
    assert_eq!(rows, i64::from(ENDPOINTS * 2 * POLLS * 3), "every object of every poll is a sample");
    println!("{rows} samples, {bytes:.1} bytes per sample on disk (heap {heap:.1}, indexes {indexes:.1})");
    assert!(bytes <= MAX_BYTES_PER_SAMPLE, "{bytes:.1} bytes per sample on disk");
}
