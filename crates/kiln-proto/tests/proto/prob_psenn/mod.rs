//! Prob-PSENN: σ = 0 is the plain PSENN, the uncertainty decomposition, seeded sampling,
//! typed errors, save and load, devices, and out-of-distribution detection on the digits.

mod learning;
mod model;

use burn::module::Param;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_proto::prob_psenn::{ProbPsenn, ProbPsennConfig};

/// Host copy of a float tensor.
pub fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

/// Inputs in `[0, 1]^64`.
pub fn unit_inputs(rows: usize, device: &Device) -> Tensor<2> {
    Tensor::random([rows, 64], Distribution::Uniform(0.0, 1.0), device)
}

/// The 8×8 preset for 5 classes with every σ at `sigma`, from `seed`.
pub fn small_model(seed: u64, sigma: f64, device: &Device) -> ProbPsenn {
    device.seed(seed);
    ProbPsennConfig::small(64, 5).with_initial_sigma(sigma).init(device)
}

/// `model` with σ = softplus(−10⁴), which is exactly 0 in `f32`.
pub fn zero_sigma(mut model: ProbPsenn) -> ProbPsenn {
    model.prototype_rho = Param::from_tensor(model.prototype_rho.val().zeros_like() - 1e4);
    model
}
