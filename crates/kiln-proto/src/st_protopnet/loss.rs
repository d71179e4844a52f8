//! ST-ProtoPNet's losses (cwangrun/ST-ProtoPNet, `cropped/train_and_test.py`). With `s_ij` the
//! max-pooled cosine similarity of image `i` to prototype `j`, `P_c` the class-`c` prototypes of
//! a branch and `⟨·,·⟩` on unit prototypes:
//!
//! - `Clst = (1/n) Σ_i max_{j∈P_{y_i}} s_ij` (coefficient −0.8: maximised),
//! - `Sep  = (1/n) Σ_i max_{j∉P_{y_i}} s_ij` (+0.08 trivial, +0.48 support: minimised),
//! - closeness (support) `= −1/(K(K−1)) Σ_{c≠c'} min_{a∈P_c, b∈P_c'} ⟨p_a, p_b⟩`: raises the
//!   least similar cross-class pair, drawing support prototypes towards the boundary,
//! - discrimination (trivial) `= 1/(K(K−1)) Σ_{c≠c'} max_{a∈P_c, b∈P_c'} ⟨p_a, p_b⟩`: pushes
//!   the most similar cross-class pair apart,
//! - orthogonality `= Σ_c ‖P_c P_cᵀ − I‖₁` (each branch), L1 on wrong-class weights.
//!
//! Step `i` of each epoch optimises the trivial branch's loss when `i` is even and the support
//! branch's when it is odd (the official `for i, (image, label) in enumerate(dataloader): if
//! i % 2 == 0`): the parity restarts with every epoch, so after an epoch with an odd number of
//! steps the run's global step and `i` disagree. Both branches' terms are logged every step.

use crate::schedule::PrototypeStage;
use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::model::{PrototypeBranch, StProtoPNet, normalize_rows};
use crate::class_identity::{l1_wrong_class, own_class_mask};

/// `(1/n) Σ_i max_{j: mask_ij = 1} s_ij` for similarities in `[−1, 1]`.
pub fn masked_max_similarity(similarities: Tensor<2>, mask: Tensor<2>) -> Tensor<1> {
    ((similarities + 2.0) * mask).max_dim(1).mean() - 2.0
}

/// Cross-class prototype similarities reduced per class pair: `[K, K]` of
/// `reduce_{a∈P_c, b∈P_c'} ⟨p_a, p_b⟩` with `reduce` = min (`use_max = false`) or max.
fn class_pair_similarity(prototypes: Tensor<2>, per_class: usize, use_max: bool) -> Tensor<2> {
    let [m, _] = prototypes.dims();
    let k = m / per_class.max(1);
    let unit = normalize_rows(prototypes);
    let gram = unit.clone().matmul(unit.transpose()).reshape([k, per_class, k, per_class]);
    let reduced = if use_max { gram.max_dim(3).max_dim(1) } else { gram.min_dim(3).min_dim(1) };
    reduced.reshape([k, k])
}

fn off_diagonal_mean(pairs: Tensor<2>) -> Tensor<1> {
    let [k, _] = pairs.dims();
    let eye = Tensor::<2>::eye(k, &pairs.device());
    let off = eye.ones_like() - eye;
    (pairs * off).sum() / ((k * k.saturating_sub(1)).max(1) as f64)
}

/// Closeness of the support prototypes: `−mean_{c≠c'} min ⟨p_a, p_b⟩`.
pub fn closeness_cost(prototypes: Tensor<2>, per_class: usize) -> Tensor<1> {
    off_diagonal_mean(class_pair_similarity(prototypes, per_class, false)).neg()
}

/// Discrimination of the trivial prototypes: `mean_{c≠c'} max ⟨p_a, p_b⟩`.
pub fn discrimination_cost(prototypes: Tensor<2>, per_class: usize) -> Tensor<1> {
    off_diagonal_mean(class_pair_similarity(prototypes, per_class, true))
}

