//! MGD's losses, on logits `[b, classes, h, w]` and label maps `[b, h, w]`:
//!
//! - [`pixel_cross_entropy`]: mean cross-entropy over the pixels whose label is not
//!   `ignore_index` (`nn.CrossEntropyLoss(reduction='mean', ignore_index=255)`).
//! - [`pixel_consistency`]: `CE(s, argmax t) + CE(t, argmax s)` with given label maps, the
//!   bidirectional cross-supervision between the student and one teacher.
//! - [`image_level_loss`]: `Σ_{b,k} |GAP(s)_{b,k} − GAP(t)_{b,k}|` (unweighted; MGD uses
//!   λ₁ = 0.002 against the deep teacher).
//! - [`self_similarity`] and [`region_level_loss`]: features average-pooled to `p × p`,
//!   `S = Q̂ᵀQ̂` with `Q̂` the `[c, p²]` pooled features normalised per position (cosine),
//!   then `mean((S_s − S_t)²)` (unweighted; MGD uses p = 7, λ₂ = 100 against the wide teacher).
//! - [`pixel_kd`]: the KD baseline, `T² · mean_pixels KL(softmax(t/T) ‖ softmax(s/T))`.

use burn::prelude::{Int, Tensor};
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::module::adaptive_avg_pool2d;

/// The ignored label of the official code (`ignore_index=255`).
pub const IGNORE_INDEX: i64 = 255;

/// `[b, k, h, w]` logits as `[b·h·w, k]` rows (pixel-major, row-major within an image).
pub fn pixel_rows(logits: Tensor<4>) -> Tensor<2> {
    let [b, k, h, w] = logits.dims();
    logits.permute([0, 2, 3, 1]).reshape([b * h * w, k])
}

/// Mean cross-entropy of `logits` `[b, k, h, w]` against `labels` `[b, h, w]` over the pixels
/// whose label is not `ignore_index`; 0 when every pixel is ignored (PyTorch: NaN). Labels
/// other than `ignore_index` must lie in `0..k`.
pub fn pixel_cross_entropy(logits: Tensor<4>, labels: Tensor<3, Int>, ignore_index: i64) -> Tensor<1> {
    let rows = pixel_rows(logits);
    let [n, _] = rows.dims();
    let labels = labels.reshape([n]);
    let ignored = labels.clone().equal_elem(ignore_index);
    let valid = ignored.clone().bool_not().float();
    let safe = labels.mask_fill(ignored, 0);
    let picked = log_softmax(rows, 1).gather(1, safe.unsqueeze_dim::<2>(1)).squeeze_dim::<1>(1);
    let count = valid.clone().sum().clamp_min(1.0);
    (picked * valid).sum().neg() / count
}

/// Arg-max labels `[b, h, w]` of `logits` `[b, k, h, w]`, detached.
pub fn argmax_labels(logits: Tensor<4>) -> Tensor<3, Int> {
    let [b, _, h, w] = logits.dims();
    logits.detach().argmax(1).reshape([b, h, w])
}

/// Bidirectional pixel consistency between a student and a teacher:
/// `CE(student, teacher_labels) + CE(teacher, student_labels)`. Each side learns only through
/// its own logits (the labels are integer arg-maxes); detach a side's logits to keep it fixed.
pub fn pixel_consistency(
    student: Tensor<4>,
    teacher: Tensor<4>,
    student_labels: Tensor<3, Int>,
    teacher_labels: Tensor<3, Int>,
    ignore_index: i64,
) -> Tensor<1> {
    pixel_cross_entropy(student, teacher_labels, ignore_index)
        + pixel_cross_entropy(teacher, student_labels, ignore_index)
}

/// Global average pooling of `[b, k, h, w]` to `[b, k]`.
pub fn global_average(x: Tensor<4>) -> Tensor<2> {
    let [b, k, _, _] = x.dims();
    x.mean_dim(3).mean_dim(2).reshape([b, k])
}

/// Image-level semantic-sensitive loss (unweighted): `Σ_{b,k} |GAP(s) − GAP(t)|`, a sum over
/// the batch and the classes as in `train.py`.
pub fn image_level_loss(student: Tensor<4>, teacher: Tensor<4>) -> Tensor<1> {
    (global_average(student) - global_average(teacher)).abs().sum()
}

/// Cosine self-similarity `[b, p², p²]` of `features` `[b, c, h, w]` average-pooled to
/// `pool × pool`. Each pooled position's norm is clamped at 1e-8 (the official code divides by
/// the bare norm).
pub fn self_similarity(features: Tensor<4>, pool: usize) -> Tensor<3> {
    let [b, c, _, _] = features.dims();
    let q = adaptive_avg_pool2d(features, [pool, pool]).reshape([b, c, pool * pool]);
    let norm = q.clone().powf_scalar(2.0).sum_dim(1).sqrt().clamp_min(1e-8);
    let q = q / norm;
    q.clone().swap_dims(1, 2).matmul(q)
}

/// Region-level content-aware loss (unweighted): `mean((S(student) − S(teacher))²)` of the
/// [`self_similarity`] matrices at `pool × pool`. The channel counts may differ.
pub fn region_level_loss(student: Tensor<4>, teacher: Tensor<4>, pool: usize) -> Tensor<1> {
    (self_similarity(student, pool) - self_similarity(teacher, pool)).powf_scalar(2.0).mean()
}

/// The KD baseline: `T² · (1/n) Σ_pixels Σ_k p_t (log p_t − log p_s)` with `p = softmax(·/T)`
/// over the `n = b·h·w` pixels; 0 when the logits are equal. Detach the teacher's logits to
/// keep it fixed.
pub fn pixel_kd(student: Tensor<4>, teacher: Tensor<4>, temperature: f64) -> Tensor<1> {
    let t = temperature.max(f64::MIN_POSITIVE);
    let (s, te) = (pixel_rows(student) / t, pixel_rows(teacher) / t);
    let [n, _] = s.dims();
    let p_t = softmax(te.clone(), 1);
    let kl = p_t * (log_softmax(te, 1) - log_softmax(s, 1));
    kl.sum() * (t * t) / (n.max(1) as f64)
}
