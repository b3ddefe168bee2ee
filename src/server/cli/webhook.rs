//! `callscope app webhook …`: an app's webhooks and their delivery log.
//! The same code paths as the admin pages ([`crate::server::webhooks`]).

use std::process::ExitCode;

use anyhow::Context;
use secrecy::ExposeSecret;
use serde_json::json;
use sqlx::PgPool;

use super::report;
use crate::api::WebhookRow;
use crate::server::audit::Actor;
use crate::server::master_key::MasterKey;
use crate::server::webhooks::{self, Input};

/// `app webhook …`
#[derive(Debug, clap::Subcommand)]
pub enum WebhookCommand {
    /// Add a webhook; prints its id and signing secret (shown only now).
    Add {
        /// The appID.
        #[arg(long)]
        app: String,
        #[command(flatten)]
        settings: SettingArgs,
    },
    /// Change a webhook: only the settings given change.
    Update {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Which webhook (from `app webhook list`).
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        settings: SettingArgs,
        /// Let it fire again.
        #[arg(long, conflicts_with = "disabled")]
        enabled: bool,
    },
    /// Replace a webhook's signing secret at once; prints the new one.
    RotateSecret {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Which webhook.
        #[arg(long)]
        id: i64,
    },
    /// Remove a webhook and its delivery log.
    Remove {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Which webhook.
        #[arg(long)]
        id: i64,
    },
    /// List the app's webhooks (never their secrets).
    List {
        /// The appID.
        #[arg(long)]
        app: String,
    },
    /// A webhook's newest deliveries with every attempt.
    Deliveries {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Which webhook.
        #[arg(long)]
        id: i64,
    },
    /// Send a delivery's body again, as a new delivery.
    Replay {
        /// The appID.
        #[arg(long)]
        app: String,
        /// Which webhook.
        #[arg(long)]
        id: i64,
        /// Which delivery (from `app webhook deliveries`).
        #[arg(long)]
        delivery: i64,
    },
}

/// A webhook's settings as flags.
#[derive(Debug, clap::Args)]
pub struct SettingArgs {
    /// Where to POST notifications (http or https).
    #[arg(long)]
    url: Option<String>,
    /// A reason (failedConferences, dissatisfactoryUserFeedback, partiallyFailedConferences, droppedConferences,
    /// highSetupDelays, highRoundTripTime, or an issue kind such as videoFreezes); repeat for several.
    #[arg(long = "reason")]
    reasons: Vec<String>,
    /// interval (a share over a period) or individual (each one).
    #[arg(long = "trigger")]
    trigger_type: Option<String>,
    /// The share (0 to 1, e.g. 0.1) an interval must exceed.
    #[arg(long)]
    threshold: Option<f64>,
    /// An interval's period in minutes.
    #[arg(long)]
    period_minutes: Option<i32>,
    /// Keep it from firing.
    #[arg(long)]
    disabled: bool,
}

impl SettingArgs {
    /// These settings over `current` (a new webhook: interval, enabled).
    fn over(self, current: Option<&WebhookRow>) -> Input {
        let enabled = current.is_none_or(|webhook| webhook.enabled) && !self.disabled;
        Input {
            url: self.url.or_else(|| current.map(|webhook| webhook.url.clone())).unwrap_or_default(),
            reasons: if self.reasons.is_empty() {
                current.map(|webhook| webhook.reasons.clone()).unwrap_or_default()
            } else {
                self.reasons
            },
            trigger_type: self
                .trigger_type
                .or_else(|| current.map(|webhook| webhook.trigger_type.clone()))
                .unwrap_or_else(|| "interval".to_owned()),
            threshold: self.threshold.or(current.map(|webhook| webhook.threshold)),
            interval_seconds: self
                .period_minutes
                .map(|minutes| minutes.saturating_mul(60))
                .or(current.map(|webhook| webhook.interval_seconds)),
            enabled,
        }
    }
}

/// Runs a webhook command.
pub async fn run(
    command: WebhookCommand,
    pool: &PgPool,
    key: &MasterKey,
    targets: &webhooks::TargetPolicy,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let actor = &Actor::Cli;
    match command {
        WebhookCommand::Add { app, settings } => {
            let secret = webhooks::create(pool, actor, key, targets, &app, settings.over(None)).await?;
            report(
                json,
                &json!({ "appID": app, "webhookID": secret.webhook_id, "secret": secret.secret.expose_secret() }),
                &format!(
                    "added webhook {} to app {app}\nsigning secret: {}\nThe secret is shown only now; keep it safe.",
                    secret.webhook_id,
                    secret.secret.expose_secret()
                ),
            );
        }
        WebhookCommand::Update { app, id, settings, enabled } => {
            let current = webhooks::list(pool, &app).await?.into_iter().find(|webhook| webhook.id == id);
            let current = current.with_context(|| format!("app {app} has no webhook {id}"))?;
            let mut input = settings.over(Some(&current));
            input.enabled |= enabled;
            webhooks::update(pool, actor, targets, &app, id, input).await?;
            let updated = webhooks::detail(pool, &app, id).await?.webhook;
            report(json, &serde_json::to_value(&updated)?, &line(&updated));
        }
        WebhookCommand::RotateSecret { app, id } => {
            let secret = webhooks::rotate_secret(pool, actor, key, &app, id).await?;
            report(
                json,
                &serde_json::to_value(&secret)?,
                &format!("new signing secret for webhook {id}: {}", secret.secret.expose_secret()),
            );
        }
        WebhookCommand::Remove { app, id } => {
            webhooks::remove(pool, actor, &app, id).await.with_context(|| format!("app {app} has no webhook {id}"))?;
            report(json, &json!({ "appID": app, "webhookID": id, "removed": true }), &format!("removed webhook {id}"));
        }
        WebhookCommand::List { app } => {
            let list = webhooks::list(pool, &app).await?;
            let text = list.iter().map(line).collect::<Vec<_>>().join("\n");
            report(json, &serde_json::to_value(&list)?, &text);
        }
        WebhookCommand::Deliveries { app, id } => {
            let deliveries = webhooks::detail(pool, &app, id).await?.deliveries;
            let text = deliveries
                .iter()
                .map(|delivery| {
                    let last = delivery.attempts.last().map_or_else(String::new, |attempt| {
                        let status =
                            attempt.status_code.map_or_else(|| "no answer".to_owned(), |code| code.to_string());
                        format!("\tlast attempt: {status} in {} ms", attempt.latency_ms)
                    });
                    format!(
                        "{}\t{}\t{}\t{}\t{} attempts{last}",
                        delivery.id,
                        delivery.reason,
                        delivery.trigger_type,
                        delivery.status,
                        delivery.attempts.len()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            report(json, &serde_json::to_value(&deliveries)?, &text);
        }
        WebhookCommand::Replay { app, id, delivery } => {
            let replay = webhooks::replay(pool, actor, &app, id, delivery).await?;
            report(
                json,
                &json!({ "appID": app, "webhookID": id, "deliveryID": delivery, "replayID": replay }),
                &format!("delivery {delivery} will be sent again as delivery {replay}"),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One webhook on one line.
fn line(webhook: &WebhookRow) -> String {
    let trigger = if webhook.trigger_type == "interval" {
        format!("interval > {}% per {} min", webhook.threshold * 100.0, webhook.interval_seconds / 60)
    } else {
        "individual".to_owned()
    };
    let status = if webhook.enabled { "enabled" } else { "disabled" };
    format!(
        "{}\t{}\t{}\t{trigger}\t{status}\t…{}",
        webhook.id,
        webhook.url,
        webhook.reasons.join(","),
        webhook.secret_last4
    )
}
