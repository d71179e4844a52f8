//! kiln-nas integration tests (one binary).

mod cost;
mod elastic;
mod ofa;
mod search;
