//! Tests of `kiln_nas::nn_factory`: typed errors, extraction, analytic and differentiable MACs,
//! save/load, devices, and a short training run on the embedded digits.

mod devices;
mod errors;
mod extract;
mod learning;
mod saving;

use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_nas::nn_factory::{FactoryConfig, Gates, NnFactory};
use rand::Rng;

/// The small factory, freshly initialised on `device` with `seed`.
pub fn factory(seed: u64, device: &Device) -> NnFactory {
    device.seed(seed);
    FactoryConfig::small().init(device).expect("valid config")
}

/// A random assembly of the small config (every layer keeps a module).
pub fn random_gates(config: &FactoryConfig, seed: u64) -> Gates {
    let mut rng = kiln_core::seed::rng(seed, 9);
    let mut active: Vec<Vec<bool>> =
        (0..config.layers()).map(|_| (0..config.modules).map(|_| rng.random::<f32>() < 0.5).collect()).collect();
    for layer in &mut active {
        if !layer.iter().any(|&a| a) {
            layer[rng.random_range(0..config.modules)] = true;
        }
    }
    Gates { active }
}

/// Normal inputs of the small config's shape.
pub fn inputs(n: usize, device: &Device) -> Tensor<4> {
    let c = FactoryConfig::small();
    Tensor::random([n, c.in_channels, c.image_size, c.image_size], Distribution::Normal(0.0, 1.0), device)
}
