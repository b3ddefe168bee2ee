//! Acknowledged means on disk: the real binary, on its private cluster, is
//! killed with SIGKILL right after acknowledging stats, and every
//! acknowledged record is there after the restart. Also exercises the
//! `app create --json` command the way an operator runs it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_callscope");
const MASTER_KEY: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

fn callscope(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DATABASE_URL")
        .env("CALLSCOPE_MASTER_KEY", MASTER_KEY)
        .env("RUST_LOG", "warn");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn serve(dir: &Path, port: u16) -> Child {
    callscope(dir)
        .arg("serve")
        .env("CALLSCOPE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn callscope serve")
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("callscope did not become healthy");
}

/// Waits until the private cluster of `dir` has stopped.
fn wait_cluster_stopped(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while dir.join("pg/postmaster.pid").exists() {
        assert!(Instant::now() < deadline, "the private cluster did not stop after callscope died");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn scratch_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").subsec_nanos();
    // Under /tmp so that the postgres user can reach it when tests run as root.
    let dir = PathBuf::from("/tmp").join(format!("cs-kill-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn every_acknowledged_record_survives_a_sigkill() {
    let dir = scratch_dir();
    let created =
        callscope(&dir).args(["--json", "app", "create", "--name", "Durability"]).output().expect("app create");
    assert!(created.status.success(), "app create: {}", String::from_utf8_lossy(&created.stderr));
    let app: Value = serde_json::from_slice(&created.stdout).expect("app create prints JSON");
    let (app_id, secret) = (app["appID"].as_str().expect("appID"), app["secret"].as_str().expect("secret"));

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&dir, port);
    let client = reqwest::Client::new();
    wait_healthy(&client, &base).await;

    let now = chrono::Utc::now();
    let code = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({ "appID": app_id, "userID": "alice", "exp": now.timestamp() + 300 }),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign");
    let token: Value = client
        .post(format!("{base}/authenticate"))
        .form(&[("grant_type", "authorization_code"), ("client_id", &format!("alice@{app_id}")), ("code", &code)])
        .send()
        .await
        .expect("authenticate")
        .json()
        .await
        .expect("json");
    let token = token["access_token"].as_str().expect("access_token").to_owned();
    let header = || json!({ "localID": "alice", "deviceID": "d", "timestamp": chrono::Utc::now().timestamp_millis() });
    let mut join = header();
    join["endpointInfo"] = json!({ "type": "browser" });
    let joined: Value = client
        .post(format!("{base}/v1/apps/{app_id}/conferences/durable"))
        .bearer_auth(&token)
        .json(&join)
        .send()
        .await
        .expect("join")
        .json()
        .await
        .expect("json");
    let stats_url =
        format!("{base}/v1/apps/{app_id}/conferences/durable/{}/stats", joined["ucID"].as_str().expect("ucID"));

    // Eight writers send stats as fast as they are acknowledged; the server
    // is killed the moment 200 acknowledgements are in, writes still in flight.
    // Each writer is a connection of its own: a connection measures one poll
    // an instant, and a poll is its connection and instant (migration 0023),
    // so two writers on one connection in the same millisecond would be one
    // poll sent twice.
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<String>();
    for writer in 0..8 {
        let (client, token, url, acks) = (client.clone(), token.clone(), stats_url.clone(), acks.clone());
        tokio::spawn(async move {
            for n in 0.. {
                let key = format!("w{writer}-{n}");
                let mut body = json!({ "localID": "alice", "deviceID": "d", "connectionID": format!("pc-{writer}"), "remoteID": "bob",
                    "timestamp": chrono::Utc::now().timestamp_millis(),
                    "stats": { "tracks": [{ "id": key, "ssrc": "1", "kind": "audio", "jitter": 0.01 }], "candidatePairs": [] } });
                body["stats"]["timestamp"] = json!(chrono::Utc::now().timestamp_millis());
                match client.post(&url).bearer_auth(&token).header("idempotency-key", &key).json(&body).send().await {
                    Ok(response) if response.status() == 200 => {
                        if acks.send(key).is_err() {
                            return;
                        }
                    }
                    _ => return,
                }
            }
        });
    }
    drop(acks);
    let mut keys = Vec::new();
    while keys.len() < 200 {
        keys.push(acked.recv().await.expect("acknowledgement"));
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reap");
    // Acknowledgements that raced the kill count too.
    while let Ok(key) = acked.try_recv() {
        keys.push(key);
    }
    wait_cluster_stopped(&dir);

    // Restart on the same data directory and read every acknowledged record back.
    let stored = callscope(&dir)
        .args(["db", "exec", "--", "sh", "-c", r#"psql "$DATABASE_URL" -tA -c "select stat_key from stats_samples""#])
        .output()
        .expect("db exec psql");
    assert!(stored.status.success(), "psql: {}", String::from_utf8_lossy(&stored.stderr));
    let stored: std::collections::HashSet<String> =
        String::from_utf8_lossy(&stored.stdout).lines().map(str::to_owned).collect();
    let lost: Vec<&String> = keys.iter().filter(|key| !stored.contains(*key)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged records were lost: {lost:?}", lost.len(), keys.len());
    std::fs::remove_dir_all(&dir).ok();
}
