//! The distillation loss that turns auxiliary models into learngene instances (Shi et al.,
//! AAAI 2024, §3.1; the official `criterion2.py`, `distill_loss = 'all'`):
//!
//! `L = α·CE(s, y) + (1 − α)·(softCE(s/T, t/T) + Σ_p MSE(h_s^p, W_p h_t^p) + Σ_p MSE(a_s^p, V_p a_t^p))`
//!
//! over the matched points `p` (student block, teacher block): `h` are block outputs, `a`
//! attention branches `MHA(LN₁(x))`, and `W_p`, `V_p` learned linear maps from the teacher's
//! width to the student's (official `TransformerLayer = Dense(tea_dim, stu_dim)`, trained with
//! the student). Reductions, as the official code (MindSpore defaults):
//! - `softCE(s, t) = mean_{i,c} −softmax(t_i)_c · log softmax(s_i)_c`, the mean over the batch
//!   **and the classes** (`ReduceMean` of the element-wise product), without Hinton's `T²`;
//!   that is [`distillation_loss`]`(s, t, T) / (T² · classes)`;
//! - `MSE(x, y) = mean over all elements of (x − y)²` (`nn.MSELoss()`), summed over points;
//! - `CE` is the batch-mean cross-entropy.

use burn::nn::loss::{MseLoss, Reduction};
use burn::prelude::{Int, Tensor};
use kiln_core::nn::{cross_entropy, distillation_loss};

/// The weighted loss and its parts (each shape `[1]`).
#[derive(Debug, Clone)]
pub struct DistillationTerms {
    /// `α·CE + (1 − α)·(logits + representation + attention)`.
    pub total: Tensor<1>,
    /// Hard-label cross-entropy `CE(s, y)`.
    pub cross_entropy: Tensor<1>,
    /// `softCE(s/T, t/T)`.
    pub logits: Tensor<1>,
    /// Block-output term `Σ_p MSE(h_s^p, W_p h_t^p)`.
    pub representation: Tensor<1>,
    /// Attention term `Σ_p MSE(a_s^p, V_p a_t^p)`.
    pub attention: Tensor<1>,
}

/// The official soft cross-entropy: `mean_{i,c} −softmax(t_i/T)_c · log softmax(s_i/T)_c`
/// (mean over batch and classes, no `T²`), for logits `[batch, classes]`.
pub fn soft_cross_entropy(student: Tensor<2>, teacher: Tensor<2>, temperature: f64) -> Tensor<1> {
    let [_, classes] = student.dims();
    let t = temperature.max(f64::MIN_POSITIVE);
    distillation_loss(student, teacher, t) / (t * t * classes.max(1) as f64)
}

/// Mean squared error over every element.
pub fn mse(student: Tensor<3>, target: Tensor<3>) -> Tensor<1> {
    MseLoss::new().forward(student, target, Reduction::Mean)
}

/// `Σ_p MSE(student_p, target_p)` over matched pairs (zero for none).
fn matched_mse(pairs: Vec<(Tensor<3>, Tensor<3>)>, like: &Tensor<1>) -> Tensor<1> {
    pairs.into_iter().map(|(s, t)| mse(s, t)).reduce(|a, b| a + b).unwrap_or_else(|| like.zeros_like())
}

/// The Learngene Pool distillation loss (see the module doc).
///
/// `representation` and `attention` hold `(student output, teacher output already mapped to
/// the student's width)` per matched point; detach the teacher's tensors before mapping them
/// (the maps themselves learn).
pub fn learngene_distillation_loss(
    student_logits: Tensor<2>,
    teacher_logits: Tensor<2>,
    targets: Tensor<1, Int>,
    representation: Vec<(Tensor<3>, Tensor<3>)>,
    attention: Vec<(Tensor<3>, Tensor<3>)>,
    alpha: f64,
    temperature: f64,
) -> DistillationTerms {
    let ce = cross_entropy(student_logits.clone(), targets);
    let logits = soft_cross_entropy(student_logits, teacher_logits, temperature);
    let representation = matched_mse(representation, &ce);
    let attention = matched_mse(attention, &ce);
    let total = ce.clone() * alpha + (logits.clone() + representation.clone() + attention.clone()) * (1.0 - alpha);
    DistillationTerms { total, cross_entropy: ce, logits, representation, attention }
}
