//! Robust stable classification-by-components (Saralajew, Rana, Villmann, Shaker: "A Robust
//! Prototype-Based Network with Interpretable RBF Classifier Foundations", AAAI 2025,
//! arXiv 2412.15499; shallow models in nec-research/enlaight, deep ones in
//! si-cim/cbc-aaai-2025), the shallow model on vectors in `[0, 1]^n`.
//!
//! - Detection `d_k(x) = exp(−‖x − w_k‖₂ / σ_k)` with trainable `σ_k` used as `|σ_k| + 1e-7`.
//! - Stable CBC reasoning: `p_j(x) = Σ_k π_{k,j}[d_k r_{k,j} + (1 − d_k)(1 − r_{k,j})]` for
//!   reasoning concept `j`, `π_{·,j}` a softmax over components, requiredness `r ∈ [0, 1]`;
//!   no indefinite reasoning; a class scores the maximum of its concepts.
//! - Theorem 1: with `R = r ⊙ π`, `B_i = Σ_k(π_ki − R_ki)`,
//!   `a_ij = Σ_k d_k(R_ki − π_ki) − Σ_k d_k R_kj`, `b_ij = B_i − B_j`,
//!   `ρ_ij = −(b_ij + √max(b_ij² + 4 a_ij a_ji, ε)) / (2 min(a_ij, −ε))`, the prediction cannot
//!   change under perturbations of L2 norm below
//!   `robustness = min_k σ_k · ln max(min_j max_i ρ_ij, ε)` (`i` the predicted class's
//!   concepts, `j` the others). Certified at `δ` iff correct and `robustness ≥ δ`.
//! - Losses: robust `ReLU(1.58 − robustness)`; baseline `ReLU(s⁻ − s⁺ + 0.3)`.
//!
//! Checked against the official code (read to understand, not copied):
//! - enlaight `src/enlaight/core/detection_probability.py`
//!   (`ExponentiallySquashedNegativeDistance`): `exp(−distance/σ)`, trainable σ as
//!   `|σ| + eps` with eps 1e-7, and the σ rule `−(mean + std)/ln p₀` ([`sigma_rule`]).
//! - enlaight `src/enlaight/core/loss.py`: `robust_stable_cbc_loss` (a, b, the pre-robustness
//!   ρ with `√max(·, eps)` and `min(a, −eps)`, max over correct then min over incorrect
//!   concepts, `min(σ) · log(max(·, eps))`, eps 1e-8, `relu(margin − robustness)`),
//!   `margin_loss` (similarity branch: per-class maximum over concepts, best correct vs best
//!   incorrect, `relu(s⁻ − s⁺ + margin)`) and `glvq_loss`.
//! - enlaight `src/enlaight/core/reasoning.py` (`stable_cbc_reasoning`): indefinite reasoning
//!   replaced by the class-wise component prior.
//! - enlaight `experiments/base_script.py`: 20 components, 2 concepts per class, σ = 58 per
//!   component (trainable), batch 128, 40 epochs, robust margin 1.58, margin 0.3, radii
//!   {0.5, 1, 1.58}, components clipped to `[0, 1]`, and the certificate (correct prediction
//!   and `−loss ≥ ε` with the margin switched off).
//!
//! Deviations, all deliberate:
//! - Requiredness is stored directly and clipped to `[0, 1]` after every optimiser step, like
//!   the components (the parametrisation), instead of enlaight's decoded
//!   probabilities; the initial values `0.6 − 0.2·U` are the same.
//! - Concept `j` belongs to class `j mod C` (enlaight's stacked identity labels).
//! - The 8×8 preset ([`RobustCbcConfig::small`]) uses σ from enlaight's rule on the digits at
//!   `p₀ = 0.4` rather than the docstring's 0.01 (see [`DIGITS_SIGMA`]), and scales the robust
//!   margin and the radii by `√(64/784)`.
//! - Evaluation attacks with PGD-L2 ([`crate::attack`]), not AutoAttack.

mod config;
pub mod loss;
mod model;
mod train;

pub use config::{
    DIGITS_RULE_PROBABILITY, DIGITS_SIGMA, MNIST_INPUT_DIM, RobustCbcConfig, SIGMA_RULE_PROBABILITY, radius_scale,
    sigma_rule,
};
pub use model::{ROBUSTNESS_EPS, SIGMA_EPS, StableCbc, clip_unit, euclidean_distances};
pub use train::{CbcObjective, CbcTraining};
