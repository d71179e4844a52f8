//! kiln-fed integration tests (one binary), mirroring `src/`.

mod codec;
mod common;
mod fedavg;
mod federation;
mod fedrecon;
mod params;
mod protonet;
mod recon_baselines;
mod recon_conv;
mod semipfl;
mod split;
