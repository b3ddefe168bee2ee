//! `callscope app …`: apps, their secrets, whitelisted origins, keys and webhooks.
//! The same code paths as the admin pages ([`crate::server::apps`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use secrecy::ExposeSecret;
use serde_json::json;
use sqlx::PgPool;

use super::report;
use super::webhook::WebhookCommand;
use crate::domain::retention::Retention;
use crate::server::apps;
use crate::server::audit::Actor;
use crate::server::master_key::MasterKey;
use crate::server::webhooks::TargetPolicy;

/// App commands.
#[derive(Debug, clap::Subcommand)]
pub enum AppCommand {
    /// Create an app; prints its appID and first secret (shown only now).
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
    },
    /// List every app.
    List,
    /// Rename an app.
    Rename {
        /// The appID.
        #[arg(long)]
        app: String,
        /// The new display name.
        #[arg(long)]
        name: String,
    },
    /// Disable an app: its access tokens stop and no new ones are made.
    Disable {
        /// The appID.
        #[arg(long)]
        app: String,
    },
    /// Enable a disabled app again.
    Enable {
        /// The appID.
        #[arg(long)]
        app: String,
    },
    /// Show, or set, how long the app's data is kept in days; `default`
    /// goes back to the configured default.
    Retention {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Raw stats samples (at most the detail's days).
        #[arg(long, value_parser = days)]
        stats_days: Option<Days>,
        /// A conference's detail (events, errors and logs, SDPs, ICE, SSRC
        /// maps), from its end.
        #[arg(long, value_parser = days)]
        detail_days: Option<Days>,
        /// Finished webhook deliveries and their attempts.
        #[arg(long, value_parser = days)]
        webhook_days: Option<Days>,
    },
    /// App secrets (HS256 client tokens).
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Whitelisted origins.
    #[command(subcommand)]
    Origin(OriginCommand),
    /// ES256 public keys for third-party JWTs.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Webhook notifications.
    #[command(subcommand)]
    Webhook(WebhookCommand),
}

/// A retention setting given on the command line: days, or `default`.
#[derive(Debug, Clone, Copy)]
pub struct Days(Option<u32>);

fn days(text: &str) -> Result<Days, String> {
    match text {
        "default" => Ok(Days(None)),
        _ => text.parse().map(|days| Days(Some(days))).map_err(|_| format!("{text:?} is neither days nor `default`")),
    }
}

/// `app secret …`
#[derive(Debug, clap::Subcommand)]
pub enum SecretCommand {
    /// Add a new secret (shown only now); the old one keeps working until revoked.
    Rotate {
        /// The appID.
        #[arg(long)]
        app: String,
        /// A label to tell secrets apart.
        #[arg(long, default_value = "rotated secret")]
        label: String,
    },
    /// Revoke a secret at once.
    Revoke {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Which secret (from `app secret list`).
        #[arg(long)]
        secret_id: i64,
    },
    /// List the app's secrets (never their values).
    List {
        /// The appID.
        #[arg(long)]
        app: String,
    },
}

/// `app origin …`
#[derive(Debug, clap::Subcommand)]
pub enum OriginCommand {
    /// Whitelist an origin (scheme://host[:port]).
    Add {
        /// The appID.
        #[arg(long)]
        app: String,
        /// The origin.
        origin: String,
    },
    /// Remove an origin from the whitelist.
    Remove {
        /// The appID.
        #[arg(long)]
        app: String,
        /// The origin.
        origin: String,
    },
    /// List the whitelisted origins.
    List {
        /// The appID.
        #[arg(long)]
        app: String,
    },
}

/// `app key …`
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Add an EC P-256 public key (PEM) under a keyID.
    Add {
        /// The appID.
        #[arg(long)]
        app: String,
        /// The keyID claim that names this key.
        #[arg(long)]
        key_id: String,
        /// File holding the public key PEM.
        #[arg(long)]
        pem: PathBuf,
    },
    /// Revoke a key at once.
    Revoke {
        /// The appID.
        #[arg(long)]
        app: String,
        /// The keyID.
        #[arg(long)]
        key_id: String,
    },
    /// List the app's public keys with their fingerprints.
    List {
        /// The appID.
        #[arg(long)]
        app: String,
    },
}

