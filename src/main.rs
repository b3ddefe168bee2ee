//! The `callscope` binary: server and command line in one.

use std::process::ExitCode;

use callscope::server::{cli, telemetry};
use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    telemetry::init_with(cli.log_format());
    match cli::run(cli, callscope::pages()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
