//! kiln-proto integration tests (one binary).

mod attack;
mod cbc;
mod deep_cbc;
mod glvq;
mod prob_psenn;
mod protopnet;
mod rbf;
mod render;
mod st_protopnet;
