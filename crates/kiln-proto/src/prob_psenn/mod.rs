//! Prob-PSENN (Vadillo, Santana, Lozano, Kwiatkowska: "Uncertainty-Aware Explanations Through
//! Probabilistic Self-Explainable Neural Networks", arXiv 2403.13740; no official code found)
//! on the PSENN of Li, Liu, Chen, Rudin ("Deep Learning for Case-Based Reasoning through
//! Prototypes: A Neural Network that Explains Its Predictions", AAAI 2018, arXiv 1710.04806;
//! code OscarcarLi/PrototypeDL).
//!
//! PSENN base (Li et al.; checked against `CAE_MNIST.py`):
//! - Encoder `z = f(x)`, decoder `x̂ = g(z)` (sigmoid output), prototypes `p_j` in the latent
//!   space, prototype layer `d_j = ‖z − p_j‖²`, logits `d W` (no bias), softmax.
//! - `L = λ_class · CE + λ_ae · (1/b) Σ_i ‖x̂_i − x_i‖² + λ₁ R1 + λ₂ R2`,
//!   `R1 = (1/m) Σ_j min_i ‖p_j − z_i‖²`, `R2 = (1/b) Σ_i min_j ‖z_i − p_j‖²`;
//!   `λ_class = 20`, `λ_ae = λ₁ = λ₂ = 1` (the paper's `λ = λ₁ = λ₂ = 0.05` per unit of CE),
//!   15 prototypes, latent 40, prototypes and `W` initialised `U[0, 1)`, Adam 0.002, batch 250.
//!
//! Prob-PSENN (the abstract is all that could be read; the rest follows the issue):
//! - Prototypes are distributions, not points (paper): `p_j ~ N(μ_j, diag σ_j²)`,
//!   `σ_j = softplus(ρ_j)`, sampled by reparameterisation `p_j = μ_j + σ_j ⊙ ε`.
//! - Prediction over `S` sampled prototype sets `P_s`: `p̄ = (1/S) Σ_s softmax(d(x, P_s) W)`
//!   (`S = 20` at test). Total uncertainty `H[p̄]`, aleatoric `(1/S) Σ_s H[p_s]`, epistemic
//!   `H[p̄] − (1/S) Σ_s H[p_s] = (1/S) Σ_s KL(p_s ‖ p̄)` (mutual information).
//! - Explanatory uncertainty (paper: the model captures it): the distribution over samples of
//!   which prototype is nearest to the input, and its entropy.
//!
//! Choices where the paper's method section could not be verified:
//! - The objective is Li et al.'s loss in expectation over `S` sets (CE, R1 and R2 averaged
//!   over the sets) plus `β · mean KL(N(μ, σ²) ‖ N(0, s²))` per coordinate, `β = 1`, `s = 1`;
//!   whether the paper has a prior term, and its form, is unverified.
//! - `σ` initialised to 0.1 everywhere; 8 sets per training step; the step's engine seed
//!   draws them ([`noise`]: host Box–Muller, identical on every backend).
//! - Prototype count is global as in Li et al. (no class assignment); the 8×8 preset uses
//!   `2·C` prototypes.
//!
//! Deviations, all deliberate:
//! - MLP encoder and decoder (`n → 128 → D`, mirrored) on flattened vectors instead of Li et
//!   al.'s four stride-2 convolution layers (Kiln's vector batches; 8×8 inputs are too small
//!   for four stride-2 layers); the latent is the MLP's linear output, not a ReLU map.
//! - No elastic-deformation augmentation.
//! - [`PrototypeMode::Deterministic`] (σ = 0) is the plain PSENN: the same module, prototypes
//!   at their means, no prior term.

mod config;
pub mod error;
pub mod loss;
mod model;
pub mod noise;
mod train;
mod uncertainty;

pub use config::{ProbPsennConfig, PrototypeMode, inverse_softplus};
pub use error::ProbPsennError;
pub use model::{ProbPsenn, SampledForward, squared_distances};
pub use train::{ProbPsennTraining, train};
pub use uncertainty::{Uncertainty, decompose, log_mean_exp, nearest_distribution};