/// `Σ_c ‖P_c P_cᵀ − I‖₁` over unit prototypes.
pub fn orthogonality_cost(prototypes: Tensor<2>, per_class: usize) -> Tensor<1> {
    let [m, d] = prototypes.dims();
    let n = per_class.max(1);
    let k = m / n;
    let unit = normalize_rows(prototypes).reshape([k, n, d]);
    let gram = unit.clone().matmul(unit.swap_dims(1, 2)); // [K, n, n]
    let eye = Tensor::<2>::eye(n, &gram.device()).unsqueeze::<3>();
    (gram - eye).abs().sum()
}

/// The named terms of one branch.
struct BranchLoss {
    total: Tensor<1>,
    ce: Tensor<1>,
    cluster: Tensor<1>,
    separation: Tensor<1>,
    prototype_term: Tensor<1>,
    orthogonality: Tensor<1>,
}

impl StProtoPNet {
    #[allow(clippy::too_many_arguments)]
    fn branch_loss(
        &self,
        branch: &PrototypeBranch,
        logits: Tensor<2>,
        cosines: Tensor<2>,
        targets: Tensor<1, Int>,
        own: Tensor<2>,
        identity: Tensor<2>,
        separation_coef: f64,
        support: bool,
    ) -> BranchLoss {
        let n = self.prototypes_per_class;
        let ce = cross_entropy(logits, targets);
        let cluster = masked_max_similarity(cosines.clone(), own.clone());
        let separation = masked_max_similarity(cosines, own.ones_like() - own);
        let prototypes = branch.prototype_vectors.val();
        let (prototype_term, coef) = if support {
            (closeness_cost(prototypes.clone(), n), self.closeness_coef)
        } else {
            (discrimination_cost(prototypes.clone(), n), self.discrimination_coef)
        };
        let orthogonality = orthogonality_cost(prototypes, n);
        let l1 = l1_wrong_class(branch.last_layer.weight.val(), identity);
        let total = ce.clone()
            + cluster.clone() * self.cluster_coef
            + separation.clone() * separation_coef
            + prototype_term.clone() * coef
            + orthogonality.clone() * self.orthogonality_coef
            + l1 * self.l1_coef;
        BranchLoss { total, ce, cluster, separation, prototype_term, orthogonality }
    }

    /// Both branches' losses for a batch; the optimised total is the trivial branch's when
    /// `step_in_epoch` (the step's index within its epoch) is even, the support branch's when
    /// it is odd.
    pub fn losses(&self, images: Tensor<4>, targets: Tensor<1, Int>, step_in_epoch: usize) -> StepOutput {
        let out = self.forward(images);
        let identity = self.prototype_class_identity.val().detach();
        let own = own_class_mask(identity.clone(), targets.clone());
        let t = self.branch_loss(
            &self.trivial,
            out.trivial.logits,
            out.trivial.cosines,
            targets.clone(),
            own.clone(),
            identity.clone(),
            self.separation_trivial_coef,
            false,
        );
        let s = self.branch_loss(
            &self.support,
            out.support.logits,
            out.support.cosines,
            targets.clone(),
            own,
            identity,
            self.separation_support_coef,
            true,
        );
        let total = if step_in_epoch.is_multiple_of(2) { t.total } else { s.total };
        StepOutput::classification(total, out.logits, targets)
            .with_term("cross_entropy", (t.ce + s.ce) * 0.5)
            .with_term("cluster_trivial", t.cluster)
            .with_term("cluster_support", s.cluster)
            .with_term("separation_trivial", t.separation)
            .with_term("separation_support", s.separation)
            .with_term("discrimination", t.prototype_term)
            .with_term("closeness", s.prototype_term)
            .with_term("orthogonality", t.orthogonality + s.orthogonality)
    }
}

impl TrainModel for StProtoPNet {
    type Batch = ImageBatch;
    type Stage = PrototypeStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<PrototypeStage>) -> StepOutput {
        self.losses(batch.images, batch.targets, ctx.step_in_epoch)
    }

    fn after_optimizer_step(mut self) -> Self {
        self.trivial = self.trivial.renormalized();
        self.support = self.support.renormalized();
        self
    }
}
