//! kiln-nas integration tests (one binary).

mod cost;
mod elastic;
mod macs;
mod mobilenet;
mod ofa;
mod search;
mod shrink;
