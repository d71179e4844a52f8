//! The CBC classification head of deep CBC (`SlimClassificationByComponents`): positive and
//! negative reasoning from one softmax, no indefinite reasoning.

use burn::module::{Module, Param};
use burn::prelude::Tensor;
use burn::tensor::activation::softmax;

/// Reasoning over `K` component detections for `C` classes, one concept per class:
/// `p_c = Σ_k P⁺_kc d_k + P⁻_kc (1 − d_k)` with `[P⁺; P⁻] = softmax(R)` over the `2K` rows.
#[derive(Module, Debug)]
pub struct CbcHead {
    /// Reasoning logits `R`, `[2K, C]`: rows `0..K` positive, `K..2K` negative.
    pub reasoning: Param<Tensor<2>>,
}

impl CbcHead {
    /// Number of components `K`.
    pub fn num_components(&self) -> usize {
        self.reasoning.dims()[0] / 2
    }

    /// `(P⁺, P⁻)`, each `[K, C]`: together a distribution over `2K` entries per class.
    pub fn reasoning_probabilities(&self) -> (Tensor<2>, Tensor<2>) {
        let [rows, classes] = self.reasoning.dims();
        let k = rows / 2;
        let decoded = softmax(self.reasoning.val(), 0);
        (decoded.clone().slice([0..k, 0..classes]), decoded.slice([k..2 * k, 0..classes]))
    }

    /// Class probabilities `d·(P⁺ − P⁻) + Σ_k P⁻`, `[b, C]`, of detections `[b, K]` in `[0, 1]`.
    pub fn forward(&self, detections: Tensor<2>) -> Tensor<2> {
        let (positive, negative) = self.reasoning_probabilities();
        detections.matmul(positive - negative.clone()) + negative.sum_dim(0)
    }
}
