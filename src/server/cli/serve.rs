//! `callscope serve`.

use std::process::ExitCode;

use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};

use super::open;
use crate::domain::{Email, Role};
use crate::server::auth::password;
use crate::server::{Application, Config, Pages, db, lifecycle, retention, sealed, upkeep, webhooks};

/// Email of the admin created on the first start.
const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// Migrates, creates the first admin on an empty store, serves `pages`, the
/// SDK and the collector until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn run(config: Config, database_url: &str, pages: Pages) -> anyhow::Result<ExitCode> {
    let pool = open(database_url).await?;
    create_first_admin(&pool).await?;
    let upkeep = upkeep::start(pool.clone()).await?;
    let lifecycle = lifecycle::start(pool.clone());
    let policy = retention::Policy { defaults: config.retention, audit_days: config.audit_retention_days };
    let retention = retention::start(pool.clone(), policy);
    let app = Application::build(config, pool.clone(), pages).await?;
    let state = app.state();
    sealed::upgrade(&pool, &state.master_key).await?;
    let targets = webhooks::TargetPolicy::new(&state.config.webhook_allow_networks);
    let webhooks = webhooks::start(pool.clone(), state.master_key.clone(), &state.config.public_url, targets)?;
    let addr = app.addr()?;
    tracing::info!(%addr, "callscope is listening");
    println!("callscope is listening on http://{addr} (sign in at http://{addr}/login)");
    app.run().await?;
    upkeep.abort();
    lifecycle.abort();
    retention.abort();
    webhooks.abort();
    pool.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// On a store without users, creates an admin with a random password and
/// prints it, once. Serialised by a lock so two instances starting
/// together create one admin.
async fn create_first_admin(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    db::lock_first_start(&mut *tx).await?;
    if db::users::any_exist(&mut *tx).await? {
        return Ok(());
    }
    let secret: String = rand::rng().sample_iter(Alphanumeric).take(20).map(char::from).collect();
    let secret = SecretString::from(secret);
    let hash = password::hash(secret.clone()).await?;
    let email = Email::parse(FIRST_ADMIN_EMAIL)?;
    db::users::create(&mut *tx, &email, Role::Admin, &hash).await?;
    tx.commit().await?;
    // Printed once, to the operator's terminal; never logged.
    println!();
    println!("  First start: created an admin user. Sign in with");
    println!("    email:    {email}");
    println!("    password: {}", secret.expose_secret());
    println!("  This password is not shown again.");
    println!();
    Ok(())
}
