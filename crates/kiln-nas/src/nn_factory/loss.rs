//! The assembler's objective (NN-Factory §3, reconstructed):
//!
//! `L = CE(y, z|_T) + λ · mean_b (MACs(g_b) / MACs(full) − s_b)²`
//!
//! where `z|_T` are the logits restricted to the example's task classes `T` (the others are set
//! to `−10⁴`, so the softmax runs over `T` only), `g_b` the straight-through gates of example
//! `b` and `s_b` its target density.

use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;

/// Logit given to classes outside an example's task (its softmax weight is exactly 0 in f32).
pub const MASKED_LOGIT: f64 = -1.0e4;

/// Logits with every class outside the example's task masked to [`MASKED_LOGIT`].
///
/// # Shapes
/// logits `[b, classes]`, task mask (1 inside the task, 0 outside) `[b, classes]` → `[b, classes]`
pub fn restrict_to_task(logits: Tensor<2>, task_mask: Tensor<2>) -> Tensor<2> {
    logits * task_mask.clone() + (task_mask - 1.0) * (-MASKED_LOGIT)
}

/// Cross-entropy over each example's task classes (global class targets `[b]`).
pub fn task_cross_entropy(logits: Tensor<2>, task_mask: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    cross_entropy(restrict_to_task(logits, task_mask), targets)
}

/// The sparsity-matching term `λ · mean_b (d_b − s_b)²` for densities `d` and targets `s`
/// (both `[b]`).
pub fn density_loss(density: Tensor<1>, target: Tensor<1>, lambda: f64) -> Tensor<1> {
    (density - target).powi_scalar(2).mean() * lambda
}
