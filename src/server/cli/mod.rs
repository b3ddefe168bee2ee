//! The command line: `serve`, `migrate`, `user …`, `db exec`. Every command
//! runs on the same code paths as the server.

mod app;
mod audit;
mod db_exec;
mod demo;
mod serve;
mod subject;
mod user;
mod webhook;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use sqlx::PgPool;

use super::config::{ConfigArgs, DatabaseSource};
use super::embedded_pg::{self, EmbeddedPostgres};
use super::master_key::MasterKey;
use super::telemetry::LogFormat;
use super::webhooks::TargetPolicy;
use super::{Config, Pages, db};

/// callscope: self-hosted WebRTC call-quality monitoring.
#[derive(Debug, Parser)]
#[command(name = "callscope", version, about)]
pub struct Cli {
    #[command(flatten)]
    config: ConfigArgs,

    /// Print results as JSON on stdout.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the SDK, the collector and the dashboard (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage apps, their secrets, origins and keys.
    #[command(subcommand)]
    App(app::AppCommand),
    /// Manage dashboard users.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Read the audit log of admin actions.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// What is stored about one person of an app: export it, or erase them.
    #[command(subcommand)]
    Subject(subject::SubjectCommand),
    /// Database utilities.
    #[command(subcommand)]
    Db(db_exec::DbCommand),
    /// Fill the store with realistic demo conferences, sent through the collector over HTTP.
    Demo(demo::DemoArgs),
}

impl Cli {
    /// How log lines are written (`CALLSCOPE_LOG_FORMAT`); read before
    /// anything else runs, so that every line has the same format.
    pub fn log_format(&self) -> LogFormat {
        self.config.log_format
    }
}

/// Runs the command line; a server it starts serves `pages`. The private
/// cluster, when used, is started on this (the main) thread before the
/// async runtime and stopped after it.
pub fn run(cli: Cli, pages: Pages) -> anyhow::Result<ExitCode> {
    let config = Config::load(&cli.config)?;
    let cluster = match config.database {
        DatabaseSource::Url(_) => None,
        DatabaseSource::Embedded => Some(EmbeddedPostgres::start(&config.data_dir, config.pg_bin.as_deref())?),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(async {
        let database_url = database_url(&config, cluster.as_ref()).await?;
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve::run(config, &database_url, pages).await,
            Command::Migrate => {
                let pool = open(&database_url).await?;
                db::migrate(&pool).await?;
                report(cli.json, &serde_json::json!({ "migrated": true }), "migrations applied");
                Ok(ExitCode::SUCCESS)
            }
            Command::App(command) => {
                let key = MasterKey::load(config.master_key.as_ref(), &config.data_dir)?;
                let targets = TargetPolicy::new(&config.webhook_allow_networks);
                app::run(command, &open(&database_url).await?, &key, &targets, config.retention, cli.json).await
            }
            Command::User(command) => user::run(command, &open(&database_url).await?, cli.json).await,
            Command::Audit(command) => audit::run(command, &open(&database_url).await?, cli.json).await,
            Command::Subject(command) => subject::run(command, &open(&database_url).await?, cli.json).await,
            Command::Db(command) => db_exec::run(command, &database_url).await,
            Command::Demo(args) => demo::run(args, config, &database_url, pages, cli.json).await,
        }
    });
    // Close every connection before the cluster stops.
    drop(runtime);
    drop(cluster);
    result
}

/// The URL of the store, creating callscope's database in a private cluster.
async fn database_url(config: &Config, cluster: Option<&EmbeddedPostgres>) -> anyhow::Result<String> {
    match (&config.database, cluster) {
        (DatabaseSource::Url(url), _) => Ok(url.expose_secret().to_owned()),
        (DatabaseSource::Embedded, Some(cluster)) => {
            db::ensure_database(&cluster.url("postgres"), embedded_pg::DATABASE).await?;
            Ok(cluster.url(embedded_pg::DATABASE))
        }
        (DatabaseSource::Embedded, None) => anyhow::bail!("the private cluster was not started"),
    }
}

/// A pool on a migrated store.
async fn open(database_url: &str) -> anyhow::Result<PgPool> {
    let pool = db::connect(database_url).await?;
    db::migrate(&pool).await.context("the database schema is not current")?;
    Ok(pool)
}

/// Prints a command's result: `value` as JSON, or `text` for people.
fn report(json: bool, value: &serde_json::Value, text: &str) {
    if json {
        println!("{value}");
    } else {
        println!("{text}");
    }
}
