//! The two objectives of stable CBC (enlaight `core/loss.py`): the robust loss of Theorem 1
//! and the margin-loss baseline.

use burn::prelude::{Int, Tensor};
use burn::tensor::activation::relu;
use kiln_core::train::StepOutput;

use super::model::StableCbc;
use super::train::CbcObjective;
use crate::attack::score_margin;

/// Robust loss `mean ReLU(margin − robustness)` (`robust_stable_cbc_loss` with a margin):
/// positive until every input is classified correctly with a certified radius of `margin`.
pub fn robust_loss(robustness: Tensor<1>, margin: f64) -> Tensor<1> {
    relu(robustness.neg() + margin).mean()
}

/// Margin loss `mean ReLU(s⁻ − s⁺ + margin)` on class scores (`margin_loss` with
/// `similarity=True`): `s⁺` the label's score, `s⁻` the best other class's.
pub fn margin_loss(class_scores: Tensor<2>, targets: Tensor<1, Int>, margin: f64) -> Tensor<1> {
    relu(score_margin(class_scores, targets) + margin).mean()
}

impl StableCbc {
    /// The loss of `objective` on a batch, with the class scores and both losses' values as
    /// named terms (`robust_loss`, `margin_loss`, `mean_robustness`).
    pub fn losses(&self, x: Tensor<2>, targets: Tensor<1, Int>, objective: CbcObjective) -> StepOutput {
        let scores = self.class_scores(self.concept_probabilities(x.clone()));
        let robustness = self.robustness(x, targets.clone());
        let robust = robust_loss(robustness.clone(), self.robust_margin);
        let baseline = margin_loss(scores.clone(), targets.clone(), self.margin);
        let loss = match objective {
            CbcObjective::Robust => robust.clone(),
            CbcObjective::Margin => baseline.clone(),
        };
        StepOutput::classification(loss, scores, targets)
            .with_term("robust_loss", robust.detach())
            .with_term("margin_loss", baseline.detach())
            .with_term("mean_robustness", robustness.detach().mean())
    }
}
