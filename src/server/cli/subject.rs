//! `callscope subject …`: what is stored about one person of an app, and
//! erasing them (docs/privacy.md). The same code paths as the admin page
//! ([`crate::server::subject`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;
use sqlx::PgPool;

use super::report;
use crate::domain::subject::SubjectKey;
use crate::server::audit::Actor;
use crate::server::subject;

/// Commands about one person.
#[derive(Debug, clap::Subcommand)]
pub enum SubjectCommand {
    /// Write everything stored about the person as JSON (stdout, or --output).
    Export {
        #[command(flatten)]
        who: Who,
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Erase the person: their userIDs become pseudonyms, their names,
    /// logins, addresses, device labels and comments are removed everywhere.
    Erase {
        #[command(flatten)]
        who: Who,
        /// Really erase; without it, only says whom the erase would concern.
        #[arg(long)]
        yes: bool,
    },
}

/// The app and one identifier of the person.
#[derive(Debug, clap::Args)]
pub struct Who {
    /// The appID.
    #[arg(long)]
    app: String,
    #[command(flatten)]
    identifier: Identifier,
}

/// Exactly one identifier of the person.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct Identifier {
    /// Their userID, exactly as the app sends it.
    #[arg(long)]
    user_id: Option<String>,
    /// Their real name (userName), exactly as sent.
    #[arg(long)]
    user_name: Option<String>,
    /// Their login (loginID), exactly as sent.
    #[arg(long)]
    login_id: Option<String>,
}

impl Who {
    fn key(&self) -> anyhow::Result<SubjectKey> {
        let Identifier { user_id, user_name, login_id } = &self.identifier;
        let (by, value) = match (user_id, user_name, login_id) {
            (Some(id), _, _) => ("userID", id),
            (_, Some(name), _) => ("userName", name),
            (_, _, Some(login)) => ("loginID", login),
            _ => anyhow::bail!("give --user-id, --user-name or --login-id"),
        };
        Ok(SubjectKey::parse(by, value)?)
    }
}

/// Runs a subject command as the CLI.
pub async fn run(command: SubjectCommand, pool: &PgPool, json: bool) -> anyhow::Result<ExitCode> {
    let actor = &Actor::Cli;
    match command {
        SubjectCommand::Export { who, output } => {
            let document = subject::export(pool, actor, &who.app, &who.key()?).await?;
            match output {
                Some(path) => {
                    let text = serde_json::to_string_pretty(&document)? + "\n";
                    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
                    report(json, &json!({ "written": path }), &format!("wrote {}", path.display()));
                }
                // --json: one line, as every command answers; else indented for people.
                None if json => println!("{document}"),
                None => println!("{}", serde_json::to_string_pretty(&document)?),
            }
        }
        SubjectCommand::Erase { who, yes: false } => {
            let found = subject::find(pool, &who.app, Some(&who.key()?)).await?;
            let conferences: i64 = found.people.iter().map(|person| person.conferences).sum();
            let ids: Vec<&str> = found.people.iter().map(|person| person.user_id.as_str()).collect();
            let value = json!({
                "userIDs": ids.len(), "people": ids, "conferences": conferences, "erased": false,
            });
            let text = format!(
                "would erase userID(s) {} in {conferences} conference(s); run again with --yes to erase",
                ids.join(", ")
            );
            report(json, &value, &text);
            if found.people.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        SubjectCommand::Erase { who, yes: true } => {
            let erased = subject::erase(pool, actor, &who.app, &who.key()?).await?;
            let text = format!(
                "erased {} userID(s): {} endpoint(s) in {} conference(s)",
                erased.user_ids, erased.endpoints, erased.conferences
            );
            let mut value = serde_json::to_value(&erased)?;
            value["erased"] = json!(true);
            report(json, &value, &text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
