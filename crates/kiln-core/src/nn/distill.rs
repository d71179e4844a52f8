//! Knowledge distillation from a teacher's logits (Hinton, Vinyals, Dean 2015), shared by the
//! families that distil: OFA's in-place distillation, SimCLRv2's self-distillation, MGD.

use burn::prelude::Tensor;
use burn::tensor::activation::{log_softmax, softmax};

/// Soft-target cross-entropy at temperature `T`:
///
/// `L = −(T² / n) Σ_i Σ_c softmax(t_i / T)_c · log softmax(s_i / T)_c`
///
/// for student logits `s` and teacher logits `t` of shape `[n, classes]`. The `T²` factor keeps
/// the gradient scale independent of `T` (Hinton et al. §2); at `T = 1` this is OFA's
/// `CE(softmax(f_teacher(x)), f_student(x))`. It differs from `T² · KL(p_t ‖ p_s)` by the
/// teacher's entropy, a constant for the student. Detach the teacher's logits before calling
/// when the teacher must not learn.
pub fn distillation_loss(student: Tensor<2>, teacher: Tensor<2>, temperature: f64) -> Tensor<1> {
    let [n, _] = student.dims();
    let t = temperature.max(f64::MIN_POSITIVE);
    let soft = softmax(teacher / t, 1) * log_softmax(student / t, 1);
    soft.sum().neg() * (t * t) / (n.max(1) as f64)
}
