//! RevCol: the reversible backward against autodiff, the inverse, config errors, save/load,
//! devices and learning on the engine.

mod gradients;
mod learning;
mod model;

use burn::prelude::{Device, Int, Tensor};
use kiln_efficient::revcol::RevColConfig;

/// The small preset with 4 columns, 5 classes and a layer scale large enough for the blocks'
/// gradients to matter.
pub fn config() -> RevColConfig {
    RevColConfig::small().with_columns(4).with_num_classes(5).with_layer_scale(0.5)
}

/// Deterministic images `[b, 3, 32, 32]` in `[-1, 1]`.
pub fn images(batch: usize, device: &Device) -> Tensor<4> {
    let n = batch * 3 * 32 * 32;
    let v: Vec<f32> = (0..n).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
    Tensor::<1>::from_floats(v.as_slice(), device).reshape([batch, 3, 32, 32])
}

/// Targets `[0, 3, 1, ...]`.
pub fn targets(batch: usize, device: &Device) -> Tensor<1, Int> {
    let t: Vec<i64> = (0..batch as i64).map(|i| (i * 3) % 5).collect();
    Tensor::<1, Int>::from_ints(t.as_slice(), device)
}
