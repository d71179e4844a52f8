//! EvalProtoPNet: SDFA and SA by hand and across devices, the schedule, save/load, learning;
//! the interpretability metrics (consistency, stability, chance) on planted and random maps
//! and on models.

mod cub;
mod interpretability;
mod learning;
mod losses;

use burn::prelude::Tensor;
use kiln_data::ImageExample;
use kiln_data::procedural::{PartImage, ProceduralConfig, generate};

/// A tensor's values on the host.
pub fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

/// `n` procedural creatures of `classes` classes at `side` px.
pub fn creatures(classes: usize, n: usize, side: usize, seed: u64) -> Vec<PartImage> {
    generate(&ProceduralConfig::new(classes).with_image_size(side).with_num_images(n).with_seed(seed))
        .expect("a valid procedural configuration")
}

/// The images of `creatures` without annotations.
pub fn examples(creatures: &[PartImage]) -> Vec<ImageExample> {
    creatures.iter().map(PartImage::to_example).collect()
}
