//! kiln-geom integration tests (one binary).

mod bspnet;
mod io;
mod metrics;
mod ops;
mod polytope;
mod shapes;
