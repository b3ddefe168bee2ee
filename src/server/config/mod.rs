//! Typed configuration: environment variables (or the matching flags) plus
//! the site options of `Leptos.toml`. Resolved once at start.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use ipnet::IpNet;
use leptos::config::LeptosOptions;
use secrecy::SecretString;

use super::telemetry::LogFormat;
use crate::domain::retention::Retention;

/// Settings shared by every subcommand. Each has an environment variable;
/// the README lists them all.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// PostgreSQL to use. Unset: start a private cluster in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,

    /// A streaming replica of `DATABASE_URL` for the dashboard's read-only
    /// pages (docs/operations.md). Unset: they read `DATABASE_URL` too.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true, global = true)]
    pub database_read_url: Option<String>,

    /// Where the private cluster and the generated master key live.
    #[arg(long, env = "CALLSCOPE_DATA_DIR", default_value = ".callscope", global = true)]
    pub data_dir: PathBuf,

    /// Directory holding `initdb` and `postgres`; found automatically when unset.
    #[arg(long, env = "CALLSCOPE_PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,

    /// Key (64 hex digits) that encrypts app secrets at rest. Unset: generated
    /// once and kept in the data directory.
    #[arg(long, env = "CALLSCOPE_MASTER_KEY", hide_env_values = true, global = true)]
    pub master_key: Option<String>,

    /// A Leptos site options file to read instead of the project's
    /// `Leptos.toml`, which is built into the binary.
    #[arg(long, env = "CALLSCOPE_LEPTOS_TOML", global = true)]
    pub leptos_toml: Option<PathBuf>,

    /// Address to listen on; defaults to `site-addr` in Leptos.toml.
    #[arg(long, env = "CALLSCOPE_ADDR", global = true)]
    pub addr: Option<SocketAddr>,

    /// The dashboard's address as its users reach it (e.g. behind a proxy),
    /// for links in webhook notifications. Unset: `http://` and the listen address.
    #[arg(long, env = "CALLSCOPE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "CALLSCOPE_REQUEST_TIMEOUT_SECS", default_value_t = 30, global = true)]
    pub request_timeout_secs: u64,

    /// Seconds between SIGTERM and closing the listener. `/readyz` answers
    /// 503 from the signal on, so load balancers stop sending requests
    /// before connections are refused.
    #[arg(long, env = "CALLSCOPE_DRAIN_DELAY_SECS", default_value_t = 5, global = true)]
    pub drain_delay_secs: u64,

    /// Log lines on stderr: `text` for people, or `json`, one object a line.
    #[arg(long, env = "CALLSCOPE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "CALLSCOPE_BODY_LIMIT_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub body_limit_bytes: usize,

    /// Mark the session cookie `Secure` (`true` or `false`). Unset: `Secure`
    /// exactly when the public URL is `https://`.
    #[arg(long, env = "CALLSCOPE_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,

    /// Hours a dashboard session stays valid without use.
    #[arg(long, env = "CALLSCOPE_SESSION_HOURS", default_value_t = 12, global = true)]
    pub session_hours: u32,

    /// Hours after sign-in a session ends even if it is used all along.
    #[arg(long, env = "CALLSCOPE_SESSION_MAX_HOURS", default_value_t = 7 * 24, global = true)]
    pub session_max_hours: u32,

    /// Peers whose `X-Forwarded-For` is believed: IP addresses or CIDR
    /// networks, comma-separated (e.g. `127.0.0.1,10.0.0.0/8`). Default: none.
    #[arg(long, env = "CALLSCOPE_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network, global = true)]
    pub trusted_proxies: Vec<IpNet>,

    /// Password hashes computed at once (each argon2id hash takes ~19 MiB).
    /// Unset: the number of CPUs.
    #[arg(long, env = "CALLSCOPE_HASH_CONCURRENCY", global = true)]
    pub hash_concurrency: Option<usize>,

    /// Minutes over which failed sign-ins are counted (at most 1440).
    #[arg(long, env = "CALLSCOPE_LOGIN_WINDOW_MINUTES", default_value_t = 15, global = true)]
    pub login_window_minutes: u32,

    /// Failed sign-ins for one account (any case of the e-mail) within the
    /// window before further attempts are delayed.
    #[arg(long, env = "CALLSCOPE_LOGIN_FAILURES_PER_ACCOUNT", default_value_t = 20, global = true)]
    pub login_failures_per_account: u32,

    /// Failed sign-ins from one client address within the window before
    /// further attempts from it are delayed.
    #[arg(long, env = "CALLSCOPE_LOGIN_FAILURES_PER_ADDRESS", default_value_t = 100, global = true)]
    pub login_failures_per_address: u32,

    /// First delay, in seconds, once a limit is reached; it doubles with
    /// every further failure, up to the window.
    #[arg(long, env = "CALLSCOPE_LOGIN_DELAY_SECS", default_value_t = 60, global = true)]
    pub login_delay_secs: u32,

    /// `/authenticate` requests per minute from one client address (per process).
    #[arg(long, env = "CALLSCOPE_AUTHENTICATE_PER_ADDRESS_PER_MINUTE", default_value_t = 600, global = true)]
    pub authenticate_per_address_per_minute: u32,

    /// `/authenticate` requests per minute for one appID (per process).
    #[arg(long, env = "CALLSCOPE_AUTHENTICATE_PER_APP_PER_MINUTE", default_value_t = 6000, global = true)]
    pub authenticate_per_app_per_minute: u32,
    /// Milliseconds one dashboard query may run before PostgreSQL cancels it
    /// (`statement_timeout` of the dashboard's connections; the page then
    /// answers 503). Collector writes are not affected. 0 turns it off.
    #[arg(long, env = "CALLSCOPE_DASHBOARD_STATEMENT_TIMEOUT_MS", default_value_t = 10_000, global = true)]
    pub dashboard_statement_timeout_ms: u64,
    /// Networks webhooks may be delivered to although they are loopback,
    /// private, link-local, ULA or CGNAT: comma-separated CIDRs or single
    /// addresses (e.g. `10.1.0.0/16,fd12::/64`). Metadata addresses stay refused.
    #[arg(long, env = "CALLSCOPE_WEBHOOK_ALLOW_NETWORKS", value_delimiter = ',', value_parser = parse_network, global = true)]
    pub webhook_allow_networks: Vec<IpNet>,

    /// Stats objects (samples) one endpoint may send per minute, per
    /// process; 0 for no quota, else at least 2000 (one full submission).
    #[arg(long, env = "CALLSCOPE_QUOTA_SAMPLES_PER_MINUTE", default_value_t = 30_000, global = true)]
    pub quota_samples_per_minute: u32,

    /// Error reports one endpoint may send per minute, per process; 0 for no quota.
    #[arg(long, env = "CALLSCOPE_QUOTA_ERRORS_PER_MINUTE", default_value_t = 60, global = true)]
    pub quota_errors_per_minute: u32,

    /// Other events one endpoint may send per minute, per process; 0 for no quota.
    #[arg(long, env = "CALLSCOPE_QUOTA_EVENTS_PER_MINUTE", default_value_t = 600, global = true)]
    pub quota_events_per_minute: u32,

    /// Days raw stats samples are kept, unless an app says otherwise (1–3650,
    /// at most the detail's days).
    #[arg(long, env = "CALLSCOPE_STATS_RETENTION_DAYS", default_value_t = Retention::default().stats_days, global = true)]
    pub stats_retention_days: u32,

    /// Days a conference's detail (events, errors and logs, SDPs, ICE, SSRC
    /// maps) is kept after it ended, unless an app says otherwise.
    #[arg(long, env = "CALLSCOPE_DETAIL_RETENTION_DAYS", default_value_t = Retention::default().detail_days, global = true)]
    pub detail_retention_days: u32,

    /// Days finished webhook deliveries and their attempts are kept, unless
    /// an app says otherwise.
    #[arg(long, env = "CALLSCOPE_WEBHOOK_RETENTION_DAYS", default_value_t = Retention::default().webhook_days, global = true)]
    pub webhook_retention_days: u32,

    /// Days the audit log is kept (1–36500).
    #[arg(long, env = "CALLSCOPE_AUDIT_RETENTION_DAYS", default_value_t = 730, global = true)]
    pub audit_retention_days: u32,

    /// Address of a listener of its own serving Prometheus metrics at
    /// `/metrics` (e.g. `127.0.0.1:9464`). Unset: see the token.
    #[arg(long, env = "CALLSCOPE_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Bearer token (at least 16 characters) `/metrics` requires. Set without
    /// the address: `/metrics` is served on the main listener. Neither set: off.
    #[arg(long, env = "CALLSCOPE_METRICS_TOKEN", hide_env_values = true, global = true)]
    pub metrics_token: Option<String>,
}

