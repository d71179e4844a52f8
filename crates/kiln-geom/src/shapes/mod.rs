//! Procedural shapes, deterministic by seed, so nothing is downloaded:
//! [`primitives`] (3-D unions of boxes, cylinders, spheres and wedges, with occupancy and
//! meshes) and [`toy2d`] (BSP-Net's 2-D toy set: hollow diamond, cross and diamond).

pub mod primitives;
pub mod toy2d;

pub use primitives::{Primitive, PrimitiveUnion};
pub use toy2d::{ToyImage, toy_set};
