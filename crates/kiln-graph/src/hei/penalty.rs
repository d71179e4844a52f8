//! The IRMv1 penalty across soft environments and HEI's λ schedule.
//!
//! With a dummy scale `s` on the logits `f_v` and soft memberships `q_vk`, the risk of
//! environment k is `R_k(s) = (1/N) Σ_v q_vk · ℓ_v(s)`, `ℓ_v(s) = −log softmax(s·f_v)_{y_v}`,
//! and the penalty is `P = Σ_k (∂R_k/∂s |_{s=1})²` (Arjovsky et al. 2019, IRMv1; HEI's
//! `main_HEI.py`). The derivative is taken in closed form, exactly:
//! `∂ℓ_v/∂s = −f_{v,y_v} + Σ_c softmax(s·f_v)_c f_{v,c}`, so no double backward is needed.

use burn::prelude::{Int, Tensor};
use burn::tensor::activation::{log_softmax, softmax};
use serde::{Deserialize, Serialize};

/// The typed phases of HEI training (the model's `Stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HeiPhase {
    /// Epochs `< warmup_epochs`: λ = 0; the environment network takes ascent steps on P.
    Warmup,
    /// Afterwards: λ = `penalty_weight`, the environments fixed.
    #[default]
    Invariant,
}

/// λ in `phase`: 0 in the warm-up, `weight` afterwards.
pub fn penalty_lambda(phase: HeiPhase, weight: f64) -> f64 {
    match phase {
        HeiPhase::Warmup => 0.0,
        HeiPhase::Invariant => weight,
    }
}

/// The phase of 0-based `epoch` of the whole run: [`HeiPhase::Warmup`] before `warmup_epochs`.
pub fn phase_of_epoch(epoch: usize, warmup_epochs: usize) -> HeiPhase {
    if epoch < warmup_epochs { HeiPhase::Warmup } else { HeiPhase::Invariant }
}

/// The backbone's objective `(NLL + l2 + λ·max(P, 0)) / (1 + λ)`, all `[1]`.
pub fn backbone_loss(nll: Tensor<1>, l2: Tensor<1>, penalty: Tensor<1>, lambda: f64) -> Tensor<1> {
    let mut loss = nll + l2;
    if lambda > 0.0 {
        loss = loss + penalty.clamp_min(0.0) * lambda;
    }
    loss / (1.0 + lambda)
}

/// Per-node loss `−log softmax(s·f_v)_{y_v}`, `[N, C], [N] → [N]`.
pub fn scaled_nll(logits: Tensor<2>, targets: Tensor<1, Int>, scale: f32) -> Tensor<1> {
    let logp = log_softmax(logits * scale, 1);
    -logp.gather(1, targets.unsqueeze_dim::<2>(1)).squeeze_dim::<1>(1)
}

/// Environment risks `R_k(s) = (1/N) Σ_v q_vk ℓ_v(s)`, `[N, C], [N], [N, K] → [K]`.
pub fn environment_risks(logits: Tensor<2>, targets: Tensor<1, Int>, q: Tensor<2>, scale: f32) -> Tensor<1> {
    let n = logits.dims()[0].max(1) as f32;
    let l = scaled_nll(logits, targets, scale).unsqueeze_dim::<2>(1);
    (q * l).sum_dim(0).squeeze_dim::<1>(0) / n
}

/// `∂ℓ_v/∂s` at `s = 1`: `−f_{v,y_v} + Σ_c softmax(f_v)_c f_{v,c}`, `[N, C], [N] → [N]`.
pub fn nll_scale_derivative(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let p = softmax(logits.clone(), 1);
    let expected = (p * logits.clone()).sum_dim(1).squeeze_dim::<1>(1);
    let true_logit = logits.gather(1, targets.unsqueeze_dim::<2>(1)).squeeze_dim::<1>(1);
    expected - true_logit
}

/// The IRMv1 penalty `P = Σ_k (∂R_k/∂s |_{s=1})²`, `[1]`; differentiable in `logits` and `q`.
pub fn irm_penalty(logits: Tensor<2>, targets: Tensor<1, Int>, q: Tensor<2>) -> Tensor<1> {
    let n = logits.dims()[0].max(1) as f32;
    let d = nll_scale_derivative(logits, targets).unsqueeze_dim::<2>(1);
    let grads = (q * d).sum_dim(0) / n;
    grads.powf_scalar(2.0).sum()
}
