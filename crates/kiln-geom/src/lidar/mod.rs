//! LiDAR data: scans and labels, a seeded race-track scan simulator and bird's-eye-view
//! rasters (the data side of the Parallel Perception Network, issue 23).
//!
//! - [`scan`]: [`LidarScan`] (positions, intensities, rings, labels) and SemanticKITTI's
//!   [`SemanticLabel`]; files are read and written by [`crate::io::kitti_bin`] (KITTI and
//!   nuScenes `.bin`) and [`crate::io::semantic_label`] (`.label`).
//! - [`ray`]: exact ray–ground, ray–wall and ray–box (slab) intersections; [`scene`]: the
//!   nearest hit in a labelled scene.
//! - [`track`], [`sensor`], [`sim`]: an oval track with walls, a spinning multi-beam LiDAR and
//!   1–3 opponent cars, deterministic by seed.
//! - [`bev`]: rasterisation to a grid of occupancy, height, intensity and label channels;
//!   [`picture`]: its RGB picture and [`picture::bev_png_from_bin`] (`kiln geom bev`).

pub mod bev;
pub mod picture;
pub mod ray;
pub mod scan;
pub mod scene;
pub mod sensor;
pub mod sim;
pub mod track;

pub use bev::{Bev, BevConfig, rasterize};
pub use picture::{bev_png_from_bin, render_bev};
pub use scan::{LidarClass, LidarScan, SemanticLabel};
pub use sim::{Frame, RaceSim, SimConfig};
