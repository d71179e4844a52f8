//! # kiln-geom
//!
//! Kiln point clouds and meshes on nalgebra: formats, sampling, metrics, BSP-Net.
//!
//! - Types: [`cloud::PointCloud`], [`mesh::TriangleMesh`], [`aabb::Aabb`], rigid transforms
//!   ([`transform`]), conversion to and from burn tensors ([`convert`]).
//! - [`io`]: OFF, OBJ and PLY (ASCII and binary little-endian) with typed errors
//!   ([`GeomError`]).
//! - [`ops`]: area-weighted surface sampling, normalisation, voxelisation, inside/outside
//!   occupancy, farthest-point sampling, k-nearest neighbours.
//! - [`metrics`]: Chamfer distance, normal consistency, F-score, voxel IoU.
//! - [`polytope`]: convex polytopes and polygons as half-space intersections (nalgebra).
//! - [`shapes`]: procedural 3-D unions of primitives and BSP-Net's 2-D toy set.
//! - [`bspnet`]: BSP-Net (Chen, Tagliasacchi, Zhang, CVPR 2020): encoders, plane/convex/union
//!   layers, continuous and hard phases on Kiln's engine, mesh extraction, evaluation and
//!   [`bspnet::reconstruct::reconstruct_file`] (what `kiln geom reconstruct` calls), with a
//!   small trained 3-D model shipped inside the crate ([`bspnet::shipped`], retrained by
//!   `cargo xtask train bspnet`).
//! - [`render`]: an orthographic z-buffered Lambert renderer of meshes, polygons as PNG/SVG.
//!
//! `cargo xtask reproduce geom` (the example `examples/reproduce_geom/`) writes `docs/results/geom.md`.

pub mod aabb;
pub mod apen;
pub mod bspnet;
pub mod cloud;
pub mod convert;
pub mod error;
pub mod frame;
pub mod io;
pub mod lidar;
pub mod mesh;
pub mod metrics;
pub mod ops;
pub mod polytope;
pub mod ppn;
pub mod render;
pub mod shapes;
pub mod transform;

pub use aabb::Aabb;
pub use cloud::PointCloud;
pub use error::{GeomError, Result};
pub use mesh::TriangleMesh;
