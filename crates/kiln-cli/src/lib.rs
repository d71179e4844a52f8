//! The library behind the `kiln` command, so workflows (`cargo xtask`) and tests can call it.

pub mod data_spec;
pub mod error;
pub mod explain;
pub mod run;
pub mod search;

pub use error::{CliError, Result};
