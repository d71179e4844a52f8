//! RBF and robust RBF networks: the closed-form radius by hand and on perturbation grids, save
//! and load, and learning on the digits.

mod learning;
mod model;

use burn::module::Param;
use burn::prelude::{Device, Tensor};
use kiln_proto::rbf::{Rbf, RbfConfig};

/// A 2-D network with random components in `[0, 1]²`, random weights and σ = 0.3 (signed or
/// layer-normalised), so that both classes own regions of the square.
pub fn random_2d_rbf(seed: u64, layer_normalization: bool, device: &Device) -> Rbf {
    device.seed(seed);
    let mut model = RbfConfig::new(2, 2)
        .with_num_components(4)
        .with_sigma(0.3)
        .with_layer_normalization(layer_normalization)
        .init(device);
    let uniform = |shape: [usize; 2]| Tensor::<2>::random(shape, burn::tensor::Distribution::Uniform(0.0, 1.0), device);
    model.components = Param::from_tensor(uniform([4, 2]));
    model.weights = Param::from_tensor(uniform([2, 4]) * 4.0 - 2.0);
    model
}
