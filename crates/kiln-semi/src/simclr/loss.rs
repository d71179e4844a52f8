//! NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (official
//! `tf2/objective.py`, `add_contrastive_loss`).

use burn::prelude::{Tensor, TensorData};
use burn::tensor::activation::log_softmax;

/// What the diagonal of the similarity matrix is lowered by, so that an anchor is never its own
/// candidate (the official `LARGE_NUM`).
const SELF_MASK: f32 = 1e9;

/// NT-Xent over the 2N views of a batch.
///
/// `z1[i]` and `z2[i]` (`[N, d]` each) are the two views of image `i`. With the 2N views
/// `z = [z1; z2]`, cosine similarities `s_ij = cos(z_i, z_j) / τ`, and `p(i)` the other view of
/// anchor `i`,
///
/// `ℓ_i = −log[ exp(s_{i,p(i)}) / Σ_{k≠i} exp(s_ik) ]`, `L = (1 / N) Σ_{i<2N} ℓ_i`,
///
/// returned as a `[1]` tensor: the official scale, the two directions summed and averaged over
/// the N images (`reduce_mean(loss_a + loss_b)`). The scale matters under LARS, where weight
/// decay is added to the gradient and the excluded BN and bias parameters step by `lr · g`.
///
/// # Panics
/// When `z1` and `z2` differ in shape.
pub fn nt_xent(z1: Tensor<2>, z2: Tensor<2>, temperature: f64) -> Tensor<1> {
    assert_eq!(z1.dims(), z2.dims(), "nt_xent: the two views must have the same shape");
    let [n, _] = z1.dims();
    let device = z1.device();
    let z = l2_normalize(Tensor::cat(vec![z1, z2], 0));
    let logits = z.clone().matmul(z.transpose()) / temperature.max(f64::MIN_POSITIVE);
    let m = 2 * n;
    let mut diagonal = vec![0f32; m * m];
    let mut positives = vec![0f32; m * m];
    for i in 0..m {
        diagonal[i * m + i] = SELF_MASK;
        positives[i * m + (i + n) % m] = 1.0;
    }
    let diagonal = Tensor::<2>::from_data(TensorData::new(diagonal, [m, m]), &device);
    let positives = Tensor::<2>::from_data(TensorData::new(positives, [m, m]), &device);
    let log_p = log_softmax(logits - diagonal, 1);
    (log_p * positives).sum().neg() / (n.max(1) as f64)
}

/// Each row divided by its Euclidean norm, at least 1e-12 (`tf.math.l2_normalize` clamps the
/// squared norm at 1e-12 instead: a norm of at least 1e-6).
pub fn l2_normalize(z: Tensor<2>) -> Tensor<2> {
    let norm = z.clone().powi_scalar(2).sum_dim(1).clamp_min(1e-24).sqrt();
    z / norm
}
