//! The stable CBC module: components, detection, reasoning, class scores and the certified
//! robustness of Theorem 1.

use burn::module::{Module, Param};
use burn::prelude::{Bool, Int, Tensor};
use burn::tensor::activation::softmax;

use crate::attack::Scores;
use crate::certify::Certificate;
use crate::class_identity::{class_identity, own_class_mask};

/// Stabilising ε of Theorem 1's square root, denominator and logarithm (enlaight's `eps`).
pub const ROBUSTNESS_EPS: f64 = 1e-8;

/// Added to `|σ_k|` so that the temperature never reaches 0 (enlaight's trainable σ).
pub const SIGMA_EPS: f64 = 1e-7;

/// Stands in for ±∞ when masking concept pairs of the wrong kind.
const MASKED: f64 = 1e30;

/// Stable classification-by-components (Saralajew et al., AAAI 2025) on vectors in `[0, 1]^n`.
///
/// With components `w_k`, temperatures `σ_k`, requiredness `r_{k,j}` and the class-wise
/// component prior `π_{·,j} = softmax_k(logits_{·,j})` of reasoning concept `j`:
/// `d_k(x) = exp(−‖x − w_k‖₂ / σ_k)`,
/// `p_j(x) = Σ_k π_{k,j} [d_k r_{k,j} + (1 − d_k)(1 − r_{k,j})]`, and class `c` scores the
/// maximum of its concepts (concept `j` belongs to class `j mod C`).
#[derive(Module, Debug)]
pub struct StableCbc {
    /// Components `w_k`, `[K, n]`, clipped to `[0, 1]` after every optimiser step.
    pub components: Param<Tensor<2>>,
    /// Raw temperatures, `[K]`; the model uses `|σ_k| + 1e-7`.
    pub sigma: Param<Tensor<1>>,
    /// Positive requiredness `r_{k,j}` (negative is `1 − r`), `[K, J]`, clipped to `[0, 1]`
    /// after every optimiser step.
    pub requiredness: Param<Tensor<2>>,
    /// Logits of the component prior, `[K, J]` (softmax over components).
    pub prior_logits: Param<Tensor<2>>,
    /// Number of classes `C` (`J` is a multiple of it).
    pub num_classes: usize,
    /// Margin of the robust loss `ReLU(margin − robustness)`.
    pub robust_margin: f64,
    /// Margin of the baseline loss `ReLU(s⁻ − s⁺ + margin)`.
    pub margin: f64,
}

/// Re-projects a parameter onto `[0, 1]` (detached), keeping whether it trains.
pub fn clip_unit<const D: usize>(param: Param<Tensor<D>>) -> Param<Tensor<D>> {
    param.map(|p| {
        let trainable = p.is_require_grad();
        let clipped = p.clamp(0.0, 1.0).detach();
        if trainable { clipped.require_grad() } else { clipped }
    })
}

/// Euclidean distances `‖x_i − w_k‖₂`, `[b, K]`, from differences (no `‖x‖² − 2x·w + ‖w‖²`
/// cancellation, which would blur the certified radius); `√max(·, 1e-12)` keeps the gradient
/// finite at `x = w_k`.
pub fn euclidean_distances(x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
    let diff = x.unsqueeze_dim::<3>(1) - w.unsqueeze_dim::<3>(0); // [b, K, n]
    diff.powi_scalar(2).sum_dim(2).squeeze_dim::<2>(2).clamp_min(1e-12).sqrt()
}

impl StableCbc {
    /// Number of components `K`.
    pub fn num_components(&self) -> usize {
        self.components.dims()[0]
    }

    /// Number of reasoning concepts `J`.
    pub fn num_concepts(&self) -> usize {
        self.requiredness.dims()[1]
    }

    /// The class of each reasoning concept: `j mod C` (enlaight stacks identity matrices).
    pub fn concept_classes(&self) -> Vec<usize> {
        (0..self.num_concepts()).map(|j| j % self.num_classes.max(1)).collect()
    }

    /// Temperatures `|σ_k| + 1e-7`, `[K]`.
    pub fn temperatures(&self) -> Tensor<1> {
        self.sigma.val().abs() + SIGMA_EPS
    }

    /// Component prior `π_{k,j}`, `[K, J]`: each column is a distribution over components.
    pub fn prior(&self) -> Tensor<2> {
        softmax(self.prior_logits.val(), 0)
    }

