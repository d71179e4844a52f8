//! End-to-end tests of the `kiln` command (one binary): devices, malformed data, training and
//! evaluation of every task through the model registry, explanations, and the tool commands.

mod classify;
mod common;
mod csv_files;
mod devices;
mod efficient;
mod explain;
mod factory;
mod feasibility;
mod fed;
mod geom_apen;
mod geom_files;
mod graph;
mod graph_citation;
mod graph_files;
mod graph_readers;
mod graph_search;
mod idx_files;
mod interpretability;
mod malformed;
mod parallel;
mod protein;
mod registry;
mod robust;
mod run_dirs;
mod semi;
mod seq;
mod tools;
mod uncertainty;
