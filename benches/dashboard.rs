//! Dashboard page timings over many conferences: the real application
//! in-process over real PostgreSQL, read over HTTP by a signed-in admin.
//!
//! A fresh database (next to DATABASE_URL's, dropped afterwards unless
//! `--keep`) gets `--conferences` summarised instances of one app, written
//! in SQL (`load.rs`), and one hour-long conference played over HTTP with
//! `callscope demo`'s scenario, whose busiest fabric is charted. Then, each
//! `--samples` times one after the other after a warm-up, it times:
//! exact-ID search as a page, through its server function and as the
//! report alone; the fabric and the conference page and their reports; and
//! two floors (`/healthz`, and the session lookup of `get_current_user`);
//! and what a hostile client can store (`hostile.rs`): a fabric flooded with
//! `--flood-samples` samples, alone and with four viewers at once, and a
//! conference with `--large-errors` errors carrying `--sdp-kb` KB SDPs.
//! Last, the plans (`explain analyze`) of each kind of search.
//!
//! `make bench-dashboard` (DATABASE_URL, else a private cluster). Options:
//! `--conferences`, `--samples`, `--warmup`, `--keep`, `--reuse <database>`,
//! `--flood-samples`, `--large-errors`, `--sdp-kb`, or the BENCH_* variables.
//! `--conferences 1000` measures the hostile cases without the long load.

// Crate roots look for modules beside themselves; these live in dashboard/.
#[path = "dashboard/hostile.rs"]
mod hostile;
#[path = "dashboard/load.rs"]
mod load;
#[path = "dashboard/measure.rs"]
mod measure;
#[path = "dashboard/plans.rs"]
mod plans;
#[path = "dashboard/probes.rs"]
mod probes;
#[path = "shared/mod.rs"]
mod shared;
#[path = "dashboard/year.rs"]
mod year;

use anyhow::Context;
use callscope::api::CurrentUser;
use callscope::domain::{Email, Role};
use callscope::server::auth::password;
use callscope::server::master_key::MasterKey;
use callscope::server::{Application, Config, apps, db};
use clap::Parser;
use secrecy::SecretString;
use sqlx::PgPool;

use probes::Probes;
use shared::{config, redact};

/// Dashboard page timings.
#[derive(Debug, Parser)]
struct Args {
    /// Conference instances to load.
    #[arg(long, env = "BENCH_CONFERENCES", default_value_t = 1_000_000)]
    conferences: i64,
    /// Measured requests per probe.
    #[arg(long, env = "BENCH_SAMPLES", default_value_t = 500)]
    samples: usize,
    /// Unmeasured requests per probe before those.
    #[arg(long, env = "BENCH_WARMUP", default_value_t = 50)]
    warmup: usize,
    /// Keep the database afterwards (its name is printed) for `--reuse`.
    #[arg(long)]
    keep: bool,
    /// Measure over this database, loaded by an earlier `--keep` run
    /// (next to DATABASE_URL's), instead of loading a fresh one; kept.
    #[arg(long)]
    reuse: Option<String>,
    /// Stats samples a hostile client stored for one fabric.
    #[arg(long, env = "BENCH_FLOOD_SAMPLES", default_value_t = 400_000)]
    flood_samples: i64,
    /// Errors with large SDPs reported in one conference.
    #[arg(long, env = "BENCH_LARGE_ERRORS", default_value_t = 60)]
    large_errors: i64,
    /// Size of each of an error's two SDPs, in KB.
    #[arg(long, env = "BENCH_SDP_KB", default_value_t = 256)]
    sdp_kb: i64,
    /// Conferences of the year the overview and feedback page read: the
    /// loaded ones, rolled up, and generated day rollups for the rest.
    #[arg(long, env = "BENCH_YEAR_CONFERENCES", default_value_t = 10_000_000)]
    year_conferences: i64,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// The password of the benchmark's admin (a throwaway database).
const PASSWORD: &str = "bench-dashboard-password";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.conferences > 0 && args.samples > 0, "--conferences and --samples must be positive");
    callscope::server::telemetry::init();
    let given = std::env::var("DATABASE_URL").context("set DATABASE_URL (`make bench-dashboard` does)")?;
    let (url, name) = database(&given, args.reuse.as_deref()).await?;
    let outcome = run(&args, &url, &name).await;
    if args.keep || args.reuse.is_some() {
        println!("kept database {name}: rerun with --reuse {name}");
    } else {
        shared::drop_database(&given, &name).await?;
    }
    outcome
}

