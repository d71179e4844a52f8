//! kiln-tabular integration tests (one binary).

mod classifier;
mod csv;
mod model;
mod preprocess;
mod prior;
mod train;
