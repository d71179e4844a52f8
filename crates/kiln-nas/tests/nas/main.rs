//! kiln-nas integration tests (one binary).

mod cost;
mod elastic;
mod hand;
mod instatune;
mod learngene;
mod macs;
mod mixture_growth;
mod mobilenet;
mod mos;
mod nn_factory;
mod ofa;
mod search;
mod shiftnas;
mod shrink;
mod snnet;
mod sortednet;
