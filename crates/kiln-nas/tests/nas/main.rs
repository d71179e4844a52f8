//! kiln-nas integration tests (one binary).

mod cost;
mod elastic;
mod mobilenet;
mod ofa;
mod search;
