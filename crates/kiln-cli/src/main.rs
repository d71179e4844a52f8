//! `kiln`: train, evaluate and inspect Kiln models from the command line.

use std::process::ExitCode;

use clap::Parser;
use kiln_cli::cli::{Cli, run};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
