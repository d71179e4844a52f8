//! ProtoPNet's training objective (Chen et al. 2019, §2.2; `train_and_test.py`):
//!
//! `L = CE + λ_clst · Clst + λ_sep · Sep + λ_L1 · ‖W ⊙ (1 − identity)‖₁` with
//! - `Clst = (1/n) Σ_i min_{j ∈ P_{y_i}} d_ij` (pull each image towards a prototype of its class),
//! - `Sep  = (1/n) Σ_i min_{j ∉ P_{y_i}} d_ij` (with λ_sep = −0.08: push it from the others),
//! - the L1 term on the last layer's wrong-class connections,
//!
//! where `d_ij` is the minimum distance of prototype `j` to the patches of image `i`. As in the
//! official code, the masked minimum is computed as `d_max − max_j (d_max − d_ij) · mask_ij`
//! with `d_max = D` (the largest squared distance in `[0, 1]^D`).

use crate::schedule::PrototypeStage;
use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::model::ProtoPNet;
use crate::class_identity::{l1_wrong_class, own_class_mask};

/// `(1/n) Σ_i min_{j: mask_ij = 1} d_ij`, via `d_max − max_j (d_max − d_ij)·mask_ij`.
///
/// # Shapes
/// `min_distances [n, m]`, `mask [n, m]` → `[1]`
pub fn masked_min_distance(min_distances: Tensor<2>, mask: Tensor<2>, d_max: f64) -> Tensor<1> {
    let inverted = ((min_distances.neg() + d_max) * mask).max_dim(1); // [n, 1]
    (inverted.neg() + d_max).mean()
}

/// Cluster cost: mean over images of the distance to the closest own-class prototype.
pub fn cluster_cost(min_distances: Tensor<2>, own_class: Tensor<2>, d_max: f64) -> Tensor<1> {
    masked_min_distance(min_distances, own_class, d_max)
}

/// Separation cost: mean over images of the distance to the closest other-class prototype.
pub fn separation_cost(min_distances: Tensor<2>, own_class: Tensor<2>, d_max: f64) -> Tensor<1> {
    let other = own_class.ones_like() - own_class;
    masked_min_distance(min_distances, other, d_max)
}

impl ProtoPNet {
    /// The objective and its named terms (`cross_entropy`, `cluster`, `separation`, `l1`) for
    /// a batch, with the logits for the metrics.
    pub fn losses(&self, images: Tensor<4>, targets: Tensor<1, Int>) -> StepOutput {
        let out = self.forward(images);
        let identity = self.prototype_class_identity.val().detach();
        let own = own_class_mask(identity.clone(), targets.clone());
        let d_max = self.prototype_dim() as f64;
        let ce = cross_entropy(out.logits.clone(), targets.clone());
        let cluster = cluster_cost(out.min_distances.clone(), own.clone(), d_max);
        let separation = separation_cost(out.min_distances, own, d_max);
        let l1 = l1_wrong_class(self.last_layer.weight.val(), identity);
        let total = ce.clone() * self.cross_entropy_coef
            + cluster.clone() * self.cluster_coef
            + separation.clone() * self.separation_coef
            + l1.clone() * self.l1_coef;
        StepOutput::classification(total, out.logits, targets)
            .with_term("cross_entropy", ce)
            .with_term("cluster", cluster)
            .with_term("separation", separation)
            .with_term("l1", l1)
    }
}

impl TrainModel for ProtoPNet {
    type Batch = ImageBatch;
    type Stage = PrototypeStage;

    fn step(&self, batch: ImageBatch, _ctx: &StepContext<PrototypeStage>) -> StepOutput {
        self.losses(batch.images, batch.targets)
    }
}
