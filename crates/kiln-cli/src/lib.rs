//! The library behind the `kiln` command, so workflows (`cargo xtask`) and tests can call it.
//!
//! Every model the command knows is one entry of [`registry::MODELS`]; a run directory has one
//! format whatever the model ([`artifact`]).

pub mod artifact;
pub mod classify_data;
pub mod cli;
pub mod data_spec;
pub mod error;
pub mod extract;
pub mod factory;
pub mod graph_data;
pub mod options;
pub mod registry;
pub mod run;
pub mod search;
pub mod trained;

pub use error::{CliError, Result};
