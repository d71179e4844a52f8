//! PGD-L2 (Madry et al., ICLR 2018) for any classifier of the robust prototype family.
//!
//! A model exposes its class scores through [`Scores`]; [`pgd_l2`] maximises the score margin
//! `max_{c≠y} s_c(x') − s_y(x')` over the L2 ball `‖x' − x‖₂ ≤ δ` intersected with `[0, 1]^n`
//! by normalised-gradient ascent with projection, from several starts, and keeps each input's
//! worst case. The paper (Saralajew et al., AAAI 2025) evaluates with AutoAttack, an ensemble
//! of stronger attacks; PGD is weaker, so a PGD robust accuracy is an upper bound on the true
//! robust accuracy and can exceed AutoAttack's.

use burn::prelude::{Bool, Int, Tensor};
use burn::tensor::Distribution;
use serde::{Deserialize, Serialize};

use crate::error::{RobustError, check_radius};

/// A classifier seen through its class scores (the prediction is the arg-max).
pub trait Scores {
    /// Class scores `[b, C]` of inputs `[b, n]`; differentiable in `x` (an input with autodiff
    /// gives scores with autodiff).
    fn scores(&self, x: Tensor<2>) -> Tensor<2>;
}

/// The score margin `m(x) = max_{c≠y} s_c − s_y`, `[b]`: positive where another class beats
/// the label. PGD maximises it; the margin loss of stable CBC is `ReLU(m + 0.3)`.
pub fn score_margin(scores: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [_, classes] = scores.dims();
    let own: Tensor<2, Bool> = targets.one_hot::<2>(classes).equal_elem(1);
    let correct = scores.clone().mask_fill(own.clone().bool_not(), -1e30).max_dim(1);
    let other = scores.mask_fill(own, -1e30).max_dim(1);
    (other - correct).squeeze_dim::<1>(1)
}

/// `true` where the arg-max of the scores is not the label, `[b]`.
pub fn misclassified(scores: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1, Bool> {
    scores.argmax(1).squeeze_dim::<1>(1).not_equal(targets)
}

/// PGD settings; [`PgdConfig::new`] gives the paper's PGD-style defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PgdConfig {
    /// Gradient steps per start. Default 100.
    pub steps: usize,
    /// Starts: the first at the clean input, the others uniform in the ball. Default 5.
    pub restarts: usize,
    /// Step length as a multiple of `δ / steps`. Default 2.5 (step `2.5·δ/100`).
    pub step_factor: f64,
}

impl Default for PgdConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl PgdConfig {
    /// 100 steps of length `2.5·δ/100`, 5 starts.
    pub fn new() -> Self {
        Self { steps: 100, restarts: 5, step_factor: 2.5 }
    }

    fn check(&self) -> Result<(), RobustError> {
        if self.steps == 0 || self.restarts == 0 {
            return Err(RobustError::InvalidAttack(format!("{} steps and {} starts", self.steps, self.restarts)));
        }
        if !(self.step_factor.is_finite() && self.step_factor > 0.0) {
            return Err(RobustError::InvalidAttack(format!("step factor {}", self.step_factor)));
        }
        Ok(())
    }
}

/// Projects `adv` onto `{x' : ‖x' − x‖₂ ≤ δ} ∩ [0, 1]^n` (ball, then box; clipping to the box
/// never moves a point away from `x ∈ [0, 1]^n`, so the result stays in the ball).
pub fn project_l2(x: Tensor<2>, adv: Tensor<2>, delta: f64) -> Tensor<2> {
    let step = adv - x.clone();
    let norm = step.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12);
    let factor = (norm.recip() * delta).clamp_max(1.0);
    (x + step * factor).clamp(0.0, 1.0)
}

/// A point uniform in the ball of radius `δ` around each row of `x`, clipped to `[0, 1]`
/// (random numbers from the device's generator; seed it for reproducible starts).
fn random_start(x: Tensor<2>, delta: f64) -> Tensor<2> {
    let [b, n] = x.dims();
    let device = x.device();
    let direction = Tensor::<2>::random([b, n], Distribution::Normal(0.0, 1.0), &device);
    let unit = direction.clone() / direction.powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12);
    let radius = Tensor::<2>::random([b, 1], Distribution::Uniform(0.0, 1.0), &device).powf_scalar(1.0 / n as f64);
    project_l2(x.clone(), x + unit * radius * delta, delta)
}

/// PGD-L2: for each input, the point of `‖x' − x‖₂ ≤ δ`, `x' ∈ [0, 1]^n`, with the largest
/// score margin [`score_margin`] found over `restarts × steps` normalised-gradient steps
/// `x' ← Π(x' + α ∇m / ‖∇m‖₂)`, `α = step_factor·δ/steps`. Inputs must lie in `[0, 1]`.
///
/// # Errors
/// [`RobustError::InvalidRadius`] for a negative or non-finite `δ`,
/// [`RobustError::InvalidAttack`] for zero steps or starts, [`RobustError::BatchMismatch`],
/// [`RobustError::NoGradient`] when the scores do not depend on the input.
pub fn pgd_l2<M: Scores + ?Sized>(
    model: &M,
    x: Tensor<2>,
    targets: Tensor<1, Int>,
    delta: f64,
    config: &PgdConfig,
) -> Result<Tensor<2>, RobustError> {
    let delta = check_radius(delta)?;
    config.check()?;
    let [b, n] = x.dims();
    let [labels] = targets.dims();
    if labels != b {
        return Err(RobustError::BatchMismatch { inputs: b, labels });
    }
    let mut best = x.clone();
    let mut best_margin = score_margin(model.scores(x.clone()), targets.clone());
    if delta == 0.0 {
        return Ok(best);
    }
    let alpha = config.step_factor * delta / config.steps as f64;
    let keep = |adv: &Tensor<2>, margin: Tensor<1>, best: &mut Tensor<2>, best_margin: &mut Tensor<1>| {
        let better = margin.clone().greater(best_margin.clone());
        *best = best.clone().mask_where(better.clone().unsqueeze_dim::<2>(1).expand([b, n]), adv.clone());
        *best_margin = best_margin.clone().mask_where(better, margin);
    };
    for restart in 0..config.restarts {
        let mut adv = if restart == 0 { x.clone() } else { random_start(x.clone(), delta) };
        for _ in 0..config.steps {
            let input = adv.clone().autodiff().require_grad();
            let margin = score_margin(model.scores(input.clone()), targets.clone());
            let grads = margin.clone().sum().backward();
            let grad = input.grad(&grads).ok_or(RobustError::NoGradient)?;
            keep(&adv, margin.detach().without_autodiff(), &mut best, &mut best_margin);
            let norm = grad.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12);
            adv = project_l2(x.clone(), adv + grad / norm * alpha, delta);
        }
        let margin = score_margin(model.scores(adv.clone()), targets.clone());
        keep(&adv, margin, &mut best, &mut best_margin);
    }
    Ok(best)
}
