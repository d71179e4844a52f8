//! RBF networks and robust RBF networks (Saralajew, Rana, Villmann, Shaker: "A Robust
//! Prototype-Based Network with Interpretable RBF Classifier Foundations", AAAI 2025,
//! arXiv 2412.15499; enlaight `src/enlaight/models/RBF.py`, classes `RBF` and `RobustRBF`), on
//! vectors in `[0, 1]^n`.
//!
//! - Kernel (the detection of stable CBC): `d_k(x) = exp(−‖x − w_k‖₂ / σ_k)`, trainable `σ_k`
//!   used as `|σ_k| + 1e-7`.
//! - Class scores from a linear layer without bias: `s_c(x) = Σ_k W_ck d_k(x)`. With layer
//!   normalisation (enlaight's `layer_normalization=True`, always on in `RobustRBF`) the rows
//!   are `W_c· = softmax_k(V_c·)`, so every score is a convex combination of detections.
//! - Robustness of a layer-normalised RBF (enlaight's `RobustRBF.loss`, the RBF special case of
//!   Theorem 1): with `s⁺` the label's score and `s⁻` the best other class's,
//!   `robustness = min_k σ_k · ln √(s⁺ / s⁻) = (min_k σ_k / 2) · ln(s⁺ / s⁻)`. A perturbation
//!   `δ` changes every distance by at most `‖δ‖₂`, so every detection by a factor in
//!   `[e^{−‖δ‖/σ}, e^{‖δ‖/σ}]` (σ the smallest temperature); non-negative weights carry the
//!   factor to the scores, and `s⁺e^{−‖δ‖/σ} > s⁻e^{‖δ‖/σ}` holds for `‖δ‖` below the
//!   robustness: a closed-form certified radius (enlaight's `certificate` for `robust_rbf` and
//!   `rbf_norm`: correct and robustness `≥ ε`).
//! - Losses: `RobustRBF`'s `ReLU(margin − robustness)` (margin 1.58); `RBF`'s cross-entropy on
//!   the scores (PyTorch's `CrossEntropyLoss`, enlaight's default loss).
//! - enlaight `experiments/base_script.py`: 20 components `U[0,1)/10 + 0.45` clipped to
//!   `[0, 1]`, σ = 58 per component (trainable), weights Xavier-uniform, Adam 5e-3, batch 128,
//!   40 epochs, robust margin 1.58.
//!
//! Deviations, all deliberate:
//! - A plain RBF (signed weights) has no certificate in enlaight (its `certificate` gives 0 for
//!   `rbf`). Ours certifies it by the same argument applied to each pair of classes: with
//!   `v = W_y· − W_c·`, `P_c = Σ_k max(v_k, 0) d_k` and `N_c = Σ_k max(−v_k, 0) d_k`,
//!   `s_y − s_c = P_c − N_c ≥ P_c e^{−‖δ‖/σ} − N_c e^{‖δ‖/σ}`, so the radius is
//!   `(min_k σ_k / 2) · min_{c≠y} ln(P_c / N_c)`. Layer-normalised models keep enlaight's
//!   `s⁺/s⁻` formula (the pairwise one would be tighter).
//! - Logarithm arguments are clamped to `ε = 1e-8` (enlaight's scores are strictly positive
//!   and it does not clamp); the clamp can only shrink a positive radius.
//! - The non-squared Euclidean distance only (enlaight's `RobustRBF` defaults to the squared
//!   one, whose robustness needs a cubic correction; the paper's runs use `squared=False`).
//! - The 8×8 preset ([`RbfConfig::small`]) takes stable CBC's σ and scales the robust margin by
//!   `√(64/784)` (see [`crate::cbc::DIGITS_SIGMA`]).

mod config;
mod model;
mod train;

pub use config::RbfConfig;
pub use model::Rbf;
pub use train::{RbfObjective, RbfTraining};
