//! APEN's loss and the two logged terms of its equivariance bound.
//!
//! Loss (weights *unverified*; the paper's are not retrieved):
//! `L = CE(part logits, part labels) + CE(class logits, class) + λ · ‖u − c_part‖²`, the mean
//! over points of the squared distance between the predicted vector `u_i` and the centroid of
//! the point's true part (λ = [`CENTRE_WEIGHT`]; a Kiln addition so that every model's vectors
//! are a meaningful equivariant output).
//!
//! Bound (paper §3: the piecewise-equivariance error is bounded by the partition's
//! uncertainty plus the probability that a predicted partition is not a sub-partition of the
//! truth), per partition `Z_l`:
//! - uncertainty `mean_i (1 − max_j Z_ij)`;
//! - cross-part merge rate: with the hard partition `k(i) = argmax_j Z_ij`, the fraction of
//!   points that must change part for every part to lie inside one true part,
//!   `1 − Σ_k max_t |{i : k(i) = k, t(i) = t}| / N`.

use burn::prelude::Tensor;
use kiln_core::nn::cross_entropy;

use super::batch::ApenBatch;
use super::partition::argmax_parts;

/// λ, the weight of the centre regression.
pub const CENTRE_WEIGHT: f64 = 1.0;

/// The loss and its terms, each `[1]`.
#[derive(Debug, Clone)]
pub struct PartLoss {
    /// The total.
    pub total: Tensor<1>,
    /// Part-label cross-entropy.
    pub part_ce: Tensor<1>,
    /// Class cross-entropy.
    pub class_ce: Tensor<1>,
    /// Mean squared centre error.
    pub centre: Tensor<1>,
}

/// The loss of per-point logits `[B, N, P]`, class logits `[B, C]` and vectors `[B, N, 3]`.
pub fn part_loss(logits: Tensor<3>, class_logits: Tensor<2>, vectors: Tensor<3>, batch: &ApenBatch) -> PartLoss {
    let [b, n, p] = logits.dims();
    let part_ce = cross_entropy(logits.reshape([b * n, p]), batch.labels.clone());
    let class_ce = cross_entropy(class_logits, batch.classes.clone());
    let centre = (vectors - batch.centres.clone()).square().sum_dim(2).mean().reshape([1]);
    let total = part_ce.clone() + class_ce.clone() + centre.clone() * CENTRE_WEIGHT;
    PartLoss { total, part_ce, class_ce, centre }
}

/// `mean_i (1 − max_j Z_ij)` of a partition `[B, N, K]`, `[1]`.
pub fn partition_uncertainty(z: Tensor<3>) -> Tensor<1> {
    (z.max_dim(2).neg() + 1.0).mean().reshape([1])
}

/// The cross-part merge rate of `z` against the true parts `truth[b][i]`.
pub fn cross_merge_rate(z: &Tensor<3>, truth: &[Vec<usize>]) -> f64 {
    let hard = argmax_parts(z);
    let k = z.dims()[2];
    let (mut impure, mut total) = (0usize, 0usize);
    for (pred, true_parts) in hard.iter().zip(truth) {
        let t_max = true_parts.iter().copied().max().map_or(0, |m| m + 1);
        let mut counts = vec![0usize; k * t_max];
        for (&p, &t) in pred.iter().zip(true_parts) {
            counts[p * t_max + t] += 1;
        }
        let kept: usize = (0..k).map(|p| counts[p * t_max..(p + 1) * t_max].iter().copied().max().unwrap_or(0)).sum();
        impure += pred.len() - kept;
        total += pred.len();
    }
    if total == 0 { 0.0 } else { impure as f64 / total as f64 }
}

/// The bound's two terms of one partition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundTerms {
    /// `mean_i (1 − max_j Z_ij)`.
    pub uncertainty: f64,
    /// The cross-part merge rate.
    pub cross_merge: f64,
}

/// The bound's terms for every partition `Z₀ … Z_L`.
pub fn bound_terms(partitions: &[Tensor<3>], truth: &[Vec<usize>]) -> Vec<BoundTerms> {
    partitions
        .iter()
        .map(|z| BoundTerms {
            uncertainty: kiln_core::tensor::to_vec(partition_uncertainty(z.clone().detach()))[0] as f64,
            cross_merge: cross_merge_rate(z, truth),
        })
        .collect()
}
