//! A read replica (`DATABASE_READ_URL`): a real streaming standby of a
//! primary made for the test. The dashboard's read-only pages are served
//! by the standby, writes and live pages by the primary, and while the
//! standby is down the pages it serves answer 503 (docs/operations.md).

use callscope::domain::Role;
use callscope::server::db;
use secrecy::SecretString;
use sqlx::{PgPool, postgres::PgPoolOptions};

use crate::admin::post_form;
use crate::cluster::{Cluster, Scratch};
use crate::collector::Collector;
use crate::common::{TestApp, test_config};
use crate::summaries::{instance_of, leave};

const ADMIN: &str = "boss@example.com";
const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn the_replica_serves_read_only_pages_while_writes_and_live_pages_use_the_primary() {
    let scratch = Scratch::new();
    let primary = Cluster::primary(&scratch).await;
    let mut standby = Cluster::standby_of(&primary, &scratch).await;
    let pool = db::connect(&primary.url("postgres")).await.expect("primary");
    db::migrate(&pool).await.expect("migrations");
    let replica = PgPoolOptions::new().max_connections(1).connect(&standby.url("postgres")).await.expect("standby");
    let mut config = test_config();
    config.read_database_url = Some(SecretString::from(standby.url("postgres")));
    let collector = Collector::spawn_with(config, pool.clone()).await;
    let server = &collector.server;
    server.create_user(ADMIN, Role::Admin, PASSWORD).await;
    server.sign_in(&server.client, ADMIN, PASSWORD).await;

    // A conference that ended, on both servers.
    let alice = collector.join("ended-call", "alice").await;
    leave(&collector, &alice).await;
    let ended = instance_of(&pool, &alice).await;
    caught_up(&pool, &replica).await;

    // With replay paused, what is written now reaches the primary only.
    sqlx::query("select pg_wal_replay_pause()").execute(&replica).await.expect("pause replay");
    let path = format!("/admin/apps/{}", collector.app_id);
    let renamed = post_form(server, &server.client, &path, &[("intent", "rename"), ("name", "Renamed app")]).await;
    assert_eq!(renamed.status(), 303, "the admin form writes to the primary");
    assert!(html(server, &path, 200).await.contains("Renamed app"), "admin pages read the primary");
    let bob = collector.join("live-call", "bob").await;
    let live = instance_of(&pool, &bob).await;

    let search = html(server, "/search", 200).await;
    assert!(search.contains(&link(ended)), "the ended conference is listed:\n{search}");
    assert!(!search.contains(&link(live)), "search reads the replica, which has not replayed the new conference");
    let ended_page = html(server, &link_path(ended), 200).await;
    assert!(ended_page.contains("Test app") && !ended_page.contains("Renamed app"), "an ended conference: replica");
    let live_page = html(server, &link_path(live), 200).await;
    assert!(live_page.contains("Renamed app"), "a live conference, missing on the replica: primary");

    sqlx::query("select pg_wal_replay_resume()").execute(&replica).await.expect("resume replay");
    caught_up(&pool, &replica).await;
    let search = html(server, "/search", 200).await;
    assert!(search.contains(&link(live)) && search.contains("Renamed app"), "replayed, the replica has it all");

    // The replica stops: its pages answer 503 (each after the pool's 10 s
    // wait for a connection); live pages and the collector go on.
    replica.close().await;
    standby.stop();
    assert!(html(server, "/search", 503).await.contains("error-state"));
    assert!(html(server, &link_path(ended), 503).await.contains("error-state"));
    assert!(html(server, &link_path(live), 200).await.contains("Renamed app"));
    leave(&collector, &bob).await; // asserts the collector's 200
}

/// Waits until `replica` has replayed everything `primary` has written so far.
async fn caught_up(primary: &PgPool, replica: &PgPool) {
    let written: String =
        sqlx::query_scalar("select pg_current_wal_lsn()::text").fetch_one(primary).await.expect("primary's WAL");
    for _ in 0..300 {
        let replayed: bool = sqlx::query_scalar("select pg_last_wal_replay_lsn() >= $1::pg_lsn")
            .bind(&written)
            .fetch_one(replica)
            .await
            .expect("replica's WAL");
        if replayed {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the replica did not replay up to {written} within 30 s");
}

/// A page's HTML, asserting its status.
async fn html(server: &TestApp, path: &str, status: u16) -> String {
    let response = server.page(&server.client, path).await;
    let code = response.status();
    let body = response.text().await.expect("page body");
    assert_eq!(code, status, "GET {path}:\n{body}");
    body
}

fn link_path(instance: i64) -> String {
    format!("/conferences/{instance}")
}

fn link(instance: i64) -> String {
    format!("href=\"{}\"", link_path(instance))
}