/// Runs an app command; webhooks may reach only what `targets` allows.
pub async fn run(
    command: AppCommand,
    pool: &PgPool,
    key: &MasterKey,
    targets: &TargetPolicy,
    defaults: Retention,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let actor = &Actor::Cli;
    match command {
        AppCommand::Create { name } => {
            let (app, secret) = apps::create(pool, actor, key, &name).await?;
            report(
                json,
                &json!({ "appID": app.public_id, "name": app.name, "secretID": secret.secret_id, "secret": secret.secret.expose_secret() }),
                &format!(
                    "created app {} ({})\nappID:  {}\nsecret: {}\nThe secret is shown only now; keep it safe.",
                    app.name,
                    app.public_id,
                    app.public_id,
                    secret.secret.expose_secret()
                ),
            );
        }
        AppCommand::List => {
            let apps = crate::server::db::apps::list(pool).await?;
            let value =
                apps.iter().map(|app| json!({ "appID": app.public_id, "name": app.name, "disabled": app.disabled }));
            let text = apps.iter().map(|app| format!("{}\t{}", app.public_id, app.name)).collect::<Vec<_>>().join("\n");
            report(json, &value.collect(), &text);
        }
        AppCommand::Rename { app, name } => {
            let app = apps::rename(pool, actor, &app, &name).await?;
            report(json, &json!({ "appID": app.public_id, "name": app.name }), &format!("renamed to {}", app.name));
        }
        AppCommand::Retention { app, stats_days, detail_days, webhook_days } => {
            let (mut set, _) = apps::retention::get(pool, &app, defaults).await?;
            if stats_days.is_some() || detail_days.is_some() || webhook_days.is_some() {
                for (setting, given) in [
                    (&mut set.stats_days, stats_days),
                    (&mut set.detail_days, detail_days),
                    (&mut set.webhook_days, webhook_days),
                ] {
                    if let Some(Days(days)) = given {
                        *setting = days;
                    }
                }
                apps::retention::set(pool, actor, &app, set, defaults).await?;
            }
            let applied = defaults.with(set);
            let line = |what: &str, days: u32, own: Option<u32>| {
                format!("{what}: {days} days{}", if own.is_some() { "" } else { " (default)" })
            };
            let text = [
                line("stats samples", applied.stats_days, set.stats_days),
                line("conference detail", applied.detail_days, set.detail_days),
                line("webhook deliveries", applied.webhook_days, set.webhook_days),
            ]
            .join("\n");
            report(json, &json!({ "appID": app, "set": set, "applied": applied }), &text);
        }
        AppCommand::Disable { app } => {
            let app = apps::set_disabled(pool, actor, &app, true).await?;
            report(
                json,
                &json!({ "appID": app.public_id, "disabled": true }),
                &format!("disabled app {}", app.public_id),
            );
        }
        AppCommand::Enable { app } => {
            let app = apps::set_disabled(pool, actor, &app, false).await?;
            report(
                json,
                &json!({ "appID": app.public_id, "disabled": false }),
                &format!("enabled app {}", app.public_id),
            );
        }
        AppCommand::Secret(SecretCommand::Rotate { app, label }) => {
            let secret = apps::rotate_secret(pool, actor, key, &app, &label).await?;
            report(
                json,
                &serde_json::to_value(&secret)?,
                &format!(
                    "new secret {} for app {app}: {}\nRevoke the old one once every client uses this.",
                    secret.secret_id,
                    secret.secret.expose_secret()
                ),
            );
        }
        AppCommand::Secret(SecretCommand::Revoke { app, secret_id }) => {
            apps::revoke_secret(pool, actor, &app, secret_id)
                .await
                .with_context(|| format!("no active secret {secret_id} in app {app}"))?;
            report(
                json,
                &json!({ "appID": app, "secretID": secret_id, "revoked": true }),
                &format!("revoked secret {secret_id}"),
            );
        }
        AppCommand::Secret(SecretCommand::List { app }) => {
            let secrets = apps::secrets(pool, &app).await?;
            let text = secrets
                .iter()
                .map(|s| {
                    format!(
                        "{}\t…{}\t{}\t{}",
                        s.id,
                        s.last4,
                        s.label,
                        if s.revoked_at.is_some() { "revoked" } else { "active" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            report(json, &serde_json::to_value(&secrets)?, &text);
        }
        AppCommand::Origin(OriginCommand::Add { app, origin }) => {
            let origin = apps::add_origin(pool, actor, &app, &origin).await?;
            report(json, &json!({ "appID": app, "origin": origin }), &format!("whitelisted {origin}"));
        }
        AppCommand::Origin(OriginCommand::Remove { app, origin }) => {
            let origin = apps::remove_origin(pool, actor, &app, &origin)
                .await
                .with_context(|| format!("{origin} is not whitelisted"))?;
            report(json, &json!({ "appID": app, "origin": origin, "removed": true }), &format!("removed {origin}"));
        }
        AppCommand::Origin(OriginCommand::List { app }) => {
            let origins = apps::detail(pool, &app, defaults).await?.origins;
            let text = origins.iter().map(|o| o.origin.as_str()).collect::<Vec<_>>().join("\n");
            report(json, &serde_json::to_value(&origins)?, &text);
        }
        AppCommand::Key(KeyCommand::List { app }) => {
            let keys = apps::detail(pool, &app, defaults).await?.keys;
            let text = keys
                .iter()
                .map(|k| {
                    let status = if k.revoked_at.is_some() { "revoked" } else { "active" };
                    format!("{}\tsha256 {}\t{status}", k.key_id, k.fingerprint)
                })
                .collect::<Vec<_>>()
                .join("\n");
            report(json, &serde_json::to_value(&keys)?, &text);
        }
        AppCommand::Key(KeyCommand::Add { app, key_id, pem }) => {
            let pem = std::fs::read_to_string(&pem).with_context(|| format!("reading {}", pem.display()))?;
            let fingerprint = apps::add_key(pool, actor, &app, &key_id, &pem).await?;
            report(
                json,
                &json!({ "appID": app, "keyID": key_id, "fingerprint": fingerprint }),
                &format!("added key {key_id:?} (sha256 {fingerprint})"),
            );
        }
        AppCommand::Webhook(command) => return super::webhook::run(command, pool, key, targets, json).await,
        AppCommand::Key(KeyCommand::Revoke { app, key_id }) => {
            apps::revoke_key(pool, actor, &app, &key_id).await.with_context(|| format!("no active key {key_id:?}"))?;
            report(
                json,
                &json!({ "appID": app, "keyID": key_id, "revoked": true }),
                &format!("revoked key {key_id:?}"),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