/// A network in CIDR notation, or one address (a /32 or /128).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither a network like 10.0.0.0/8 nor an address"))
}

impl ConfigArgs {
    /// The settings as the binary resolves them from `args` (flags after the
    /// program name) and the environment; tests and benchmarks start here so
    /// that a new setting needs no edit beyond this file.
    pub fn parse_from<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::Parser;

        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            args: ConfigArgs,
        }
        let program = std::iter::once(std::ffi::OsString::from("callscope"));
        Only::try_parse_from(program.chain(args.into_iter().map(Into::into))).map(|only| only.args)
    }
}

/// Where the store lives.
#[derive(Debug, Clone)]
pub enum DatabaseSource {
    /// A server given by `DATABASE_URL`.
    Url(SecretString),
    /// The private cluster in the data directory.
    Embedded,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the store lives.
    pub database: DatabaseSource,
    /// A read replica of the store for the dashboard's read-only pages, if any.
    pub read_database_url: Option<SecretString>,
    /// Data directory (private cluster, master key).
    pub data_dir: PathBuf,
    /// Directory with the PostgreSQL server binaries, if given.
    pub pg_bin: Option<PathBuf>,
    /// The master key as configured; `None` means "use the one in the data directory".
    pub master_key: Option<SecretString>,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Leptos site options (site root, pkg dir, output name).
    pub leptos: LeptosOptions,
    /// The dashboard's address as its users reach it, without a trailing `/`.
    pub public_url: String,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// How long a stopping process keeps serving after failing `/readyz`.
    pub drain_delay: Duration,
    /// Largest accepted request body.
    pub body_limit_bytes: usize,
    /// Whether cookies carry `Secure`.
    pub secure_cookies: bool,
    /// Session lifetime without use.
    pub session_ttl: Duration,
    /// Session lifetime from sign-in, however much it is used.
    pub session_max_age: Duration,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Password hashes computed at once.
    pub hash_concurrency: usize,
    /// How sign-in failures are throttled.
    pub login_throttle: LoginThrottle,
    /// `/authenticate` requests per minute from one client address.
    pub authenticate_per_address_per_minute: NonZeroU32,
    /// `/authenticate` requests per minute for one appID.
    pub authenticate_per_app_per_minute: NonZeroU32,
    /// How long one dashboard query may run (`statement_timeout`); zero: no limit.
    pub dashboard_statement_timeout: Duration,
    /// Networks webhooks may reach although they are private (see `webhooks::target`).
    pub webhook_allow_networks: Vec<IpNet>,
    /// Stats samples per endpoint and minute (0: no quota; see `collector::quota`).
    pub quota_samples_per_minute: u32,
    /// Error reports per endpoint and minute (0: no quota).
    pub quota_errors_per_minute: u32,
    /// Other events per endpoint and minute (0: no quota).
    pub quota_events_per_minute: u32,
    /// How long apps' data is kept unless they say otherwise.
    pub retention: Retention,
    /// Days the audit log is kept.
    pub audit_retention_days: u32,
    /// Where `/metrics` has a listener of its own, if anywhere (`server::metrics`).
    pub metrics_addr: Option<SocketAddr>,
    /// The bearer token `/metrics` requires, if any.
    pub metrics_token: Option<SecretString>,
}

