//! "Never 5xx": generated requests to every collector route, over real HTTP
//! against real PostgreSQL, each answered below 500 on a connection that
//! stays usable.
//!
//! Settings (environment):
//! - `CALLSCOPE_FUZZ_CASES`: how many requests (default 3000; `make fuzz`
//!   sends 100,000);
//! - `CALLSCOPE_FUZZ_SEED`: the seed (default 16). Case `n` is generated
//!   from the seed and `n` alone, so a run replays with the same seed;
//!   failures that depend on earlier requests (a summary over stored
//!   samples) replay with the same seed and count;
//! - `CALLSCOPE_FUZZ_CONCURRENCY`: requests in flight (default 4).
//!
//! A failure lists each distinct class (route, mutation, outcome) once,
//! with its count and one example request.

mod hostile;
mod keep_alive;
mod mutate;
mod requests;
mod seeds;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::Value;
use sqlx::PgPool;

use super::{Collector, Joined};
use requests::{Context, Plan};
use seeds::Target;

#[sqlx::test]
async fn no_generated_request_to_any_collector_route_gets_a_5xx(pool: PgPool) {
    let settings = Settings::from_env();
    // Without quotas every generated body reaches its handler (quotas have
    // tests of their own in collector::quota).
    let mut config = crate::common::test_config();
    (config.quota_samples_per_minute, config.quota_errors_per_minute, config.quota_events_per_minute) = (0, 0, 0);
    let collector = Collector::spawn_with(config, pool).await;
    assert_every_route_is_fuzzed(&collector).await;
    // Conferences of one endpoint end at its user/left (which summarises
    // what was stored); "fuzz-3" has two, so it also sees endpoints come and go.
    let mut endpoints = Vec::new();
    for (conf, user) in [("fuzz-1", "alice"), ("fuzz-2", "bob"), ("fuzz-3", "carol"), ("fuzz-3", "dave")] {
        endpoints.push(collector.join(conf, user).await);
    }
    let context = Arc::new(Context {
        base: collector.server.base.clone(),
        app_id: collector.app_id.clone(),
        secret: collector.secret.clone(),
        endpoints,
    });
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
    for target in Target::all() {
        let plan = context.valid(target);
        let outcome = send(&client, &plan).await;
        assert_eq!(outcome, Ok(200), "the seed of {} must be accepted: {}", target.name(), describe(&plan));
    }

    let started = Instant::now();
    let tally = run(&settings, context, client).await;
    let elapsed = started.elapsed();
    let tally = tally.lock().expect("tally");
    let statuses: Vec<String> = tally.statuses.iter().map(|(status, count)| format!("{status}: {count}")).collect();
    eprintln!(
        "fuzz: {} requests in {elapsed:.1?} (seed {}, concurrency {}); statuses {}",
        settings.cases,
        settings.seed,
        settings.concurrency,
        statuses.join(", ")
    );
    tally.assert_no_failures(&settings);
    let accepted = tally.statuses.get(&200).copied().unwrap_or_default();
    assert!(
        accepted * 20 >= settings.cases,
        "only {accepted} of {} generated requests were accepted: the seeds no longer reach the handlers",
        settings.cases
    );
}

/// The routes of `/v1/openapi.json` are exactly the fuzzed ones, so a new
/// route cannot go unfuzzed.
async fn assert_every_route_is_fuzzed(collector: &Collector) {
    let response = collector.server.client.get(collector.server.url("/v1/openapi.json")).send().await.expect("GET");
    let document: Value = response.json().await.expect("json");
    let documented: BTreeSet<String> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(_, operations)| operations.get("post").is_some())
        .map(|(path, _)| path.clone())
        .collect();
    let fuzzed: BTreeSet<String> = Target::all().into_iter().map(Target::openapi_path).collect();
    assert_eq!(documented, fuzzed, "every POST route of the OpenAPI document has a seed body here");
}

#[derive(Clone, Copy)]
struct Settings {
    cases: usize,
    seed: u64,
    concurrency: usize,
}

