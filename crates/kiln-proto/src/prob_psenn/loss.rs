//! The training objective: Li et al.'s four PSENN terms in expectation over sampled prototype
//! sets, plus a Gaussian prior term on the prototypes.

use burn::prelude::{Int, Tensor};
use burn::tensor::activation::log_softmax;
use kiln_core::nn::cross_entropy;
use kiln_core::train::StepOutput;

use super::config::PrototypeMode;
use super::model::ProbPsenn;
use super::uncertainty::log_mean_exp;

/// Li et al.'s reconstruction error `(1/b) Σ_i ‖g(f(x_i)) − x_i‖²` (`ae_error`).
pub fn reconstruction_error(reconstruction: Tensor<2>, x: Tensor<2>) -> Tensor<1> {
    (reconstruction - x).powi_scalar(2).sum_dim(1).mean()
}

/// R1 `(1/m) Σ_j min_i ‖p_j − z_i‖²` (every prototype near some encoded input), averaged over
/// the sampled sets, from distances `[S, b, m]`.
pub fn r1(distances: Tensor<3>) -> Tensor<1> {
    distances.min_dim(1).mean()
}

/// R2 `(1/b) Σ_i min_j ‖z_i − p_j‖²` (every encoded input near some prototype), averaged over
/// the sampled sets, from distances `[S, b, m]`.
pub fn r2(distances: Tensor<3>) -> Tensor<1> {
    distances.min_dim(2).mean()
}

/// Mean per-coordinate `KL(N(μ, σ²) ‖ N(0, s²)) = ln(s/σ) + (σ² + μ²)/(2s²) − ½`.
pub fn gaussian_kl(means: Tensor<2>, sigma: Tensor<2>, prior_sigma: f64) -> Tensor<1> {
    let variance = prior_sigma * prior_sigma;
    let log_ratio = sigma.clone().clamp_min(1e-12).log().neg() + prior_sigma.ln();
    (log_ratio + (sigma.powi_scalar(2) + means.powi_scalar(2)) / (2.0 * variance) - 0.5).mean()
}

/// Cross-entropy averaged over the sampled sets: `(1/S) Σ_s CE(logits_s, y)`, from logits
/// `[S, b, C]`.
pub fn sampled_cross_entropy(logits: Tensor<3>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [s, b, c] = logits.dims();
    let repeated = targets.unsqueeze_dim::<2>(0).repeat_dim(0, s).reshape([s * b]);
    cross_entropy(logits.reshape([s * b, c]), repeated)
}

impl ProbPsenn {
    /// The objective on a batch over `samples` prototype sets drawn from `seed`:
    /// `λ_class · (1/S) Σ_s CE + λ_ae · reconstruction + λ₁ · R1 + λ₂ · R2 + β · KL`, where R1
    /// and R2 are averaged over the sets and the KL term is 0 in deterministic mode. The
    /// logits of the output are `log p̄` (the Monte Carlo prediction). Named terms:
    /// `cross_entropy`, `reconstruction`, `r1`, `r2`, `kl`, `mean_sigma`.
    ///
    /// A zero `samples` is treated as one (the engine's step cannot fail); a wrong input width
    /// panics in the encoder, as in every engine model.
    pub fn losses(&self, x: Tensor<2>, targets: Tensor<1, Int>, samples: usize, seed: u64) -> StepOutput {
        let config = &self.config;
        let prototypes = self.prototype_sets(samples, seed);
        let out = self.forward_with_prototypes(x.clone(), prototypes);
        let ce = sampled_cross_entropy(out.logits.clone(), targets.clone());
        let reconstruction = reconstruction_error(self.decode(out.latent), x);
        let (r1, r2) = (r1(out.distances.clone()), r2(out.distances));
        let sigma = self.sigma();
        let kl = match config.mode {
            PrototypeMode::Probabilistic => gaussian_kl(self.prototype_means.val(), sigma.clone(), config.prior_sigma),
            PrototypeMode::Deterministic => ce.zeros_like(),
        };
        let loss = ce.clone() * config.lambda_class
            + reconstruction.clone() * config.lambda_reconstruction
            + r1.clone() * config.lambda_r1
            + r2.clone() * config.lambda_r2
            + kl.clone() * config.kl_weight;
        let mean_log_probs = log_mean_exp(log_softmax(out.logits, 2));
        StepOutput::classification(loss, mean_log_probs, targets)
            .with_term("cross_entropy", ce.detach())
            .with_term("reconstruction", reconstruction.detach())
            .with_term("r1", r1.detach())
            .with_term("r2", r2.detach())
            .with_term("kl", kl.detach())
            .with_term("mean_sigma", sigma.detach().mean())
    }
}