/// Loads (unless reused), starts the server, signs in and measures.
async fn run(args: &Args, url: &str, database: &str) -> anyhow::Result<()> {
    let pool = db::connect(url).await?;
    db::migrate(&pool).await?;
    let config = config(url)?;
    let key = MasterKey::load(config.master_key.as_ref(), &config.data_dir)?;
    let base = serve(config, db::connect(url).await?).await?;

    let fabric = if args.reuse.is_some() {
        load::demo_fabric(&mut *pool.acquire().await?).await?
    } else {
        let (app, secret) = apps::create(&pool, &callscope::server::audit::Actor::Cli, &key, "Dashboard bench").await?;
        println!("loading {} conference instances of app {} into {}", args.conferences, app.public_id, redact(url));
        load::conferences(url, app.id, args.conferences).await?;
        load::hour_long_call(url, &base, &app.public_id, secret.secret).await?
    };
    let app_ids: Vec<i64> = sqlx::query_scalar("select id from apps").fetch_all(&pool).await?;
    let app_id = *app_ids.first().context("no app")?;
    let year = if args.reuse.is_some() {
        chrono::Utc::now().date_naive() - chrono::Days::new(year::DAYS - 1)
    } else {
        year::load(&pool, app_id, args.year_conferences).await?
    };
    // The day rows' conferences; the overview also counts those they do
    // not hold yet (the played and hostile ones), from their rows.
    let year_conferences: i64 = sqlx::query_scalar(
        "select coalesce(sum((tallies ->> 'conferences')::bigint), 0)::bigint from daily_conferences where day >= $1",
    )
    .bind(year)
    .fetch_one(&pool)
    .await?;
    let hostile =
        hostile::load(&mut *pool.acquire().await?, fabric, args.flood_samples, args.large_errors, args.sdp_kb).await?;
    let (admin, client) = sign_in(&pool, &base).await?;
    let instances: i64 = sqlx::query_scalar("select count(*) from conference_instances").fetch_one(&pool).await?;
    let ids = load::random_ids(&mut *pool.acquire().await?, app_id, args.warmup + args.samples).await?;
    println!(
        "\nmeasuring over {instances} conference instances: {} sequential calls per line after {} unmeasured; \
         fabric {} of conference {} ({} stats rows)\n",
        args.samples, args.warmup, fabric.fabric, fabric.conference, fabric.samples,
    );
    let probes = Probes {
        database,
        base: &base,
        client: &client,
        pool: &pool,
        admin: &admin,
        ids: &ids,
        fabric,
        hostile,
        year,
        year_conferences,
    };
    let timings = probes.all(args.warmup, args.samples).await?;
    println!("{}", measure::table(&timings));
    let sample = plans::Sample::of(&pool, ids[0].1).await?;
    println!("plans of each kind of search, for {:?} (user {:?}):\n", sample.conference_id, sample.user_id);
    println!("{}", plans::all(&pool, &app_ids, &sample).await?);
    Ok(())
}

/// Starts the application on a free port; its base URL.
async fn serve(config: Config, pool: PgPool) -> anyhow::Result<String> {
    let server = Application::build(config, pool, callscope::pages()).await?;
    let base = format!("http://{}", server.addr()?);
    tokio::spawn(server.run_until(std::future::pending()));
    Ok(base)
}

/// A fresh database next to `given`'s, or the one to reuse: its URL and name.
async fn database(given: &str, reuse: Option<&str>) -> anyhow::Result<(String, String)> {
    match reuse {
        Some(name) => Ok((shared::database_url(given, name)?, name.to_owned())),
        None => shared::fresh_database(given, "callscope_bench_dashboard").await,
    }
}

/// Creates an admin and signs in over HTTP (`POST /login`); the client
/// keeps the session cookie.
async fn sign_in(pool: &PgPool, base: &str) -> anyhow::Result<(CurrentUser, reqwest::Client)> {
    let email = format!("bench-{}@example.com", chrono::Utc::now().timestamp_micros());
    let hash = password::hash(SecretString::from(PASSWORD.to_owned())).await?;
    let user = db::users::create(pool, &Email::parse(&email)?, Role::Admin, &hash).await?;
    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let response = client
        .post(format!("{base}/login"))
        .form(&[("email", email.as_str()), ("password", PASSWORD), ("next", "")])
        .send()
        .await?;
    let location = response.headers().get("location").and_then(|value| value.to_str().ok()).unwrap_or_default();
    anyhow::ensure!(response.status() == 303 && location == "/search", "sign-in refused: {}", response.status());
    Ok((CurrentUser { id: user.id, email, role: Role::Admin }, client))
}
