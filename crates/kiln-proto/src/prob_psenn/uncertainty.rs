//! Predictive and explanatory uncertainty from `S` sampled prototype sets.

use burn::prelude::Tensor;
use burn::tensor::activation::log_softmax;

use super::error::ProbPsennError;
use super::model::ProbPsenn;

/// What [`ProbPsenn::predict_with_uncertainty`] returns (entropies in nats).
#[derive(Debug, Clone)]
pub struct Uncertainty {
    /// `p̄ = (1/S) Σ_s p_s`, `[b, C]`.
    pub mean_probs: Tensor<2>,
    /// Total uncertainty `H[p̄]`, `[b]`.
    pub total: Tensor<1>,
    /// Aleatoric uncertainty `(1/S) Σ_s H[p_s]`, `[b]`.
    pub aleatoric: Tensor<1>,
    /// Epistemic uncertainty, the mutual information between the prediction and the
    /// prototypes, `(1/S) Σ_s KL(p_s ‖ p̄)`, `[b]`; equal to `H[p̄] − (1/S) Σ_s H[p_s]`
    /// (computed separately, so the identity is a check).
    pub epistemic: Tensor<1>,
    /// Explanatory uncertainty: for each input, the fraction of the `S` sets in which each
    /// prototype is the nearest one (ties share), `[b, m]`; rows sum to 1.
    pub nearest_prototype_distribution: Tensor<2>,
    /// Entropy of [`Self::nearest_prototype_distribution`], `[b]`: 0 when every sample gives
    /// the same explanation.
    pub explanatory: Tensor<1>,
}

/// `log p̄ = log (1/S) Σ_s exp(log p_s)` over dimension 0 of `[S, b, C]`, `[b, C]`
/// (max-shifted, so no probability underflows to `log 0`).
pub fn log_mean_exp(log_probs: Tensor<3>) -> Tensor<2> {
    let [_, b, c] = log_probs.dims();
    let max = log_probs.clone().max_dim(0); // [1, b, C]
    let mean = (log_probs - max.clone()).exp().mean_dim(0);
    (mean.log() + max).reshape([b, c])
}

/// Entropy `−Σ_c p_c log p_c` of rows given as log-probabilities, over the last dimension.
fn entropy_of_log<const D: usize>(log_probs: Tensor<D>) -> Tensor<D> {
    (log_probs.clone().exp() * log_probs).sum_dim(D - 1).neg()
}

/// The uncertainty decomposition of per-sample logits `[S, b, C]`.
pub fn decompose(logits: Tensor<3>) -> (Tensor<2>, Tensor<1>, Tensor<1>, Tensor<1>) {
    let [_, b, _] = logits.dims();
    let log_p = log_softmax(logits, 2); // [S, b, C]
    let log_mean = log_mean_exp(log_p.clone()); // [b, C]
    let total = entropy_of_log(log_mean.clone()).reshape([b]);
    let aleatoric = entropy_of_log(log_p.clone()).mean_dim(0).reshape([b]);
    let kl = (log_p.clone().exp() * (log_p - log_mean.clone().unsqueeze::<3>())).sum_dim(2); // [S, b, 1]
    let epistemic = kl.mean_dim(0).reshape([b]);
    (log_mean.exp(), total, aleatoric, epistemic)
}

/// Fraction of sets in which each prototype is nearest, from distances `[S, b, m]`, `[b, m]`.
pub fn nearest_distribution(distances: Tensor<3>) -> Tensor<2> {
    let [_, b, m] = distances.dims();
    let nearest = distances.clone().equal(distances.min_dim(2)).float(); // [S, b, m]
    let share = nearest.clone() / nearest.sum_dim(2); // ties split one vote
    share.mean_dim(0).reshape([b, m])
}

impl ProbPsenn {
    /// [`Self::predict_with_uncertainty_seeded`] with the configuration's sampling seed, so
    /// that repeated calls agree.
    ///
    /// # Errors
    /// [`ProbPsennError::ZeroSamples`], [`ProbPsennError::InputWidth`].
    pub fn predict_with_uncertainty(&self, x: Tensor<2>, samples: usize) -> Result<Uncertainty, ProbPsennError> {
        self.predict_with_uncertainty_seeded(x, samples, self.config.sampling_seed)
    }

    /// Monte Carlo prediction over `samples` prototype sets drawn from `seed`: the mean
    /// probabilities, total `H[p̄]`, aleatoric `E_s H[p_s]` and epistemic (mutual information)
    /// uncertainty, and the explanatory uncertainty (which prototype is nearest, per sample).
    ///
    /// # Errors
    /// [`ProbPsennError::ZeroSamples`] when `samples` is 0, [`ProbPsennError::InputWidth`] when
    /// rows of `x` are not `input_dim` wide.
    pub fn predict_with_uncertainty_seeded(
        &self,
        x: Tensor<2>,
        samples: usize,
        seed: u64,
    ) -> Result<Uncertainty, ProbPsennError> {
        let out = self.forward_sampled(x, samples, seed)?;
        let (mean_probs, total, aleatoric, epistemic) = decompose(out.logits);
        let nearest = nearest_distribution(out.distances);
        let [b, _] = nearest.dims();
        let explanatory = entropy_of_probs(nearest.clone()).reshape([b]);
        Ok(Uncertainty {
            mean_probs,
            total,
            aleatoric,
            epistemic,
            nearest_prototype_distribution: nearest,
            explanatory,
        })
    }
}

/// Entropy of probability rows `[b, m]` with `0 log 0 = 0`, `[b, 1]`.
fn entropy_of_probs(p: Tensor<2>) -> Tensor<2> {
    let positive = p.clone().greater_elem(0.0);
    let log = p.clone().clamp_min(f32::MIN_POSITIVE).log().mask_fill(positive.bool_not(), 0.0);
    (p * log).sum_dim(1).neg()
}
