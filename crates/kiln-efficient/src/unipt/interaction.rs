//! Parallel interaction and confidence aggregation (UniPT, Diao et al., CVPR 2024, Eqs. 3–5;
//! the official `_cross_attention` and gate).
//!
//! With positions as tokens, the anchor `A` `[b, n, m]` and a down-projected stage `D_i`
//! `[b, n, m]`:
//!
//! - `S_i = l1norm(ReLU(A D_iᵀ)) + I` (row-wise l1 norm: row `p` says how much of each of
//!   `D_i`'s positions anchor position `p` gathers);
//! - `m_i = S_i D_i`;
//! - `c = softmax_i(wᵀ(mean(A) ⊙ mean(D_i)))` over `i < L`, `w` a `m → 1` linear gate;
//! - `M = Σ_i c_i m_i`.

use burn::nn::Linear;
use burn::prelude::Tensor;

use super::pool::L1_EPSILON;

/// `x / (Σ_dim |x| + 1e-8)`.
pub fn l1norm<const D: usize>(x: Tensor<D>, dim: usize) -> Tensor<D> {
    let norm = x.clone().abs().sum_dim(dim).add_scalar(L1_EPSILON);
    x.div(norm)
}

/// `(m_i, S_i)` for the anchor tokens `anchor` and a stage's tokens `target`.
///
/// # Shapes
/// `anchor [b, n, m]`, `target [b, n', m] → ([b, n, m], [b, n, n'])`; the identity needs
/// `n = n'` (the stage pooled onto the anchor grid) and is added where both index a position.
pub fn parallel_interaction(anchor: Tensor<3>, target: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
    let [b, n, _] = anchor.dims();
    let n_target = target.dims()[1];
    let scores = anchor.matmul(target.clone().swap_dims(1, 2));
    let eye = Tensor::<2>::eye(n.max(n_target), &scores.device())
        .slice([0..n, 0..n_target])
        .unsqueeze::<3>()
        .expand([b, n, n_target]);
    let similarity = l1norm(burn::tensor::activation::relu(scores), 2) + eye;
    (similarity.clone().matmul(target), similarity)
}

/// Confidences `softmax_i(gate(mean(A) ⊙ mean(D_i)))`, one column per stage.
///
/// # Shapes
/// `anchor_mean [b, m]`, `target_means [[b, m]; k] → [b, k]`
pub fn confidences(gate: &Linear, anchor_mean: Tensor<2>, target_means: Vec<Tensor<2>>) -> Tensor<2> {
    let logits: Vec<Tensor<2>> = target_means.into_iter().map(|t| gate.forward(anchor_mean.clone() * t)).collect();
    burn::tensor::activation::softmax(Tensor::cat(logits, 1), 1)
}

/// Positions as tokens: `[b, c, h, w] → [b, h·w, c]` (the official `flat_featuremap`).
pub fn flatten_map(x: Tensor<4>) -> Tensor<3> {
    let [b, c, h, w] = x.dims();
    x.reshape([b, c, h * w]).swap_dims(1, 2)
}

/// Back to a map: `[b, h·w, c] → [b, c, h, w]` (the official `roll_featuremap`).
pub fn roll_map(x: Tensor<3>, h: usize, w: usize) -> Tensor<4> {
    let [b, _, c] = x.dims();
    x.swap_dims(1, 2).reshape([b, c, h, w])
}
