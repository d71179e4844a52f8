//! kiln-efficient integration tests (one binary), mirroring `src/`.

mod adapter;
mod backbone;
mod common;
mod device_memory;
mod learning;
mod revcol;
mod task;
mod transfer;
mod unipt;
