//! Integration tests of `kiln-data`, one module per area.

/// Counts heap bytes per thread, for the allocation bounds of the robustness tests.
#[global_allocator]
static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;

mod class_cue;
mod cub;
mod fit_input;
mod formats;
mod impute;
mod layout;
mod loader;
mod modification;
mod procedural;
mod robust;
mod transform;
