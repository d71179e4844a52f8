//! kiln-seq integration tests (one binary), mirroring `src/`.

mod baseline;
mod batch;
mod decode;
mod ensemble;
mod forecast;
mod io;
mod pointer;
mod synth;
mod tpgn;
