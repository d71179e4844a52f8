//! Certified robustness: a model that proves an L2 radius around its prediction, and the
//! accuracies the robust prototype family reports (clean, certified, empirical under PGD).

use burn::prelude::{Bool, Int, Tensor};

use crate::attack::{PgdConfig, Scores, misclassified, pgd_l2};
use crate::error::{RobustError, check_radius};

/// A classifier with a provable L2 radius: no perturbation of norm below
/// `certified_radius(x)` changes its predicted class.
pub trait Certificate: Scores {
    /// The certified radius around the predicted class of each input, `[b]` (0 or negative
    /// where nothing is proven).
    fn certified_radius(&self, x: Tensor<2>) -> Tensor<1>;

    /// `true` where the prediction is the label and the certified radius is at least `δ`.
    ///
    /// # Errors
    /// [`RobustError::InvalidRadius`] for a negative or non-finite `δ`.
    fn certified(&self, x: Tensor<2>, targets: Tensor<1, Int>, delta: f64) -> Result<Tensor<1, Bool>, RobustError> {
        let delta = check_radius(delta)?;
        let correct = misclassified(self.scores(x.clone()), targets).bool_not();
        Ok(correct.bool_and(self.certified_radius(x).greater_equal_elem(delta)))
    }
}

/// Fraction of `true` entries (0 for an empty mask).
pub fn fraction(mask: Tensor<1, Bool>) -> f64 {
    let [n] = mask.dims();
    if n == 0 {
        return 0.0;
    }
    mask.int().sum().into_scalar::<i64>() as f64 / n as f64
}

/// Clean accuracy of `model` on `x`, `y`.
pub fn clean_accuracy<M: Scores + ?Sized>(model: &M, x: Tensor<2>, targets: Tensor<1, Int>) -> f64 {
    fraction(misclassified(model.scores(x), targets).bool_not())
}

/// Certified accuracy at radius `δ`: correct and certified.
///
/// # Errors
/// [`RobustError::InvalidRadius`] for a negative or non-finite `δ`.
pub fn certified_accuracy<M: Certificate + ?Sized>(
    model: &M,
    x: Tensor<2>,
    targets: Tensor<1, Int>,
    delta: f64,
) -> Result<f64, RobustError> {
    Ok(fraction(model.certified(x, targets, delta)?))
}

/// Empirical robust accuracy at radius `δ`: correct on the PGD-L2 worst case found.
///
/// # Errors
/// As [`pgd_l2`].
pub fn pgd_accuracy<M: Scores + ?Sized>(
    model: &M,
    x: Tensor<2>,
    targets: Tensor<1, Int>,
    delta: f64,
    config: &PgdConfig,
) -> Result<f64, RobustError> {
    let adversarial = pgd_l2(model, x, targets.clone(), delta, config)?;
    Ok(clean_accuracy(model, adversarial, targets))
}
