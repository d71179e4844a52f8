//! kiln-core integration tests (one binary: link time matters).

mod cluster;
mod common;
mod contracts;
mod distill;
mod engine;
mod experiment;
mod fit_input;
mod fused;
mod fused_conv;
mod gradients;
mod lars;
mod layers;
mod prefetch;
mod selection;
mod significance;
mod stages;
mod timing;
