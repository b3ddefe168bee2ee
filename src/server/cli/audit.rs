//! `callscope audit …`: reading the audit log of admin actions.

use std::process::ExitCode;

use sqlx::PgPool;

use super::report;
use crate::api::AuditRow;
use crate::server::apps;
use crate::server::db::audit::{self, AuditFilter};

/// Audit log commands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Admin actions and views of real names, newest first.
    List {
        /// Only this app (appID).
        #[arg(long)]
        app: Option<String>,
        /// Only this actor: an email, or `cli@<host>`.
        #[arg(long)]
        actor: Option<String>,
        /// Only actions starting with this, e.g. `app.secret` or `user.`.
        #[arg(long)]
        action: Option<String>,
        /// At most this many records.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

/// Runs an audit command.
pub async fn run(command: AuditCommand, pool: &PgPool, json: bool) -> anyhow::Result<ExitCode> {
    let AuditCommand::List { app, actor, action, limit } = command;
    let app_id = match &app {
        Some(public_id) => Some(apps::find(pool, public_id).await?.id),
        None => None,
    };
    let filter = AuditFilter {
        app_id,
        actor: actor.as_deref(),
        action_prefix: action.as_deref(),
        before: None,
        limit: limit.clamp(1, 10_000),
    };
    // As the admin page reads them (`appID`, camelCase).
    let rows: Vec<AuditRow> = audit::list(pool, &filter).await?.into_iter().map(AuditRow::from).collect();
    let text = rows
        .iter()
        .map(|row| {
            let target =
                [row.target_type.as_deref(), row.target_id.as_deref()].into_iter().flatten().collect::<Vec<_>>();
            format!(
                "{}\t{}\t{}\t{}",
                row.occurred_at.format("%Y-%m-%d %H:%M:%S"),
                row.actor_label,
                row.action,
                target.join(" ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    report(json, &serde_json::to_value(&rows)?, &text);
    Ok(ExitCode::SUCCESS)
}
