//! kiln-graph integration tests (one binary).

// Counts heap bytes per thread, so the reader tests can bound what a hostile file makes a
// reader allocate.
#[global_allocator]
static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;

mod autognn;
mod core;
mod generate;
mod hei;
mod hetero;
mod io;
mod io_hostile;
mod io_pdb;
mod io_props;
mod latte;
mod layers;
mod link;
mod message_passing;
mod ncn;
mod penet;
mod product;
mod protein_rpn;
mod resident;
mod spen;
mod tasks;
mod w2pgnn;