/// The sign-in throttle's settings.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// How far back failures count.
    pub window: Duration,
    /// Failures for one account before delays start.
    pub per_account: u32,
    /// Failures from one address before delays start.
    pub per_address: u32,
    /// The first delay; it doubles with each further failure.
    pub delay: Duration,
}

/// The project's site options, so that the binary runs from any directory
/// (`LEPTOS_*` variables still override each).
const LEPTOS_TOML: &str = include_str!("../../../Leptos.toml");

impl Config {
    /// Resolves the arguments and reads the Leptos site options.
    pub fn load(args: &ConfigArgs) -> anyhow::Result<Self> {
        let mut leptos = match &args.leptos_toml {
            Some(path) => {
                let path = path.to_str().context("the Leptos.toml path is not UTF-8")?;
                leptos::config::get_configuration(Some(path))
                    .with_context(|| format!("reading site options from {path}"))?
                    .leptos_options
            }
            None => leptos::config::get_config_from_str(LEPTOS_TOML).context("reading the built-in Leptos.toml")?,
        };
        if let Some(addr) = args.addr {
            leptos.site_addr = addr;
        }
        let public_url = match &args.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => format!("http://{}", leptos.site_addr),
        };
        Ok(Config {
            database: match &args.database_url {
                Some(url) if !url.is_empty() => DatabaseSource::Url(SecretString::from(url.clone())),
                _ => DatabaseSource::Embedded,
            },
            read_database_url: read_database_url(args)?,
            data_dir: args.data_dir.clone(),
            pg_bin: args.pg_bin.clone(),
            master_key: args.master_key.clone().map(SecretString::from),
            addr: leptos.site_addr,
            secure_cookies: args.secure_cookies.unwrap_or_else(|| public_url.starts_with("https://")),
            public_url,
            leptos,
            request_timeout: Duration::from_secs(args.request_timeout_secs),
            drain_delay: Duration::from_secs(args.drain_delay_secs),
            body_limit_bytes: args.body_limit_bytes,
            session_ttl: Duration::from_secs(u64::from(args.session_hours) * 3600),
            session_max_age: Duration::from_secs(u64::from(args.session_max_hours) * 3600),
            trusted_proxies: args.trusted_proxies.iter().map(IpNet::trunc).collect(),
            hash_concurrency: match args.hash_concurrency {
                Some(0) => bail!("CALLSCOPE_HASH_CONCURRENCY must be at least 1"),
                Some(n) => n,
                None => std::thread::available_parallelism().map_or(1, usize::from),
            },
            login_throttle: LoginThrottle {
                window: match args.login_window_minutes {
                    minutes @ 1..=1440 => Duration::from_secs(u64::from(minutes) * 60),
                    _ => bail!("CALLSCOPE_LOGIN_WINDOW_MINUTES must be 1 to 1440"),
                },
                per_account: args.login_failures_per_account,
                per_address: args.login_failures_per_address,
                delay: Duration::from_secs(u64::from(args.login_delay_secs)),
            },
            authenticate_per_address_per_minute: NonZeroU32::new(args.authenticate_per_address_per_minute)
                .context("CALLSCOPE_AUTHENTICATE_PER_ADDRESS_PER_MINUTE must be at least 1")?,
            authenticate_per_app_per_minute: NonZeroU32::new(args.authenticate_per_app_per_minute)
                .context("CALLSCOPE_AUTHENTICATE_PER_APP_PER_MINUTE must be at least 1")?,
            dashboard_statement_timeout: Duration::from_millis(args.dashboard_statement_timeout_ms),
            webhook_allow_networks: args.webhook_allow_networks.iter().map(IpNet::trunc).collect(),
            quota_samples_per_minute: args.quota_samples_per_minute,
            quota_errors_per_minute: args.quota_errors_per_minute,
            quota_events_per_minute: args.quota_events_per_minute,
            retention: Retention {
                stats_days: args.stats_retention_days,
                detail_days: args.detail_retention_days,
                webhook_days: args.webhook_retention_days,
            }
            .validate()
            .map_err(|error| anyhow::anyhow!("retention settings (CALLSCOPE_*_RETENTION_DAYS): {error}"))?,
            audit_retention_days: match args.audit_retention_days {
                days @ 1..=36_500 => days,
                _ => bail!("CALLSCOPE_AUDIT_RETENTION_DAYS must be 1 to 36500"),
            },
            metrics_addr: args.metrics_addr,
            metrics_token: match &args.metrics_token {
                Some(token) if token.chars().count() < 16 => {
                    bail!("CALLSCOPE_METRICS_TOKEN must be at least 16 characters")
                }
                token => token.clone().map(SecretString::from),
            },
        })
    }
}

/// `DATABASE_READ_URL`, which only means something beside a `DATABASE_URL`:
/// the private cluster has no replicas.
fn read_database_url(args: &ConfigArgs) -> anyhow::Result<Option<SecretString>> {
    let given = |url: &Option<String>| url.as_ref().is_some_and(|url| !url.is_empty());
    match (given(&args.database_read_url), given(&args.database_url)) {
        (true, true) => Ok(args.database_read_url.clone().map(SecretString::from)),
        (true, false) => bail!("DATABASE_READ_URL is set but DATABASE_URL is not; a read replica needs its primary"),
        (false, _) => Ok(None),
    }
}

#[cfg(test)]
mod tests;