impl Settings {
    fn from_env() -> Self {
        let read = |name: &str, default: u64| {
            std::env::var(name).map_or(default, |value| value.parse().unwrap_or_else(|_| panic!("{name}={value:?}")))
        };
        Self {
            cases: usize::try_from(read("CALLSCOPE_FUZZ_CASES", 3000)).expect("cases"),
            seed: read("CALLSCOPE_FUZZ_SEED", 16),
            concurrency: usize::try_from(read("CALLSCOPE_FUZZ_CONCURRENCY", 4)).expect("concurrency").max(1),
        }
    }

    /// The seed of case `index`: independent of which worker sends it.
    fn case_seed(&self, index: usize) -> u64 {
        self.seed ^ (index as u64).wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

/// Sends `settings.cases` generated requests, `settings.concurrency` at a time.
async fn run(settings: &Settings, context: Arc<Context>, client: reqwest::Client) -> Arc<Mutex<Tally>> {
    let next = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let targets = Target::all();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..settings.concurrency {
        let (next, tally, context, client, targets) =
            (next.clone(), tally.clone(), context.clone(), client.clone(), targets.clone());
        let settings = *settings;
        workers.spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= settings.cases {
                    break;
                }
                if index > 0 && index % 10_000 == 0 {
                    eprintln!("fuzz: {index} of {} sent", settings.cases);
                }
                let mut rng = StdRng::seed_from_u64(settings.case_seed(index));
                let target = *targets.choose(&mut rng).expect("targets");
                let (target, plan, outcome) = if let Target::Endpoint(LEFT) = target {
                    stats_then_left(&client, &context, &mut rng, index).await
                } else {
                    let plan = context.plan(&mut rng, target);
                    let outcome = send(&client, &plan).await;
                    (target, plan, outcome)
                };
                tally.lock().expect("tally").record(index, target, &plan, outcome);
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined.expect("worker");
    }
    tally
}

const LEFT: &str = "events/user/left";

/// A conference's end summarises what it stored, but an endpoint leaves
/// and an instance ends only once. So user/left cases join a new
/// conference, send it a mutated stats poll (twice), and leave: the outcome is the
/// worse of the poll's and the left's, labelled with the poll's mutation.
async fn stats_then_left(
    client: &reqwest::Client,
    context: &Context,
    rng: &mut StdRng,
    index: usize,
) -> (Target, Plan, Result<u16, String>) {
    let target = Target::Endpoint("stats → user/left");
    let some = &context.endpoints[index % context.endpoints.len()];
    let mut endpoint = Joined {
        token: some.token.clone(),
        conf: format!("fuzz-left-{index}"),
        uc_id: String::new(),
        user: some.user.clone(),
    };
    let join = context.valid_for(Target::Join, &endpoint);
    let joined = joined_uc_id(client, &join).await;
    let Ok(uc_id) = joined else { return (target, join, joined.map(|_| 200)) };
    endpoint.uc_id = uc_id;
    let stats = context.plan_for(rng, Target::Endpoint("stats"), &endpoint);
    // Twice: an average over two samples at the float limit overflows.
    for _ in 0..2 {
        let polled = send(client, &stats).await;
        if !matches!(polled, Ok(status) if status < 500) {
            return (target, stats, polled);
        }
    }
    let left = send(client, &context.valid_for(Target::Endpoint(LEFT), &endpoint)).await;
    (target, stats, left)
}

/// The ucID a valid user joined request gets.
async fn joined_uc_id(client: &reqwest::Client, join: &Plan) -> Result<String, String> {
    let mut request = client.post(&join.url).body(join.body.clone()).header("content-type", "application/json");
    if let Some(token) = &join.bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|error| format!("no answer: {error:#}"))?;
    let answer: Value = response.json().await.map_err(|error| format!("join: {error:#}"))?;
    answer["ucID"].as_str().map(str::to_owned).ok_or_else(|| format!("join refused: {answer}"))
}

/// The status, or why no answer came (the connection broke, a timeout).
async fn send(client: &reqwest::Client, plan: &Plan) -> Result<u16, String> {
    let mut request = client.post(&plan.url).body(plan.body.clone());
    if let Some(token) = &plan.bearer {
        request = request.bearer_auth(token);
    }
    if let Some(content_type) = plan.content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(key) = &plan.idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.map_err(|error| format!("no answer: {error:#}"))?;
    let status = response.status().as_u16();
    // Read the whole answer, so that the connection can be reused.
    response.bytes().await.map_err(|error| format!("answer {status} cut short: {error:#}"))?;
    Ok(status)
}

/// A request as text to replay it: URL, headers and (the start of) the body.
fn describe(plan: &Plan) -> String {
    const SHOWN: usize = 600;
    let body = String::from_utf8_lossy(&plan.body[..plan.body.len().min(SHOWN)]).into_owned();
    let more = if plan.body.len() > SHOWN { format!("… ({} bytes in all)", plan.body.len()) } else { String::new() };
    let bearer = if plan.bearer.is_some() { " bearer" } else { "" };
    let key = plan.idempotency_key.as_deref().map(|key| format!(" idempotency-key {key}")).unwrap_or_default();
    format!("POST {} [{:?}{bearer}{key}] {body:?}{more}", plan.url, plan.content_type)
}

/// Statuses seen, and the failures grouped by class.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, usize>,
    failed: usize,
    /// class → (count, first case, example)
    classes: BTreeMap<String, (usize, usize, String)>,
}

