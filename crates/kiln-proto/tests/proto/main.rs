//! kiln-proto integration tests (one binary).

mod attack;
mod cbc;
mod glvq;
mod protopnet;
mod render;
mod st_protopnet;
