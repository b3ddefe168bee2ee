//! `callscope db exec -- CMD…`: runs a command with `DATABASE_URL` set to
//! the store, e.g. the test suite against the private cluster.

use std::process::ExitCode;

use anyhow::Context;

/// Database commands.
#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Run CMD with DATABASE_URL pointing at the store (the private cluster
    /// is started for the command's duration when it is not running).
    Exec {
        /// The command and its arguments.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
}

/// Runs a database command, passing on the child's exit status.
pub async fn run(command: DbCommand, database_url: &str) -> anyhow::Result<ExitCode> {
    let DbCommand::Exec { command } = command;
    let (program, args) = command.split_first().context("no command given")?;
    let status = tokio::process::Command::new(program)
        .args(args)
        .env("DATABASE_URL", database_url)
        .status()
        .await
        .with_context(|| format!("running {program}"))?;
    Ok(status.code().and_then(|code| u8::try_from(code).ok()).map_or(ExitCode::FAILURE, ExitCode::from))
}
