//! [`ProbPsennConfig`]: Li et al.'s MNIST settings for the PSENN base, the probabilistic
//! prototypes' choices, and the 8×8-digits preset.

use burn::config::Config;
use burn::module::Param;
use burn::nn::LinearConfig;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::MlpConfig;
use serde::{Deserialize, Serialize};

use super::model::ProbPsenn;

/// Whether prototypes are distributions or points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PrototypeMode {
    /// Prob-PSENN: prototype `j` is `N(μ_j, diag σ_j²)`, sampled by reparameterisation.
    #[default]
    Probabilistic,
    /// σ = 0: every "sample" is the mean, and the model is Li et al.'s plain PSENN (no prior term).
    Deterministic,
}

/// Configuration of a [`ProbPsenn`]. Defaults follow Li et al.'s MNIST run
/// (`CAE_MNIST.py` of OscarcarLi/PrototypeDL): a 40-dimensional latent space, 15 prototypes,
/// loss weights `λ_class = 20`, `λ_ae = λ₁ = λ₂ = 1` (the paper's `λ = λ₁ = λ₂ = 0.05` relative
/// to the cross-entropy). The probabilistic fields (initial σ, prior, samples) are Kiln's
/// choices: the Prob-PSENN paper's values could not be checked (see the module notes).
#[derive(Config, Debug)]
pub struct ProbPsennConfig {
    /// Input width `n` (pixels in `[0, 1]`, flattened).
    pub input_dim: usize,
    /// Number of classes `C`.
    pub num_classes: usize,
    /// Latent dimension `D`. Li et al. (MNIST): 40 (10 maps of 2×2).
    #[config(default = 40)]
    pub latent_dim: usize,
    /// Hidden widths of the MLP encoder (the decoder mirrors them). Default `[128]`.
    #[config(default = "vec![128]")]
    pub hidden: Vec<usize>,
    /// Number of prototypes `m`. Li et al. (MNIST): 15.
    #[config(default = 15)]
    pub num_prototypes: usize,
    /// Points or distributions.
    #[config(default = "PrototypeMode::Probabilistic")]
    pub mode: PrototypeMode,
    /// σ of every prototype coordinate at initialisation (`ρ = softplus⁻¹(σ)`). Default 0.1.
    #[config(default = 0.1)]
    pub initial_sigma: f64,
    /// Standard deviation `s` of the prior `N(0, s² I)` of each prototype. Default 1.
    #[config(default = 1.0)]
    pub prior_sigma: f64,
    /// Weight of the mean per-coordinate `KL(N(μ, σ²) ‖ N(0, s²))`. Default 1.
    #[config(default = 1.0)]
    pub kl_weight: f64,
    /// Sampled prototype sets per training step. Default 8.
    #[config(default = 8)]
    pub train_samples: usize,
    /// Sampled prototype sets at test time (engine evaluation, [`ProbPsenn::predict_with_uncertainty`]
    /// callers' usual choice). Default 20.
    #[config(default = 20)]
    pub test_samples: usize,
    /// Seed of the prototype samples of [`ProbPsenn::predict_with_uncertainty`]. Default 0.
    #[config(default = 0)]
    pub sampling_seed: u64,
    /// Weight of the cross-entropy. Li et al.: 20.
    #[config(default = 20.0)]
    pub lambda_class: f64,
    /// Weight of the reconstruction error. Li et al.: 1.
    #[config(default = 1.0)]
    pub lambda_reconstruction: f64,
    /// Weight of R1 (every prototype near some encoded input). Li et al.: 1.
    #[config(default = 1.0)]
    pub lambda_r1: f64,
    /// Weight of R2 (every encoded input near some prototype). Li et al.: 1.
    #[config(default = 1.0)]
    pub lambda_r2: f64,
}

/// `softplus⁻¹(σ) = ln(e^σ − 1)`, the raw parameter giving `σ` (σ > 0).
pub fn inverse_softplus(sigma: f64) -> f64 {
    if sigma > 20.0 { sigma } else { sigma.exp_m1().ln() }
}

impl ProbPsennConfig {
    /// The CPU preset for 8×8 digits (`input_dim` 64): latent 16, one hidden layer of 64,
    /// 2 prototypes per class (as a count: Li et al.'s prototypes carry no class), 8 training
    /// samples.
    pub fn small(input_dim: usize, num_classes: usize) -> Self {
        Self::new(input_dim, num_classes).with_latent_dim(16).with_hidden(vec![64]).with_num_prototypes(2 * num_classes)
    }

    /// Builds the model: MLP encoder `n → hidden → D` and decoder `D → hidden → n` (sigmoid
    /// output), prototype means `U[0, 1)` and last-layer weights `U[0, 1)` as Li et al.'s
    /// code, every `σ` at [`Self::initial_sigma`] (random numbers from the device's generator).
    pub fn init(&self, device: &Device) -> ProbPsenn {
        let encoder = MlpConfig::new(self.input_dim, self.latent_dim).with_hidden(self.hidden.clone()).init(device);
        let mirrored: Vec<usize> = self.hidden.iter().rev().copied().collect();
        let decoder = MlpConfig::new(self.latent_dim, self.input_dim).with_hidden(mirrored).init(device);
        let uniform = |shape: [usize; 2]| Tensor::<2>::random(shape, Distribution::Uniform(0.0, 1.0), device);
        let mut last_layer = LinearConfig::new(self.num_prototypes, self.num_classes).with_bias(false).init(device);
        last_layer.weight = Param::from_tensor(uniform([self.num_prototypes, self.num_classes]));
        let rho =
            Tensor::<2>::ones([self.num_prototypes, self.latent_dim], device) * inverse_softplus(self.initial_sigma);
        ProbPsenn {
            encoder,
            decoder,
            prototype_means: Param::from_tensor(uniform([self.num_prototypes, self.latent_dim])),
            prototype_rho: Param::from_tensor(rho),
            last_layer,
            config: self.clone(),
        }
    }
}
