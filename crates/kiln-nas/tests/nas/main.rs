//! kiln-nas integration tests (one binary).

mod elastic;
mod ofa;
mod search;
