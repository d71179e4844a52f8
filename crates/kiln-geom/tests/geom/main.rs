//! kiln-geom integration tests (one binary). The counting allocator lets the reader tests
//! measure how much a (hostile) file makes a reader allocate.

#[global_allocator]
static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;

mod apen;
mod bspnet;
mod bspnet_extract;
mod hostile;
mod io;
mod lidar;
mod metrics;
mod mutations;
mod ops;
mod ply_labels;
mod polytope;
mod ppn;
mod shapes;
