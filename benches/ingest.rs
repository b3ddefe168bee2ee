//! Ingestion benchmark: the real application in-process over real
//! PostgreSQL, driven over HTTP by the demo's collector client.
//!
//! N clients (default 64) authenticate and join conferences of four, then
//! 1. closed loop: each submits stats bodies (2 tracks + 1 candidate pair,
//!    each with its own Idempotency-Key) as fast as the server answers, for
//!    a fixed time after a warm-up: the maximum rate and its latencies;
//! 2. open loop: submissions are started on a fixed schedule (half that
//!    maximum unless `--rate` is given), whether or not earlier ones have
//!    been answered; latency counts from the scheduled start.
//!
//! Each run starts from empty tables: it creates a fresh database next to
//! DATABASE_URL's and drops it afterwards (`--in-place` uses DATABASE_URL's
//! own). It prints the CPU each party used, to show where the time goes,
//! and at the end what the stored samples cost on disk, per sample.
//!
//! `make bench-ingest` (DATABASE_URL, else a private cluster). Options:
//! `--clients`, `--duration`, `--warmup`, `--rate`, `--in-place`, or the
//! BENCH_* variables.

#[path = "shared/mod.rs"]
mod shared;
#[path = "shared/storage.rs"]
mod storage;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use callscope::server::demo::{Collector, Endpoint, Quality, StatsSeries, stats_body};
use callscope::server::master_key::MasterKey;
use callscope::server::{Application, apps, db, upkeep};
use clap::Parser;
use rand::SeedableRng;
use rand::rngs::StdRng;
use secrecy::SecretString;
use serde_json::{Value, json};
use shared::{config, redact};
use tokio::task::JoinSet;

