//! The private cluster: starts, serves, attaches, and stops without orphans.

use callscope::server::db;
use callscope::server::embedded_pg::EmbeddedPostgres;
use sqlx::Connection;

fn postmaster_pid(dir: &std::path::Path) -> i32 {
    let contents = std::fs::read_to_string(dir.join("pg/postmaster.pid")).expect("postmaster.pid");
    contents.lines().next().expect("pid line").trim().parse().expect("pid")
}

fn alive(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
}

#[test]
fn the_private_cluster_starts_serves_and_stops_leaving_no_process() {
    let dir = tempdir();
    let cluster = EmbeddedPostgres::start(&dir, None).expect("start");
    assert!(cluster.is_owned());
    let pid = postmaster_pid(&dir);
    assert!(alive(pid));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        db::ensure_database(&cluster.url("postgres"), "callscope").await.expect("create database");
        db::ensure_database(&cluster.url("postgres"), "callscope").await.expect("again: no-op");
        let mut conn = sqlx::PgConnection::connect(&cluster.url("callscope")).await.expect("connect");
        let one: i32 = sqlx::query_scalar("select 1").fetch_one(&mut conn).await.expect("query");
        assert_eq!(one, 1);
        conn.close().await.expect("close");
    });

    // A second user of the same data directory attaches and does not stop it.
    let attached = EmbeddedPostgres::start(&dir, None).expect("attach");
    assert!(!attached.is_owned());
    drop(attached);
    assert!(alive(pid), "an attached handle must not stop the cluster");

    drop(cluster);
    assert!(!alive(pid), "postgres {pid} is still running");

    // Data is kept: the next start finds the database created above.
    let again = EmbeddedPostgres::start(&dir, None).expect("restart");
    runtime.block_on(async {
        sqlx::PgConnection::connect(&again.url("callscope")).await.expect("database kept");
    });
    drop(again);
    std::fs::remove_dir_all(&dir).ok();
}

fn tempdir() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").subsec_nanos();
    let dir = std::env::temp_dir().join(format!("cs-pg-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}
