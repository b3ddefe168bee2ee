//! The `callscope` binary: server and command line in one.

use std::process::ExitCode;

use callscope::server::{cli, telemetry};
use clap::Parser;

fn main() -> ExitCode {
    telemetry::init();
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