    /// Detection probabilities `d_k(x) = exp(−‖x − w_k‖₂ / σ_k)`, `[b, K]`.
    pub fn detections(&self, x: Tensor<2>) -> Tensor<2> {
        let distances = euclidean_distances(x, self.components.val());
        (distances / self.temperatures().unsqueeze::<2>()).neg().exp()
    }

    /// Concept probabilities `p_j = Σ_k π_{k,j}[d_k r_{k,j} + (1 − d_k)(1 − r_{k,j})]`,
    /// `[b, J]`, computed as `d·(2R − π) + Σ_k(π − R)` with `R = r ⊙ π`.
    pub fn reasoning(&self, detections: Tensor<2>) -> Tensor<2> {
        let pi = self.prior();
        let agree = pi.clone() * self.requiredness.val();
        let constant = (pi.clone() - agree.clone()).sum_dim(0); // [1, J]
        detections.matmul(agree * 2.0 - pi) + constant
    }

    /// Concept probabilities of inputs `[b, n]`, `[b, J]`.
    pub fn concept_probabilities(&self, x: Tensor<2>) -> Tensor<2> {
        self.reasoning(self.detections(x))
    }

    /// Class scores `[b, C]`: the maximum over each class's concepts.
    pub fn class_scores(&self, concepts: Tensor<2>) -> Tensor<2> {
        let [b, j] = concepts.dims();
        let c = self.num_classes.max(1);
        concepts.reshape([b, j / c, c]).max_dim(1).reshape([b, c])
    }

    /// Theorem 1's robustness `min_k σ_k · ln max(min_{j∉y} max_{i∈y} ρ_ij, ε)`, `[b]`, for
    /// labels `y`: with `R = r ⊙ π`, `B_i = Σ_k (π_ki − R_ki)`,
    /// `a_ij = Σ_k d_k (R_ki − π_ki) − Σ_k d_k R_kj`, `b_ij = B_i − B_j` and
    /// `ρ_ij = −(b_ij + √max(b_ij² + 4 a_ij a_ji, ε)) / (2 min(a_ij, −ε))`, `i` over the label's
    /// concepts and `j` over the others. Where `y` is the prediction, no perturbation of L2
    /// norm below it changes the class; it is negative for a misclassified input.
    pub fn robustness(&self, x: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
        let d = self.detections(x);
        let [b, _] = d.dims();
        let concepts = self.num_concepts();
        let pi = self.prior();
        let agree = pi.clone() * self.requiredness.val();
        let a = d.clone().matmul(agree.clone() - pi.clone()).unsqueeze_dim::<3>(2)
            - d.matmul(agree.clone()).unsqueeze_dim::<3>(1); // [b, J, J]
        let offsets = (pi - agree).sum_dim(0); // [1, J]: B_j
        let bij = (offsets.clone().transpose() - offsets).unsqueeze::<3>(); // [1, J, J]
        let discriminant =
            (bij.clone().powi_scalar(2) + a.clone() * a.clone().swap_dims(1, 2) * 4.0).clamp_min(ROBUSTNESS_EPS).sqrt();
        let rho = (bij + discriminant).neg() / (a.clamp_max(-ROBUSTNESS_EPS) * 2.0);
        let identity = class_identity(&self.concept_classes(), self.num_classes, &rho.device());
        let correct: Tensor<2, Bool> = own_class_mask(identity, targets).greater_elem(0.5); // [b, J]
        let wrong_i = correct.clone().bool_not().unsqueeze_dim::<3>(2).expand([b, concepts, concepts]);
        let best_correct = rho.mask_fill(wrong_i, -MASKED).max_dim(1); // [b, 1, J]
        let right_j = correct.unsqueeze_dim::<3>(1);
        let worst = best_correct.mask_fill(right_j, MASKED).min_dim(2).reshape([b]);
        worst.clamp_min(ROBUSTNESS_EPS).log() * self.temperatures().min()
    }
}

impl Scores for StableCbc {
    fn scores(&self, x: Tensor<2>) -> Tensor<2> {
        self.class_scores(self.concept_probabilities(x))
    }
}

impl Certificate for StableCbc {
    /// [`StableCbc::robustness`] for the predicted class.
    fn certified_radius(&self, x: Tensor<2>) -> Tensor<1> {
        let predicted = self.scores(x.clone()).argmax(1).squeeze_dim::<1>(1);
        self.robustness(x, predicted)
    }
}
