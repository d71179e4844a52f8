//! Tests of the test kit itself: the allocator counts, the case knob, mutation variety.

#[global_allocator]
static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;

mod alloc;
mod config;
mod mutate;
