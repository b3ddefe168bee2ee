//! `callscope user …`.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use secrecy::SecretString;
use sqlx::PgPool;

use super::report;
use crate::domain::{Email, Role};
use crate::server::accounts;
use crate::server::audit::Actor;

/// Dashboard user commands. Each change is recorded in the audit log.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from stdin (one line).
    Create {
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// support, engineer or admin.
        #[arg(long)]
        role: Role,
    },
    /// List every user.
    List,
    /// Give a user another role (the last active admin cannot be demoted).
    Role {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
        /// support, engineer or admin.
        #[arg(long)]
        role: Role,
    },
    /// Disable a user and end their sessions (not the last active admin).
    Disable {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
    },
    /// Let a disabled user sign in again.
    Enable {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
    },
    /// Set a new password, read from stdin (one line), and end the user's sessions.
    ResetPassword {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
    },
    /// Let a support or engineer user see an app's conferences (admins see every app).
    Grant {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
        /// The app's appID.
        #[arg(long)]
        app: String,
    },
    /// Stop a user seeing an app's conferences.
    Revoke {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
        /// The app's appID.
        #[arg(long)]
        app: String,
    },
}

/// Runs a user command as the CLI actor.
pub async fn run(command: UserCommand, pool: &PgPool, json: bool) -> anyhow::Result<ExitCode> {
    let actor = &Actor::Cli;
    match command {
        UserCommand::Create { email, role } => {
            let user = accounts::create(pool, actor, &Email::parse(&email)?, role, read_password()?).await?;
            report(json, &serde_json::to_value(&user)?, &format!("created {} ({})", user.email, user.role));
        }
        UserCommand::List => {
            let users = accounts::list(pool).await?;
            let text =
                users.iter().map(|u| format!("{}\t{}\t{}", u.id, u.role, u.email)).collect::<Vec<_>>().join("\n");
            report(json, &serde_json::to_value(&users)?, &text);
        }
        UserCommand::Role { email, role } => {
            let user = accounts::set_role(pool, actor, &Email::parse(&email)?, role).await?;
            report(json, &serde_json::to_value(&user)?, &format!("{} is now {}", user.email, user.role));
        }
        UserCommand::Disable { email } => {
            let user = accounts::set_disabled(pool, actor, &Email::parse(&email)?, true).await?;
            report(json, &serde_json::to_value(&user)?, &format!("disabled {}", user.email));
        }
        UserCommand::Enable { email } => {
            let user = accounts::set_disabled(pool, actor, &Email::parse(&email)?, false).await?;
            report(json, &serde_json::to_value(&user)?, &format!("enabled {}", user.email));
        }
        UserCommand::ResetPassword { email } => {
            let email = Email::parse(&email)?;
            accounts::reset_password(pool, actor, &email, read_password()?).await?;
            let value = serde_json::json!({ "email": email.as_str(), "passwordReset": true });
            report(json, &value, &format!("new password set for {email}; their sessions ended"));
        }
        UserCommand::Grant { email, app } => {
            let email = Email::parse(&email)?;
            accounts::set_grant(pool, actor, &email, &app, true).await?;
            let value = serde_json::json!({ "email": email.as_str(), "appID": app, "granted": true });
            report(json, &value, &format!("{email} may now see app {app}"));
        }
        UserCommand::Revoke { email, app } => {
            let email = Email::parse(&email)?;
            accounts::set_grant(pool, actor, &email, &app, false).await?;
            let value = serde_json::json!({ "email": email.as_str(), "appID": app, "granted": false });
            report(json, &value, &format!("{email} no longer sees app {app}"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line from stdin, without its line ending.
fn read_password() -> anyhow::Result<SecretString> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (input is shown; pipe it in to hide it): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading the password from stdin")?;
    let trimmed = line.trim_end_matches(['\n', '\r']);
    Ok(SecretString::from(trimmed.to_owned()))
}