/// Ingestion throughput and latency.
#[derive(Debug, Parser)]
struct Args {
    /// Concurrent clients (endpoints), in conferences of four.
    #[arg(long, env = "BENCH_CLIENTS", default_value_t = 64)]
    clients: usize,
    /// Seconds measured in each phase.
    #[arg(long, env = "BENCH_DURATION", default_value_t = 20)]
    duration: u64,
    /// Seconds of closed-loop warm-up, not measured.
    #[arg(long, env = "BENCH_WARMUP", default_value_t = 3)]
    warmup: u64,
    /// Submissions per second of the open-loop phase; default half the measured maximum.
    #[arg(long, env = "BENCH_RATE")]
    rate: Option<f64>,
    /// Run in DATABASE_URL's database itself (created if missing) instead of
    /// a fresh one created next to it and dropped afterwards.
    #[arg(long, env = "BENCH_IN_PLACE")]
    in_place: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// One endpoint sending stats on one fabric.
struct Client {
    endpoint: Endpoint,
    local_id: String,
    series: StatsSeries,
    rng: StdRng,
    started: Instant,
}

impl Client {
    /// The next stats body, stamped with the current time.
    fn next_body(&mut self) -> Value {
        let now_ms = chrono::Utc::now().timestamp_micros() as f64 / 1000.0;
        let stats = self.series.sample(self.started.elapsed().as_secs_f64(), now_ms, &mut self.rng);
        stats_body(&self.local_id, "bench-device", "pc-bench", "bench-remote", now_ms, stats)
    }
}

/// Latencies and failures of one phase.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

impl Tally {
    fn record(&mut self, outcome: Result<Duration, String>) {
        match outcome {
            Ok(latency) => self.latencies.push(latency),
            Err(error) => {
                self.errors += 1;
                self.first_error.get_or_insert(error);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn report(&mut self, cpu: &CpuUse) -> String {
        self.latencies.sort_unstable();
        let at = |q: f64| {
            let index = ((q * self.latencies.len() as f64).ceil() as usize).clamp(1, self.latencies.len().max(1)) - 1;
            self.latencies.get(index).map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
        };
        let mut text = format!(
            "latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} errors\n  {}",
            at(0.50),
            at(0.90),
            at(0.99),
            at(1.0),
            self.errors,
            cpu.report()
        );
        if let Some(error) = &self.first_error {
            text.push_str(&format!("\n  first error: {error}"));
        }
        text
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.clients > 0 && args.duration > 0, "--clients and --duration must be positive");
    callscope::server::telemetry::init();
    let given = std::env::var("DATABASE_URL").context("set DATABASE_URL (`make bench-ingest` does)")?;
    // Server and clients run on runtimes of their own, so that the CPU
    // time of each can be told apart by thread name.
    let runtime = |name: &str| tokio::runtime::Builder::new_multi_thread().thread_name(name).enable_all().build();
    let (server, clients) = (runtime(SERVER_THREADS)?, runtime(CLIENT_THREADS)?);
    let database = clients.block_on(Database::open(&given, args.in_place))?;
    let url = database.url.clone();
    let (app_id, secret) = clients.block_on(prepare(&url))?;
    let addr = server.block_on(async {
        let mut config = config(&url)?;
        // The benchmark measures the server's throughput, not one endpoint's quota.
        config.quota_samples_per_minute = 0;
        let server = Application::build(config, db::connect(&url).await?, callscope::pages()).await?;
        let addr = server.addr()?;
        tokio::spawn(server.run_until(std::future::pending()));
        anyhow::Ok(addr)
    })?;
    let collector = Collector::new(&format!("http://{addr}"), &app_id, secret)?;
    println!(
        "ingest benchmark: {} clients in {} conferences of 4 over {}, app {app_id}; stats of 2 tracks + 1 candidate \
         pair, each request with an Idempotency-Key",
        args.clients,
        args.clients.div_ceil(4),
        redact(&url),
    );
    let outcome = clients.block_on(drive(&args, Arc::new(collector), &database.name));
    let outcome = outcome.and_then(|()| clients.block_on(storage::report(&url)));
    server.shutdown_background();
    clients.block_on(database.close(&given))?;
    outcome
}

/// Names of the server's and the clients' runtime threads.
const SERVER_THREADS: &str = "bench-server";
const CLIENT_THREADS: &str = "bench-client";

/// Migrates the database and creates an app; returns the appID and its secret.
async fn prepare(url: &str) -> anyhow::Result<(String, SecretString)> {
    let pool = db::connect(url).await?;
    db::migrate(&pool).await?;
    upkeep::run_once(&pool).await?;
    let config = config(url)?;
    let key = MasterKey::load(config.master_key.as_ref(), &config.data_dir)?;
    let (app, secret) = apps::create(
        &pool,
        &callscope::server::audit::Actor::Cli,
        &key,
        &format!("Bench {}", chrono::Utc::now().to_rfc3339()),
    )
    .await?;
    pool.close().await;
    Ok((app.public_id, secret.secret))
}

/// Joins the clients, then runs the closed-loop and the open-loop phase.
async fn drive(args: &Args, collector: Arc<Collector>, database: &str) -> anyhow::Result<()> {
    let clients = join(&collector, args.clients).await?;
    let (measure, warmup) = (Duration::from_secs(args.duration), Duration::from_secs(args.warmup));
    let watch = CpuWatch::start(database, warmup);
    let (clients, mut tally) = closed_loop(&collector, clients, warmup, measure).await?;
    let cpu = watch.stop().await;
    let max_rate = tally.latencies.len() as f64 / measure.as_secs_f64();
    println!("closed loop, {} s after {} s warm-up: {max_rate:.0} submissions/s", args.duration, args.warmup);
    println!("  {}", tally.report(&cpu));

    let rate = args.rate.unwrap_or(max_rate / 2.0).max(1.0);
    let watch = CpuWatch::start(database, Duration::ZERO);
    let mut tally = open_loop(&collector, clients, rate, measure).await;
    let cpu = watch.stop().await;
    println!("open loop at {rate:.0} submissions/s for {} s: {} answered", args.duration, tally.latencies.len());
    println!("  {}", tally.report(&cpu));
    Ok(())
}

/// Authenticates and joins every client, four to a conference.
async fn join(collector: &Arc<Collector>, count: usize) -> anyhow::Result<Vec<Client>> {
    let run = chrono::Utc::now().timestamp();
    let mut tasks = JoinSet::new();
    for index in 0..count {
        let collector = collector.clone();
        tasks.spawn(async move {
            let local_id = format!("bench-user-{index}");
            let body = json!({
                "localID": local_id, "deviceID": "bench-device", "timestamp": chrono::Utc::now().timestamp_millis(),
                "endpointInfo": { "type": "browser", "name": "Chrome", "version": "131", "os": "Linux" },
            });
            let endpoint = collector.join(&local_id, &format!("bench-{run}-{}", index / 4), &body).await?;
            let mut rng = StdRng::seed_from_u64(index as u64);
            let series = StatsSeries::new(Quality::Fair, 600.0, 1000 + index as u32, 2000 + index as u32, &mut rng);
            anyhow::Ok(Client { endpoint, local_id, series, rng, started: Instant::now() })
        });
    }
    let mut clients = Vec::with_capacity(count);
    while let Some(client) = tasks.join_next().await {
        clients.push(client??);
    }
    Ok(clients)
}

/// Every client submits as fast as it is answered; only requests started
/// after the warm-up and answered before the end are counted.
async fn closed_loop(
    collector: &Arc<Collector>,
    clients: Vec<Client>,
    warmup: Duration,
    measure: Duration,
) -> anyhow::Result<(Vec<Client>, Tally)> {
    let from = Instant::now() + warmup;
    let until = from + measure;
    let mut tasks = JoinSet::new();
    for mut client in clients {
        let collector = collector.clone();
        tasks.spawn(async move {
            let mut tally = Tally::default();
            loop {
                let body = client.next_body();
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let outcome = collector.post(&client.endpoint, "stats", &body).await;
                if sent >= from && Instant::now() <= until {
                    tally.record(outcome.map(|_| sent.elapsed()).map_err(|error| error.to_string()));
                }
            }
            (client, tally)
        });
    }
    let mut total = Tally::default();
    let mut clients = Vec::new();
    while let Some(result) = tasks.join_next().await {
        let (client, tally) = result?;
        clients.push(client);
        total.merge(tally);
    }
    Ok((clients, total))
}

/// Starts one submission every 1/`rate` s, round-robin over the clients,
/// without waiting for answers; latency is measured from the scheduled start.
async fn open_loop(collector: &Arc<Collector>, mut clients: Vec<Client>, rate: f64, measure: Duration) -> Tally {
    let start = tokio::time::Instant::now();
    let total = (rate * measure.as_secs_f64()) as usize;
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    for index in 0..total {
        let scheduled = start + Duration::from_secs_f64(index as f64 / rate);
        tokio::time::sleep_until(scheduled).await;
        let count = clients.len();
        let client = &mut clients[index % count];
        let (body, endpoint) = (client.next_body(), client.endpoint.clone());
        let (collector, sender) = (collector.clone(), sender.clone());
        tokio::spawn(async move {
            let outcome = collector.post(&endpoint, "stats", &body).await;
            let latency = scheduled.elapsed();
            sender.send(outcome.map(|_| latency).map_err(|error| error.to_string())).ok();
        });
    }
    drop(sender);
    let mut tally = Tally::default();
    while let Some(outcome) = receiver.recv().await {
        tally.record(outcome);
    }
    tally
}

/// The database a run writes to.
struct Database {
    /// Its URL.
    url: String,
    /// Its name.
    name: String,
    /// Created for this run, dropped after it.
    fresh: bool,
}

impl Database {
    /// A fresh database next to `given`'s (which must exist), so every run
    /// starts from empty tables; with `in_place`, `given`'s own database,
    /// created when missing.
    async fn open(given: &str, in_place: bool) -> anyhow::Result<Self> {
        let url = url::Url::parse(given).context("DATABASE_URL is not a URL")?;
        let given_name = url.path().trim_start_matches('/').to_owned();
        anyhow::ensure!(!given_name.is_empty(), "DATABASE_URL must name a database");
        if in_place {
            let mut maintenance = url.clone();
            maintenance.set_path("/postgres");
            db::ensure_database(maintenance.as_str(), &given_name).await?;
            return Ok(Self { url: given.to_owned(), name: given_name, fresh: false });
        }
        let (url, name) = shared::fresh_database(given, &given_name[..given_name.len().min(40)]).await?;
        Ok(Self { url, name, fresh: true })
    }

    /// Drops a fresh database (connections still open are ended).
    async fn close(self, given: &str) -> anyhow::Result<()> {
        if self.fresh {
            shared::drop_database(given, &self.name).await?;
        }
        Ok(())
    }
}

/// CPU ticks, from /proc: of the server's and the clients' threads, of
/// the PostgreSQL backends serving the bench's database (by process
/// title), of the other PostgreSQL processes (WAL writer, checkpointer,
/// other databases) and of the whole machine.
struct Cpu {
    server: u64,
    clients: u64,
    backends: HashMap<u32, u64>,
    postgres: HashMap<u32, u64>,
    busy: u64,
    total: u64,
}

impl Cpu {
    fn now(database: &str) -> Option<Self> {
        let (mut backends, mut postgres) = (HashMap::new(), HashMap::new());
        for (pid, path) in numbered("/proc") {
            let title = std::fs::read_to_string(path.join("cmdline")).unwrap_or_default();
            if let (true, Some((_, ticks))) = (title.starts_with("postgres: "), ticks(&path.join("stat"))) {
                let ours = title.contains(&format!(" {database} "));
                if ours { &mut backends } else { &mut postgres }.insert(pid, ticks);
            }
        }
        let (mut server, mut clients) = (0, 0);
        for (_, path) in numbered("/proc/self/task") {
            match ticks(&path.join("stat")) {
                Some((name, ticks)) if name.starts_with(SERVER_THREADS) => server += ticks,
                Some((_, ticks)) => clients += ticks,
                None => {}
            }
        }
        let machine = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> =
            machine.lines().next()?.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        let idle = fields.get(3)? + fields.get(4)?;
        let total: u64 = fields.iter().take(8).sum();
        Some(Self { server, clients, backends, postgres, busy: total - idle, total })
    }
}

/// The numbered entries of a /proc directory (processes or threads).
fn numbered(dir: &str) -> impl Iterator<Item = (u32, std::path::PathBuf)> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path())))
}

