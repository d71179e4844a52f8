//! EvalProtoPNet's objective (hqhQAQ/EvalProtoPNet, `model.py`, `train_and_test.py`):
//!
//! `L = CE + λ_clst · Clst + λ_sep · Sep + λ_orth · Σ_c ‖P_c P_cᵀ − I‖₁ + λ_SDFA · L_SDFA`
//!
//! with `Clst = (1/n) Σ_i min_{j ∈ P_{y_i}} (−cos_ij)` and `Sep = (1/n) Σ_i min_{j ∉ P_{y_i}}
//! (−cos_ij)` on the max-pooled cosine similarities (λ 0.8 and −0.08), the TesNet
//! orthogonality of each class's prototypes (1e-4), and SDFA (0.5) only after the warm-up
//! epochs (typed here: every stage but [`PrototypeStage::WarmUp`]).
//!
//! **Shallow-deep feature alignment** (`get_SDFA_loss`): the shallow map `F_s` (the backbone's
//! first stage, detached) is rearranged space-to-depth onto the deep `H × W` grid (each
//! `r × r` block of shallow positions becomes one position with `r²` times the channels), and
//! both maps give cosine similarities between grid positions,
//! `S(u, v) = ⟨f_u, f_v⟩ / (‖f_u‖ ‖f_v‖)`. For image `i` and each prototype `j` of its class,
//! with `u_ij` the argmax of `j`'s activation map,
//!
//! `L_SDFA = mean_{i, j ∈ P_{y_i}, v} ReLU(|S_deep(u_ij, v) − S_shallow(u_ij, v)| − τ)`, `τ = 0.1`:
//!
//! the deep features keep the spatial similarity structure of the shallow ones, so a deep cell
//! still stands for the region under it.
//!
//! Deviations: the shallow map is cropped to `r·H × r·W` (`r = ⌊H_s / H⌋`, per axis) when its
//! side is not a multiple of the deep side (the official reshape needs it to be); feature norms
//! are clamped at 1e-8 (the official division has no guard against a zero vector).

use burn::prelude::{Int, Tensor};
use burn::tensor::activation::relu;
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::model::EvalProtoPNet;
use crate::class_identity::own_class_mask;
use crate::schedule::PrototypeStage;
use crate::st_protopnet::loss::{masked_max_similarity, orthogonality_cost};
use crate::st_protopnet::renormalized;

/// Space-to-depth of `shallow` onto an `h × w` grid: position `(y, x)` gets the shallow
/// vectors of the `r_h × r_w` block starting at `(y·r_h, x·r_w)`, `r = ⌊shallow side / grid
/// side⌋` (at least 1), concatenated over channels; rows and columns beyond `r·h`, `r·w` are
/// dropped.
///
/// # Shapes
/// `[b, C, H_s, W_s] → [b, C·r_h·r_w, h, w]`
pub fn space_to_depth(shallow: Tensor<4>, h: usize, w: usize) -> Tensor<4> {
    let [b, c, hs, ws] = shallow.dims();
    let (rh, rw) = ((hs / h.max(1)).max(1), (ws / w.max(1)).max(1));
    let (h, w) = (h.min(hs), w.min(ws));
    let cropped = shallow.slice([0..b, 0..c, 0..h * rh, 0..w * rw]);
    cropped.reshape([b, c, h, rh, w, rw]).permute([0, 1, 3, 5, 2, 4]).reshape([b, c * rh * rw, h, w])
}

/// Cosine similarity between every pair of grid positions of a feature map.
///
/// # Shapes
/// `[b, C, H, W] → [b, H·W, H·W]`
pub fn position_similarities(features: Tensor<4>) -> Tensor<3> {
    let [b, c, h, w] = features.dims();
    let f = features.reshape([b, c, h * w]).swap_dims(1, 2); // [b, N, C]
    let norm = f.clone().powi_scalar(2).sum_dim(2).sqrt().clamp_min(1e-8); // [b, N, 1]
    let unit = f / norm;
    unit.clone().matmul(unit.swap_dims(1, 2))
}

