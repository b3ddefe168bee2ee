//! `callscope demo`: creates an app "Demo <time>", starts the real
//! application in-process on a free port, plays the demo conferences
//! against it over HTTP (as SDK clients would), stops it, and reports
//! what was created.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use serde_json::json;
use tokio::sync::oneshot;

use super::{open, report};
use crate::server::audit::Actor;
use crate::server::demo::{self, Collector, DEFAULT_SEED, Options, SHOWCASE_CONFERENCES};
use crate::server::master_key::MasterKey;
use crate::server::{Application, Config, Pages, apps};

/// Options of `callscope demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Conference instances to create; the first ones are a fixed showcase.
    #[arg(long, default_value_t = Options::default().conferences)]
    conferences: usize,
    /// Seeds every random choice: the same seed gives the same conferences.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

/// Runs the demo against a private, in-process server over `database_url`
/// (the whole application, `pages` included).
pub async fn run(
    args: DemoArgs,
    mut config: Config,
    database_url: &str,
    pages: Pages,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let pool = open(database_url).await?;
    let key = MasterKey::load(config.master_key.as_ref(), &config.data_dir)?;
    let name = format!("Demo {}", chrono::Utc::now().format("%Y-%m-%d %H:%M:%S"));
    let (app, secret) = apps::create(&pool, &Actor::Cli, &key, &name).await.context("creating the demo app")?;

    config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let server = Application::build(config, pool.clone(), pages).await?;
    let base = format!("http://{}", server.addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(server.run_until(async {
        // A dropped sender stops the server just as well.
        stopped.await.ok();
    }));

    let started = Instant::now();
    let options = Options { conferences: args.conferences, seed: args.seed, ..Options::default() };
    let played = match Collector::new(&base, &app.public_id, secret.secret) {
        Ok(collector) => demo::run(Arc::new(collector), &options).await,
        Err(error) => Err(error.into()),
    };
    let seconds = started.elapsed().as_secs_f64();
    drop(stop);
    serving.await.context("the demo server task panicked")??;
    pool.close().await;
    let summary = played.context("playing the demo conferences")?;

    let mut value = serde_json::to_value(&summary)?;
    value["appID"] = json!(app.public_id);
    value["name"] = json!(app.name);
    value["seed"] = json!(args.seed);
    value["seconds"] = json!((seconds * 10.0).round() / 10.0);
    let text = format!(
        "created app {:?} (appID {}) with {} conferences ({} conferenceIDs), {} endpoints and {} fabrics \
         in {} requests, {seconds:.1} s.\nThe first {SHOWCASE_CONFERENCES} are the showcase: search e.g. for \
         インターネット, conf-standup or the prefix sales-2026-11.",
        app.name,
        app.public_id,
        summary.conferences,
        summary.conference_ids,
        summary.endpoints,
        summary.fabrics,
        summary.requests,
    );
    report(json, &value, &text);
    Ok(ExitCode::SUCCESS)
}
