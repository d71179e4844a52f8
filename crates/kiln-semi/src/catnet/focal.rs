//! The losses of the RetinaNet head: sigmoid focal loss (Lin et al., ICCV 2017) for the
//! classes and L1 for the box deltas (CATNet's `FocalLoss(γ=2, α=0.25)` and `L1Loss`).
//!
//! With `p = σ(x)` and a 0/1 target `t`:
//! `FL(x, t) = −α_t (1 − p_t)^γ log p_t`, `p_t = t p + (1 − t)(1 − p)`,
//! `α_t = t α + (1 − t)(1 − α)`, computed as `α_t (1 − p_t)^γ · BCE(x, t)` with the stable
//! `BCE(x, t) = max(x, 0) − x t + log(1 + e^{−|x|})`.

use burn::prelude::Tensor;
use burn::tensor::activation::{relu, sigmoid};

/// RetinaNet's focusing parameter γ.
pub const FOCAL_GAMMA: f64 = 2.0;
/// RetinaNet's class balance α.
pub const FOCAL_ALPHA: f64 = 0.25;

/// Element-wise sigmoid focal loss of `logits` against 0/1 `targets` (same shape).
pub fn sigmoid_focal_loss<const D: usize>(logits: Tensor<D>, targets: Tensor<D>, gamma: f64, alpha: f64) -> Tensor<D> {
    let p = sigmoid(logits.clone());
    let bce = relu(logits.clone()) - logits.clone() * targets.clone() + (logits.abs().neg().exp() + 1.0).log();
    // 1 − p_t = p (1 − t) + (1 − p) t.
    let one_minus_pt = p.clone() * (targets.clone().neg() + 1.0) + (p.neg() + 1.0) * targets.clone();
    let alpha_t = targets.clone() * alpha + (targets.neg() + 1.0) * (1.0 - alpha);
    alpha_t * one_minus_pt.powf_scalar(gamma) * bce
}

/// Sum of `|pred − target|`, element-wise over any shape.
pub fn l1_loss<const D: usize>(pred: Tensor<D>, target: Tensor<D>) -> Tensor<1> {
    (pred - target).abs().sum()
}