/// The flat argmax position of each own-class prototype's activation map, `[b, m, 1]`.
///
/// # Shapes
/// `maps [b, K·m, H, W]`, `targets [b]` → `[b, m, 1]`
pub fn own_class_argmax(maps: Tensor<4>, targets: Tensor<1, Int>, per_class: usize) -> Tensor<3, Int> {
    let [b, total, h, w] = maps.dims();
    let n = h * w;
    let device = maps.device();
    let first = (targets * (per_class as i64)).reshape([b, 1, 1]);
    let offsets = Tensor::<1, Int>::arange(0..per_class as i64, &device).reshape([1, per_class, 1]);
    let index = (first + offsets).expand([b, per_class, n]);
    maps.reshape([b, total, n]).gather(1, index).argmax(2)
}

/// `mean ReLU(|S_deep − S_shallow| − τ)` over the gathered rows.
///
/// # Shapes
/// `deep_rows`, `shallow_rows` `[b, m, N]` → `[1]`
pub fn sdfa_rows_loss(deep_rows: Tensor<3>, shallow_rows: Tensor<3>, threshold: f64) -> Tensor<1> {
    relu((deep_rows - shallow_rows).abs() - threshold).mean()
}

/// The SDFA loss of a batch (see the module documentation).
///
/// # Shapes
/// `maps [b, K·m, H, W]`, `shallow [b, C_s, H_s, W_s]`, `deep [b, C, H, W]`, `targets [b]` →
/// `[1]`
pub fn sdfa_loss(
    maps: Tensor<4>,
    shallow: Tensor<4>,
    deep: Tensor<4>,
    targets: Tensor<1, Int>,
    per_class: usize,
    threshold: f64,
) -> Tensor<1> {
    let [b, _, h, w] = deep.dims();
    let positions = own_class_argmax(maps, targets, per_class).expand([b, per_class, h * w]);
    let shallow = position_similarities(space_to_depth(shallow.detach(), h, w));
    let deep = position_similarities(deep);
    sdfa_rows_loss(deep.gather(1, positions.clone()), shallow.gather(1, positions), threshold)
}

impl EvalProtoPNet {
    /// The objective and its named terms (`cross_entropy`, `cluster`, `separation`,
    /// `orthogonality`, and `sdfa` when SDFA is on) for a batch; SDFA joins the total in every
    /// stage after warm-up.
    pub fn losses(&self, images: Tensor<4>, targets: Tensor<1, Int>, stage: PrototypeStage) -> StepOutput {
        let out = self.forward(images);
        let identity = self.prototype_class_identity.val().detach();
        let own = own_class_mask(identity, targets.clone());
        let ce = cross_entropy(out.logits.clone(), targets.clone());
        // min_j (−cos) over a class's prototypes, as the official `max_dist` trick computes it.
        let cluster = masked_max_similarity(out.cosines.clone(), own.clone()).neg();
        let separation = masked_max_similarity(out.cosines, own.ones_like() - own).neg();
        let orthogonality = orthogonality_cost(self.prototype_vectors.val(), self.prototypes_per_class);
        let mut total = ce.clone()
            + cluster.clone() * self.cluster_coef
            + separation.clone() * self.separation_coef
            + orthogonality.clone() * self.orthogonality_coef;
        let mut sdfa = None;
        if self.sdfa {
            let per_class = self.prototypes_per_class;
            let value =
                sdfa_loss(out.projection_maps, out.shallow, out.deep, targets.clone(), per_class, self.sdfa_threshold);
            if stage != PrototypeStage::WarmUp {
                total = total + value.clone() * self.sdfa_coef;
            }
            sdfa = Some(value);
        }
        let output = StepOutput::classification(total, out.logits, targets)
            .with_term("cross_entropy", ce)
            .with_term("cluster", cluster)
            .with_term("separation", separation)
            .with_term("orthogonality", orthogonality);
        match sdfa {
            Some(value) => output.with_term("sdfa", value),
            None => output,
        }
    }
}

impl TrainModel for EvalProtoPNet {
    type Batch = ImageBatch;
    type Stage = PrototypeStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<PrototypeStage>) -> StepOutput {
        self.losses(batch.images, batch.targets, ctx.stage)
    }

    /// Prototypes back to unit length after every step (`train_and_test.py`).
    fn after_optimizer_step(mut self) -> Self {
        self.prototype_vectors = renormalized(self.prototype_vectors);
        self
    }
}
