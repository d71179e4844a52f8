//! kiln-proto integration tests (one binary).

mod attack;
mod cbc;
mod characteristics;
mod deep_cbc;
mod eval_protopnet;
mod glvq;
mod prob_psenn;
mod protopnet;
mod rbf;
mod render;
mod st_protopnet;