/// The name and utime + stime of a process or thread, from its `stat` file.
fn ticks(stat: &std::path::Path) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(stat).ok()?;
    let (name, rest) = stat.split_once(" (")?.1.rsplit_once(')')?;
    // After the name: state is the 3rd field of the file, utime and stime the 14th and 15th.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some((name.to_owned(), fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?))
}

/// Ticks spent since `before` by the processes in `after`.
fn spent(before: &HashMap<u32, u64>, after: &HashMap<u32, u64>) -> u64 {
    after.iter().map(|(pid, ticks)| ticks.saturating_sub(before.get(pid).copied().unwrap_or(0))).sum()
}

/// Takes a CPU reading after a delay (the warm-up) and another at `stop`.
struct CpuWatch {
    database: String,
    first: tokio::task::JoinHandle<Option<Cpu>>,
}

impl CpuWatch {
    fn start(database: &str, delay: Duration) -> Self {
        let name = database.to_owned();
        let first = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            Cpu::now(&name)
        });
        Self { database: database.to_owned(), first }
    }

    async fn stop(self) -> CpuUse {
        let before = self.first.await.ok().flatten();
        let cores = std::thread::available_parallelism().map_or(1.0, |cores| cores.get() as f64);
        CpuUse(before.zip(Cpu::now(&self.database)).and_then(|(before, after)| {
            let total = after.total.checked_sub(before.total).filter(|total| *total > 0)? as f64;
            let share = |ticks: u64| ticks as f64 / total * cores;
            let server = share(after.server.saturating_sub(before.server));
            let clients = share(after.clients.saturating_sub(before.clients));
            let backends = share(spent(&before.backends, &after.backends));
            let postgres = share(spent(&before.postgres, &after.postgres));
            let busy = share(after.busy.saturating_sub(before.busy));
            let rest = (busy - server - clients - backends - postgres).max(0.0);
            Some([server, backends, postgres, clients, rest, cores])
        }))
    }
}

/// Cores used during a phase: the server, its PostgreSQL backends, other
/// PostgreSQL processes, the clients, everything else; and the machine's cores.
struct CpuUse(Option<[f64; 6]>);

impl CpuUse {
    fn report(&self) -> String {
        match self.0 {
            Some([server, backends, postgres, clients, rest, cores]) => format!(
                "CPU in cores (of {cores:.0}): server {server:.2}, its PostgreSQL backends {backends:.2}, \
                 other PostgreSQL processes {postgres:.2}, bench clients {clients:.2}, everything else {rest:.2}"
            ),
            None => "CPU not measured".to_owned(),
        }
    }
}
