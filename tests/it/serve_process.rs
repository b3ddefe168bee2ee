//! `callscope serve` as a process on the test's database: how it stops on
//! SIGTERM, and what it logs with `CALLSCOPE_LOG_FORMAT=json`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::database_url;

const BIN: &str = env!("CARGO_BIN_EXE_callscope");
const MASTER_KEY: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

/// A running `callscope serve`, its address and what it wrote on stderr.
struct Served {
    child: Child,
    base: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Served {
    /// Starts the binary on `pool`'s database, on a free port, with `env`.
    fn start(pool: &PgPool, env: &[(&str, &str)]) -> Self {
        let data_dir = std::env::temp_dir().join(format!("callscope-serve-{}", uuid::Uuid::new_v4()));
        let mut child = Command::new(BIN)
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(&data_dir)
            .arg("serve")
            .env("DATABASE_URL", database_url(pool))
            .env("CALLSCOPE_MASTER_KEY", MASTER_KEY)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn callscope serve");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let kept = stderr.clone();
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|line| kept.lock().expect("lock").push(line)));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let base = stdout
            .find_map(|line| Some(line.ok()?.split("listening on ").nth(1)?.split(' ').next()?.to_owned()))
            .unwrap_or_else(|| panic!("callscope did not start: {:#?}", stderr.lock().expect("lock")));
        // Keep reading, so that the server never blocks on a full pipe.
        std::thread::spawn(move || stdout.for_each(drop));
        Self { child, base, stderr }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn signal(&self, signal: Signal) {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).expect("a pid"));
        kill(pid, signal).expect("signal callscope");
    }

    /// Waits for the process to exit; true if it exited with 0.
    async fn exited_cleanly(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.success();
            }
            assert!(Instant::now() < deadline, "callscope still runs {within:?} after the signal");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn stderr(&self) -> Vec<String> {
        self.stderr.lock().expect("lock").clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn status_of(client: &reqwest::Client, url: &str) -> u16 {
    client.get(url).send().await.expect("GET").status().as_u16()
}

#[sqlx::test]
async fn sigterm_fails_readiness_first_then_finishes_the_request_in_flight(pool: PgPool) {
    let mut served = Served::start(&pool, &[("CALLSCOPE_DRAIN_DELAY_SECS", "2"), ("RUST_LOG", "warn")]);
    let client = reqwest::Client::new();
    assert_eq!(status_of(&client, &served.url("/readyz")).await, 200);

    // A sign-in whose body is only half sent when SIGTERM arrives.
    let (mut stream, rest) = crate::common::half_sent_sign_in(served.base.trim_start_matches("http://")).await;

    let signalled = Instant::now();
    served.signal(Signal::SIGTERM);
    let mut readiness = 200;
    while readiness == 200 && signalled.elapsed() < Duration::from_secs(1) {
        readiness = status_of(&client, &served.url("/readyz")).await;
    }
    assert_eq!(readiness, 503, "/readyz fails within a second of SIGTERM");
    let body: Value = client.get(served.url("/readyz")).send().await.expect("GET").json().await.expect("JSON");
    assert_eq!(body["notReady"], serde_json::json!(["draining"]), "{body}");
    assert_eq!(status_of(&client, &served.url("/healthz")).await, 200, "the process still serves during the delay");
    assert!(signalled.elapsed() < Duration::from_secs(2), "the checks above ran inside the drain delay");

    stream.write_all(rest.as_bytes()).await.expect("second half");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("response");
    assert!(response.starts_with("HTTP/1.1 303"), "the request in flight is answered: {response}");
    assert!(served.exited_cleanly(Duration::from_secs(15)).await, "exit status 0: {:#?}", served.stderr());
    assert!(signalled.elapsed() >= Duration::from_secs(2), "it served until the drain delay ended");
}

#[sqlx::test]
async fn json_logs_name_the_request_id_of_each_request(pool: PgPool) {
    let env =
        [("CALLSCOPE_LOG_FORMAT", "json"), ("RUST_LOG", "info,tower_http=debug"), ("CALLSCOPE_DRAIN_DELAY_SECS", "0")];
    let mut served = Served::start(&pool, &env);
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for path in ["/healthz", "/readyz", "/no/such/page"] {
        let response = client.get(served.url(path)).send().await.expect("GET");
        let id = response.headers().get("x-request-id").expect("x-request-id").to_str().expect("ASCII").to_owned();
        ids.push((path, id));
    }
    served.signal(Signal::SIGTERM);
    assert!(served.exited_cleanly(Duration::from_secs(15)).await);

    let lines = served.stderr();
    let logged: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}")))
        .collect();
    assert!(logged.iter().all(|line| line["level"].is_string() && line["fields"].is_object()), "{lines:#?}");
    let request_id_of = |line: &Value| {
        let spans = line["spans"].as_array().cloned().unwrap_or_default();
        spans.iter().find_map(|span| span["request_id"].as_str().map(str::to_owned))
    };
    for (path, id) in &ids {
        let of_request: Vec<&Value> = logged.iter().filter(|line| request_id_of(line).as_deref() == Some(id)).collect();
        assert!(!of_request.is_empty(), "{path}: no line names request {id}: {lines:#?}");
        for line in of_request {
            let span = &line["spans"][0];
            assert_eq!((span["method"].as_str(), span["path"].as_str()), (Some("GET"), Some(*path)), "{line}");
        }
    }
    assert!(logged.iter().any(|line| line["fields"]["message"] == "callscope is listening"), "{lines:#?}");
}
