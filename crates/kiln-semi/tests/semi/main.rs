//! kiln-semi integration tests (one binary), mirroring `src/`.

mod catnet;
mod mgd;
mod simclr;
