//! Distances between latent patches and prototypes, and ProtoPNet's similarity activation.

use burn::prelude::Tensor;

/// Squared L2 distance between every latent patch and every 1×1 prototype.
///
/// `d(z_hw, p_j) = ‖z_hw − p_j‖² = ‖z_hw‖² − 2 z_hw·p_j + ‖p_j‖²`, clamped at 0 (as the official
/// code's `_l2_convolution`, computed here as a matrix product).
///
/// # Shapes
/// `latent [b, D, H, W]`, `prototypes [m, D]` → `[b, m, H, W]`
pub fn l2_distances(latent: Tensor<4>, prototypes: Tensor<2>) -> Tensor<4> {
    let [b, d, h, w] = latent.dims();
    let m = prototypes.dims()[0];
    let z = latent.reshape([b, d, h * w]); // [b, D, HW]
    let z2 = z.clone().powi_scalar(2).sum_dim(1); // [b, 1, HW]
    let p2 = prototypes.clone().powi_scalar(2).sum_dim(1).reshape([1, m, 1]); // [1, m, 1]
    let zp = prototypes.unsqueeze::<3>().matmul(z); // [1, m, D] x [b, D, HW] -> [b, m, HW]
    let dist = (z2 - zp * 2.0 + p2).clamp_min(0.0);
    dist.reshape([b, m, h, w])
}

/// ProtoPNet's similarity `g(d) = log((d + 1) / (d + ε))`: large for small distances,
/// decreasing, `log(1/ε)` at `d = 0` (Chen et al. 2019, §2.1; ε = 1e-4 in the official code).
pub fn log_similarity<const D: usize>(distances: Tensor<D>, epsilon: f64) -> Tensor<D> {
    ((distances.clone() + 1.0) / (distances + epsilon)).log()
}

/// Cosine similarity between every latent patch and every prototype, `[b, m, H, W]`
/// (ST-ProtoPNet's similarity, before its ReLU).
pub fn cosine_similarities(latent: Tensor<4>, prototypes: Tensor<2>) -> Tensor<4> {
    let [b, d, h, w] = latent.dims();
    let m = prototypes.dims()[0];
    let z = latent.reshape([b, d, h * w]);
    let z_norm = z.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-6); // [b, 1, HW]
    let p_norm = prototypes.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-6); // [m, 1]
    let p = (prototypes / p_norm).unsqueeze::<3>();
    (p.matmul(z) / z_norm).reshape([b, m, h, w])
}

/// TesNet's projection of every latent patch onto every unit prototype, `⟨z_hw, p_j/‖p_j‖⟩`
/// (the latent vector is not normalised), `[b, m, H, W]`: the activation maps of ST-ProtoPNet's
/// cropped variant and of EvalProtoPNet (`_project2basis`).
///
/// # Shapes
/// `latent [b, D, H, W]`, `prototypes [m, D]` → `[b, m, H, W]`
pub fn projection_similarities(latent: Tensor<4>, prototypes: Tensor<2>) -> Tensor<4> {
    let [b, d, h, w] = latent.dims();
    let m = prototypes.dims()[0];
    let p_norm = prototypes.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12); // [m, 1]
    let unit = (prototypes / p_norm).unsqueeze::<3>();
    unit.matmul(latent.reshape([b, d, h * w])).reshape([b, m, h, w])
}

/// Minimum over the spatial positions: `[b, m, H, W] → [b, m]`.
pub fn spatial_min(maps: Tensor<4>) -> Tensor<2> {
    let [b, m, h, w] = maps.dims();
    maps.reshape([b, m, h * w]).min_dim(2).reshape([b, m])
}

/// Maximum over the spatial positions: `[b, m, H, W] → [b, m]`.
pub fn spatial_max(maps: Tensor<4>) -> Tensor<2> {
    let [b, m, h, w] = maps.dims();
    maps.reshape([b, m, h * w]).max_dim(2).reshape([b, m])
}
