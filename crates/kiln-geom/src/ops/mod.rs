//! Geometry operations: [`sample`] (area-weighted surface sampling), [`normalize`],
//! [`voxel`] (grids and voxelisation), [`occupancy`] (inside/outside by winding number),
//! [`fps`] (farthest-point sampling) and [`knn`](mod@knn) (k-nearest neighbours).

pub mod fps;
pub mod knn;
pub mod normalize;
pub mod occupancy;
pub mod sample;
pub mod voxel;

pub use fps::farthest_point_sampling;
pub use knn::{knn, nearest_distances};
pub use normalize::{Normalization, normalize_unit_cube, normalize_unit_sphere};
pub use occupancy::{is_inside, winding_number};
pub use sample::sample_surface;
pub use voxel::VoxelGrid;