impl Tally {
    fn record(&mut self, index: usize, target: Target, plan: &Plan, outcome: Result<u16, String>) {
        let failure = match outcome {
            Ok(status) => {
                *self.statuses.entry(status).or_default() += 1;
                if status < 500 {
                    return;
                }
                status.to_string()
            }
            Err(error) => error,
        };
        self.failed += 1;
        let mutation = if plan.labels.is_empty() { "valid body".to_owned() } else { plan.labels.join(" + ") };
        let class = format!("{} | {mutation} | {}", target.name(), first_line(&failure));
        let entry = self.classes.entry(class).or_insert_with(|| (0, index, describe(plan)));
        entry.0 += 1;
    }

    /// Panics with a summary by kind of mutation and the commonest classes;
    /// every class, each with an example, goes to a file named there.
    fn assert_no_failures(&self, settings: &Settings) {
        if self.failed == 0 {
            return;
        }
        let mut classes: Vec<_> = self.classes.iter().collect();
        classes.sort_by_key(|(class, (count, _, _))| (class.contains(" + "), std::cmp::Reverse(*count)));
        // "stats | $.remoteID: string nul inside | 500" is of kind "string nul inside | 500".
        let mut kinds = BTreeMap::<String, usize>::new();
        for (class, (count, _, _)) in &classes {
            let mut parts = class.splitn(3, " | ");
            let (mutation, outcome) = (parts.nth(1).unwrap_or_default(), parts.next().unwrap_or_default());
            let kind = mutation.rsplit(": ").next().unwrap_or_default();
            *kinds.entry(format!("{kind} | {outcome}")).or_default() += *count;
        }
        let mut kinds: Vec<_> = kinds.into_iter().collect();
        kinds.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
        let mut all = String::new();
        for (class, (count, index, example)) in &classes {
            all.push_str(&format!("\n× {count:>5}  {class}\n         case {index}: {example}\n"));
        }
        let file = std::env::temp_dir().join(format!("callscope-fuzz-{}-{}.txt", settings.seed, settings.cases));
        let written = std::fs::write(&file, &all).map_or_else(|error| format!("not written: {error}"), |()| "".into());
        let mut report = format!(
            "{} of {} requests got a 5xx or no answer, in {} classes (route | mutation | outcome); \
             every class with an example: {}{written}. Replay: CALLSCOPE_FUZZ_SEED={} CALLSCOPE_FUZZ_CASES={}\n\n\
             By kind of mutation (single and combined):\n",
            self.failed,
            settings.cases,
            classes.len(),
            file.display(),
            settings.seed,
            settings.cases
        );
        for (kind, count) in kinds.iter().take(60) {
            report.push_str(&format!("  {count:>6}  {kind}\n"));
        }
        const LISTED: usize = 60;
        report.push_str(&format!("\nThe {LISTED} commonest classes:\n"));
        for (class, (count, index, example)) in classes.iter().take(LISTED) {
            report.push_str(&format!("\n× {count:>5}  {class}\n         case {index}: {example}\n"));
        }
        panic!("{report}");
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(160).collect()
}
