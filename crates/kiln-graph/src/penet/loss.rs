//! PE-Net's four losses, as the official `PrototypeEmbeddingNetwork.forward` computes them
//! (summed with weight 1 by the trainer):
//!
//! - `CE(z, y)` on the cosine logits (`loss_rel`);
//! - [`euclidean_relation_loss`] (`loss_dis`): `G_k = ‖r − c_k‖²`,
//!   `mean_i max(0, G_{y} − mean of the k₁ smallest G_{k≠y} + γ₁)`, k₁ = 10, γ₁ = 1;
//! - [`prototype_l21`] (`l21_loss`): `S = Ĉ sg(Ĉ)ᵀ` with `Ĉ` the row-normalised prototypes and
//!   `sg` the stop-gradient (the right factor is detached), `‖S‖₂,₁ / K² = Σ_i ‖S_i‖₂ / K²`;
//! - [`prototype_distance_loss`] (`dist_loss2`): `D_ij = ‖c_i − sg(c_j)‖²`,
//!   `d⁻_i = min_{j≠i} D_ij`, `mean_i max(0, γ₂ − d⁻_i)`, γ₂ = 7.
//!
//! `r` and `c` are the projected (unnormalised) representations; only the cosine logits and
//! `S` use normalised ones.

use burn::prelude::{Int, Tensor};
use burn::tensor::IndexingUpdateOp;
use kiln_core::nn::cross_entropy;

use super::config::PeNetConfig;
use super::model::{PeNetForward, l2_normalize};

/// Margins, k₁ and weights of the objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeNetLossConfig {
    /// γ₁.
    pub relation_margin: f64,
    /// k₁.
    pub negatives: usize,
    /// γ₂.
    pub prototype_margin: f64,
    /// Weights of CE, Euclidean, L21 and distance terms.
    pub weights: [f64; 4],
}

impl PeNetLossConfig {
    /// The settings of `config`.
    pub fn of(config: &PeNetConfig) -> Self {
        Self {
            relation_margin: config.relation_margin,
            negatives: config.negatives,
            prototype_margin: config.prototype_margin,
            weights: [config.ce_weight, config.euclidean_weight, config.l21_weight, config.distance_weight],
        }
    }
}

/// The four terms, each `[1]`.
#[derive(Debug, Clone)]
pub struct PeNetLosses {
    /// Cross-entropy on the cosine logits.
    pub cross_entropy: Tensor<1>,
    /// Relation–prototype Euclidean margin loss.
    pub euclidean: Tensor<1>,
    /// `‖S‖₂,₁ / K²`.
    pub l21: Tensor<1>,
    /// Prototype-distance margin loss.
    pub distance: Tensor<1>,
}

impl PeNetLosses {
    /// The weighted sum.
    pub fn total(&self, config: &PeNetLossConfig) -> Tensor<1> {
        let [a, b, c, d] = config.weights;
        self.cross_entropy.clone() * a + self.euclidean.clone() * b + self.l21.clone() * c + self.distance.clone() * d
    }
}

/// Squared Euclidean distances between the rows of `a` `[n, d]` and of `b` `[k, d]`, `[n, k]`,
/// computed as `Σ_d (a − b)²` (exact, no `‖a‖² + ‖b‖² − 2ab` cancellation).
pub fn squared_distances(a: Tensor<2>, b: Tensor<2>) -> Tensor<2> {
    let [n, d] = a.dims();
    let [k, _] = b.dims();
    let diff = a.unsqueeze_dim::<3>(1).expand([n, k, d]) - b.unsqueeze_dim::<3>(0).expand([n, k, d]);
    diff.powf_scalar(2.0).sum_dim(2).squeeze_dim::<2>(2)
}

/// `mean_i max(0, ‖r_i − c_{y_i}‖² − mean of the k nearest ‖r_i − c_j‖², j ≠ y_i, + margin)`,
/// with `k = min(negatives, K − 1)`. Neither side is detached.
pub fn euclidean_relation_loss(
    relations: Tensor<2>,
    prototypes: Tensor<2>,
    targets: Tensor<1, Int>,
    negatives: usize,
    margin: f64,
) -> Tensor<1> {
    let [n, _] = relations.dims();
    let [k, _] = prototypes.dims();
    let g = squared_distances(relations, prototypes);
    let index = targets.unsqueeze_dim::<2>(1);
    let positive = g.clone().gather(1, index.clone());
    // Push the positive past every negative, sort ascending, average the first `take`.
    let push = Tensor::<2>::full([n, 1], 1e30, &g.device());
    let pushed = g.scatter(1, index, push, IndexingUpdateOp::Add);
    let take = negatives.min(k - 1).max(1);
    let nearest = pushed.sort(1).narrow(1, 0, take).mean_dim(1);
    let hinge = (positive - nearest + margin).clamp_min(0.0);
    hinge.reshape([n]).mean()
}

/// `Σ_i ‖(Ĉ sg(Ĉ)ᵀ)_i‖₂ / K²`, Ĉ the row-normalised prototypes `[K, d]`.
pub fn prototype_l21(prototypes: Tensor<2>) -> Tensor<1> {
    let [k, _] = prototypes.dims();
    let c = l2_normalize(prototypes);
    let s = c.clone().matmul(c.detach().transpose());
    s.powf_scalar(2.0).sum_dim(1).sqrt().sum() / (k * k) as f64
}

/// `mean_i max(0, margin − min_{j≠i} ‖c_i − sg(c_j)‖²)` over the prototypes `[K, d]`.
pub fn prototype_distance_loss(prototypes: Tensor<2>, margin: f64) -> Tensor<1> {
    let [k, _] = prototypes.dims();
    let d = squared_distances(prototypes.clone(), prototypes.detach());
    let diagonal = Tensor::<2>::eye(k, &d.device()) * 1e30;
    let nearest = (d + diagonal).min_dim(1);
    (nearest.neg() + margin).clamp_min(0.0).reshape([k]).mean()
}

/// The four terms of a forward pass against `targets`.
pub fn penet_losses(out: &PeNetForward, targets: Tensor<1, Int>, config: &PeNetLossConfig) -> PeNetLosses {
    PeNetLosses {
        cross_entropy: cross_entropy(out.logits.clone(), targets.clone()),
        euclidean: euclidean_relation_loss(
            out.relations.clone(),
            out.prototypes.clone(),
            targets,
            config.negatives,
            config.relation_margin,
        ),
        l21: prototype_l21(out.prototypes.clone()),
        distance: prototype_distance_loss(out.prototypes.clone(), config.prototype_margin),
    }
}
