//! `callscope user …`.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use secrecy::SecretString;
use sqlx::PgPool;

use super::report;
use crate::domain::{Email, Role};
use crate::server::auth::password;
use crate::server::db;

/// Dashboard user commands.
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
    /// Let a support or engineer user see an app's conferences (admins see every app).
    Grant {
        /// The user's sign-in address.
        #[arg(long)]
        email: String,
        /// The app's appID.
        #[arg(long)]
        app: String,
    },
}

/// Runs a user command.
pub async fn run(command: UserCommand, pool: &PgPool, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Create { email, role } => {
            let email = Email::parse(&email)?;
            let secret = read_password()?;
            password::validate(&secret)?;
            let hash = password::hash(secret).await?;
            let user = db::users::create(pool, &email, role, &hash).await?;
            report(json, &serde_json::to_value(&user)?, &format!("created {} ({})", user.email, user.role));
        }
        UserCommand::List => {
            let users = db::users::list(pool).await?;
            let text =
                users.iter().map(|u| format!("{}\t{}\t{}", u.id, u.role, u.email)).collect::<Vec<_>>().join("\n");
            report(json, &serde_json::to_value(&users)?, &text);
        }
        UserCommand::Grant { email, app } => {
            let email = Email::parse(&email)?;
            db::users::grant_app(pool, &email, &app).await?;
            let value = serde_json::json!({ "email": email.as_str(), "appID": app });
            report(json, &value, &format!("{email} may now see app {app}"));
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
