//! Generalized LVQ (Sato & Yamada, NIPS 1995), the prototype baseline of the robust CBC paper
//! (Saralajew et al., AAAI 2025; enlaight `core/loss.py` `glvq_loss`, `experiments/base_script.py`
//! `certificate`).
//!
//! With `d⁺` the distance to the closest prototype of the label and `d⁻` to the closest other
//! prototype: loss `μ = (d⁺ − d⁻) / (d⁺ + d⁻ + ε)` (ε = 1e-8), class score `−min` distance
//! over the class's prototypes, and the hypothesis-margin certificate: certified at `δ` when
//! correct and `(d⁻ − d⁺) / 2 ≥ δ` (moving `x` by `δ` changes each distance by at most `δ`).

mod model;

pub use model::{Glvq, GlvqConfig};
