//! The RBF network: kernels, output weights, class scores and the closed-form certified radius.

use burn::module::{Module, Param};
use burn::prelude::{Bool, Int, Tensor};
use burn::tensor::activation::{relu, softmax};

use crate::attack::Scores;
use crate::cbc::{ROBUSTNESS_EPS, SIGMA_EPS, euclidean_distances};
use crate::certify::Certificate;

/// Stands in for ±∞ when masking classes of the wrong kind.
const MASKED: f64 = 1e30;

/// An RBF network (enlaight `RBF`, and `RobustRBF` when layer-normalised) on `[0, 1]^n`:
/// `d_k(x) = exp(−‖x − w_k‖₂ / σ_k)` and `s_c(x) = Σ_k W_ck d_k(x)`, with
/// `W_c· = softmax(V_c·)` under layer normalisation and `W = V` otherwise.
#[derive(Module, Debug)]
pub struct Rbf {
    /// Components (kernel centres) `w_k`, `[K, n]`, clipped to `[0, 1]` after every optimiser
    /// step.
    pub components: Param<Tensor<2>>,
    /// Raw temperatures, `[K]`; the model uses `|σ_k| + 1e-7`.
    pub sigma: Param<Tensor<1>>,
    /// Raw output weights `V`, `[C, K]`.
    pub weights: Param<Tensor<2>>,
    /// Whether the rows of `W` are softmax distributions (non-negative weights).
    pub layer_normalization: bool,
    /// Margin of the robust loss `ReLU(margin − robustness)`.
    pub robust_margin: f64,
}

impl Rbf {
    /// Number of components `K`.
    pub fn num_components(&self) -> usize {
        self.components.dims()[0]
    }

    /// Number of classes `C`.
    pub fn num_classes(&self) -> usize {
        self.weights.dims()[0]
    }

    /// Temperatures `|σ_k| + 1e-7`, `[K]`.
    pub fn temperatures(&self) -> Tensor<1> {
        self.sigma.val().abs() + SIGMA_EPS
    }

    /// The output weights `W`, `[C, K]`: `softmax` over components per class under layer
    /// normalisation, the raw weights otherwise.
    pub fn decoded_weights(&self) -> Tensor<2> {
        if self.layer_normalization { softmax(self.weights.val(), 1) } else { self.weights.val() }
    }

    /// Kernel responses `d_k(x) = exp(−‖x − w_k‖₂ / σ_k)`, `[b, K]`.
    pub fn detections(&self, x: Tensor<2>) -> Tensor<2> {
        let distances = euclidean_distances(x, self.components.val());
        (distances / self.temperatures().unsqueeze::<2>()).neg().exp()
    }

    /// Class scores from kernel responses, `s = d Wᵀ`, `[b, C]`.
    pub fn class_scores(&self, detections: Tensor<2>) -> Tensor<2> {
        detections.matmul(self.decoded_weights().transpose())
    }

    /// The robustness for labels `y`, `[b]`: no perturbation of L2 norm below it changes the
    /// class from `y` where `y` is the prediction; negative where `y` is not.
    ///
    /// Layer-normalised (enlaight `RobustRBF`): `(min_k σ_k / 2) · ln(s⁺ / s⁻)`, `s⁺` the
    /// label's score and `s⁻` the best other class's. Signed weights (our extension):
    /// `(min_k σ_k / 2) · min_{c≠y} ln(P_c / N_c)` with `P_c`, `N_c` the detections weighted by
    /// the positive and negative parts of `W_y· − W_c·`. Arguments of `ln` are clamped to 1e-8.
    pub fn robustness(&self, x: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
        let d = self.detections(x);
        let [b, k] = d.dims();
        let c = self.num_classes();
        let weights = self.decoded_weights();
        let own: Tensor<2, Bool> = targets.one_hot::<2>(c).equal_elem(1); // [b, C]
        let log = |t: Tensor<2>| t.clamp_min(ROBUSTNESS_EPS).log();
        let log_ratio = if self.layer_normalization {
            let scores = d.matmul(weights.transpose());
            let plus = scores.clone().mask_fill(own.clone().bool_not(), -MASKED).max_dim(1);
            let minus = scores.mask_fill(own, -MASKED).max_dim(1);
            (log(plus) - log(minus)).reshape([b])
        } else {
            let label_weights = own.clone().float().matmul(weights.clone()); // [b, K]: W_y·
            let gap = label_weights.unsqueeze_dim::<3>(1) - weights.unsqueeze::<3>(); // [b, C, K]
            let d = d.unsqueeze_dim::<3>(1).expand([b, c, k]);
            let positive = (relu(gap.clone()) * d.clone()).sum_dim(2).reshape([b, c]);
            let negative = (relu(gap.neg()) * d).sum_dim(2).reshape([b, c]);
            (log(positive) - log(negative)).mask_fill(own, MASKED).min_dim(1).reshape([b])
        };
        log_ratio * self.temperatures().min() / 2.0
    }
}

impl Scores for Rbf {
    fn scores(&self, x: Tensor<2>) -> Tensor<2> {
        self.class_scores(self.detections(x))
    }
}

impl Certificate for Rbf {
    /// [`Rbf::robustness`] for the predicted class.
    fn certified_radius(&self, x: Tensor<2>) -> Tensor<1> {
        let predicted = self.scores(x.clone()).argmax(1).squeeze_dim::<1>(1);
        self.robustness(x, predicted)
    }
}
