//! ProteinRPN's losses.
//!
//! - Multi-label BCE on the function labels, from logits:
//!   `ℓ(z, y) = max(z, 0) − z·y + log(1 + e^{−|z|})`, averaged.
//! - RPN pre-training (official `utils/loss.py`, `custom_bce_loss_pruning`): BCE of the keep
//!   probabilities `D_j` against the residue labels over each positive anchor's k-hop region,
//!   averaged per anchor then over anchors ([`ProteinBatch::region_weight`]), plus BCE of the
//!   anchor functionality `f_i` against "anchor i is functional".
//! - NT-Xent (SimCLR; HEAL's `nt_xent.py`) between the clean and perturbed graph embeddings,
//!   τ = 0.1: with `z = [z¹; z²]` L2-normalised, `sim = z zᵀ / τ` without the diagonal,
//!   `L = −(1/2B) Σ_i log softmax_i(sim)_{pair(i)}`.
//! - SupCon (Khosla et al. 2020) on the clean embeddings, positives = proteins sharing a
//!   label: `L = −(1/|I|) Σ_{i∈I} (1/|P(i)|) Σ_{p∈P(i)} log softmax_{a≠i}(z_i·z_a/τ)_p`, over
//!   the proteins I with at least one positive (not in the official code).
//!
//! [`ProteinBatch::region_weight`]: super::batch::ProteinBatch::region_weight

use burn::prelude::{Bool, Tensor};
use burn::tensor::activation::log_softmax;

/// Element-wise BCE from logits.
pub fn bce_with_logits<const D: usize>(logits: Tensor<D>, targets: Tensor<D>) -> Tensor<D> {
    logits.clone().clamp_min(0.0) - logits.clone() * targets + logits.abs().neg().exp().log1p()
}

/// Mean BCE from logits, `[1]`.
pub fn mean_bce<const D: usize>(logits: Tensor<D>, targets: Tensor<D>) -> Tensor<1> {
    bce_with_logits(logits, targets).mean()
}

/// `Σ_j w_j · BCE(z_j, y_j)`, `[1]`.
pub fn weighted_bce(logits: Tensor<1>, targets: Tensor<1>, weight: Tensor<1>) -> Tensor<1> {
    (bce_with_logits(logits, targets) * weight).sum()
}

fn l2_normalize(z: Tensor<2>) -> Tensor<2> {
    let [b, d] = z.dims();
    let norm = z.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12);
    z / norm.expand([b, d])
}

fn diagonal(n: usize, device: &burn::prelude::Device) -> Tensor<2, Bool> {
    Tensor::<2>::eye(n, device).equal_elem(1.0)
}

/// NT-Xent between two views `[B, d]`, `[1]`.
pub fn nt_xent(z1: Tensor<2>, z2: Tensor<2>, temperature: f64) -> Tensor<1> {
    let [b, _] = z1.dims();
    let device = z1.device();
    let z = l2_normalize(Tensor::cat(vec![z1, z2], 0));
    let sim = (z.clone().matmul(z.transpose()) / temperature).mask_fill(diagonal(2 * b, &device), -1e9);
    let logp = log_softmax(sim, 1);
    // The positive of row i is i + B (and of i + B, i).
    let pairs = Tensor::<2>::eye(2 * b, &device);
    let pos = Tensor::cat(vec![pairs.clone().slice([b..2 * b, 0..2 * b]), pairs.slice([0..b, 0..2 * b])], 0);
    (logp * pos).sum().neg() / (2 * b) as f64
}

/// SupCon over `z` `[B, d]` with positives `P` `[B, B]` (0/1, zero diagonal), `[1]`; 0 when no
/// protein has a positive.
pub fn supcon(z: Tensor<2>, positives: Tensor<2>, temperature: f64) -> Tensor<1> {
    let [b, _] = z.dims();
    let device = z.device();
    let z = l2_normalize(z);
    let sim = (z.clone().matmul(z.transpose()) / temperature).mask_fill(diagonal(b, &device), -1e9);
    let logp = log_softmax(sim, 1);
    let count = positives.clone().sum_dim(1);
    let per = (logp * positives).sum_dim(1) / count.clone().clamp_min(1.0);
    let valid = count.greater_elem(0.0).float();
    let n = valid.clone().sum().clamp_min(1.0);
    ((per * valid).sum() / n).neg()
}
