//! kiln-proto integration tests (one binary).

mod protopnet;
mod render;
mod st_protopnet;
