//! kiln-core integration tests (one binary: link time matters).

mod common;
mod engine;
mod layers;
mod render;
mod timing;
