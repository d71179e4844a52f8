//! `kiln`: train, evaluate and inspect Kiln models from the command line.

use std::process::ExitCode;

use clap::Parser;
use kiln_cli::cli::{Cli, run};

/// `kiln` allocates through mimalloc: glibc's malloc hands a training step's large freed buffers
/// (activations, im2col workspaces) back to the OS and page-faults them in again on the next
/// step, which cost a quarter of a ProtoPNet step on 2 cores (`docs/bench-notes.md`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
