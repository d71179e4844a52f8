//! [`RbfConfig`]: enlaight's shallow MNIST setting (`experiments/base_script.py`) and the 8×8
//! digits preset.

use burn::config::Config;
use burn::module::Param;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;

use super::model::Rbf;
use crate::cbc::{DIGITS_SIGMA, radius_scale};

/// Configuration of an [`Rbf`] network. Defaults are the paper's shallow MNIST setting: 20
/// components, σ = 58 per component, robust margin 1.58, and enlaight's `RBF` default of
/// signed weights; `RobustRBF` is the same network with [`Self::layer_normalization`] on.
#[derive(Config, Debug)]
pub struct RbfConfig {
    /// Input size `n` (inputs lie in `[0, 1]^n`).
    pub input_dim: usize,
    /// Number of classes `C` (one output unit each).
    pub num_classes: usize,
    /// Components (kernels) `K`. Default 20.
    #[config(default = 20)]
    pub num_components: usize,
    /// Initial temperature of every component. Default 58.
    #[config(default = 58.0)]
    pub sigma: f64,
    /// Rows of the output weights as softmax distributions over the components (enlaight's
    /// `layer_normalization`; on for `RobustRBF`). Default false.
    #[config(default = false)]
    pub layer_normalization: bool,
    /// Margin of the robust loss `ReLU(margin − robustness)`. Default 1.58.
    #[config(default = 1.58)]
    pub robust_margin: f64,
}

impl RbfConfig {
    /// The 8×8 digits preset: the paper's architecture, σ = [`DIGITS_SIGMA`] (enlaight's σ
    /// rule on the digits, as stable CBC's preset), robust margin `1.58 · √(n/784)`.
    pub fn small(input_dim: usize, num_classes: usize) -> Self {
        Self::new(input_dim, num_classes).with_sigma(DIGITS_SIGMA).with_robust_margin(1.58 * radius_scale(input_dim))
    }

    /// Builds the network: components `U[0,1)/10 + 0.45`, every raw σ at [`Self::sigma`],
    /// weights `[C, K]` Xavier-uniform, `U(−a, a)` with `a = √(6 / (C + K))` (PyTorch's
    /// `xavier_uniform_`; random numbers from the device's generator).
    pub fn init(&self, device: &Device) -> Rbf {
        let k = self.num_components;
        let c = self.num_classes;
        let bound = (6.0 / (c + k).max(1) as f64).sqrt();
        let components =
            Tensor::<2>::random([k, self.input_dim], Distribution::Uniform(0.0, 1.0), device) / 10.0 + 0.45;
        Rbf {
            components: Param::from_tensor(components),
            sigma: Param::from_tensor(Tensor::<1>::ones([k], device) * self.sigma),
            weights: Param::from_tensor(Tensor::random([c, k], Distribution::Uniform(-bound, bound), device)),
            layer_normalization: self.layer_normalization,
            robust_margin: self.robust_margin,
        }
    }
}
