//! kiln-tabular integration tests (one binary), mirroring `src/`.

mod csv;
mod preprocess;
mod prior;
mod tabpfn;
