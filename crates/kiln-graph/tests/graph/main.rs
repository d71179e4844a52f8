//! kiln-graph integration tests (one binary).

mod core;
mod generate;
mod io;
mod layers;
mod link;
mod message_passing;
mod ncn;
mod product;
mod tasks;
