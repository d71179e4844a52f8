//! BSP-Net (Chen, Tagliasacchi, Zhang, "BSP-Net: Generating Compact Meshes via Binary Space
//! Partitioning", CVPR 2020): [`config`], [`encoder`], [`model`] (plane, convex and union
//! layers), [`loss`] (continuous and hard phases), [`data`] (batch sources), [`extract`]
//! (polytopes and polygons from the hard phase), [`cull`] (the official redundancy culling of
//! extracted convexes), [`reconstruct`] (file to mesh with a saved
//! model) and [`shipped`] (the small trained 3-D model embedded in the crate).

pub mod config;
pub mod cull;
pub mod data;
pub mod encoder;
pub mod evaluate;
pub mod extract;
pub mod loss;
pub mod model;
pub mod reconstruct;
pub mod shipped;
pub mod train;

pub use config::BspNetConfig;
pub use model::{BspBatch, BspInput, BspNet, BspStage};
