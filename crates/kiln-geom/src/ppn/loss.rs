//! The PPN's losses (Sah & Chinara, arXiv 2412.18165, §3.4), all means over every element.
//!
//! - `MSE(a, b) = mean (a − b)²`.
//! - `SmoothL1(a, b) = mean ℓ(a − b)`, `ℓ(d) = d²/2` for `|d| < 1`, `|d| − 1/2` otherwise
//!   (PyTorch's `SmoothL1Loss`, β = 1).
//! - Segmentation: `L_seg = SmoothL1(p, y) + MSE(p, y)`.
//! - Sobel edges `S x = (G_x ⋆ x, G_y ⋆ x)` per channel, cross-correlation with zero padding 1,
//!   `G_x = [[−1, 0, 1], [−2, 0, 2], [−1, 0, 1]]` (along the width), `G_y = G_xᵀ` (along the
//!   height), as a fixed grouped convolution.
//! - `MSSCE(r, t) = α (MSE + SmoothL1)(r, t) + (1 − α)(MSE + SmoothL1)(S r, S t)`, α = 0.85.
//!
//! The notebook takes the edges with OpenCV's Canny on numpy arrays, so its edge term has no
//! gradient; the Sobel components are linear in the map, so ours does. We compare both
//! components rather than the magnitude `√(G_x² + G_y²)`, whose gradient is undefined on flat
//! regions.

use burn::prelude::{Tensor, TensorData};
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;

/// MSSCE's weight of the map term, α.
pub const ALPHA: f64 = 0.85;

/// `G_x`, row-major (row = height offset −1, 0, 1; column = width offset −1, 0, 1).
pub const SOBEL_X: [f32; 9] = [-1.0, 0.0, 1.0, -2.0, 0.0, 2.0, -1.0, 0.0, 1.0];

/// `G_y = G_xᵀ`, row-major.
pub const SOBEL_Y: [f32; 9] = [-1.0, -2.0, -1.0, 0.0, 0.0, 0.0, 1.0, 2.0, 1.0];

/// `mean (a − b)²`, `[1]`.
pub fn mse<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> Tensor<1> {
    (a - b).square().mean()
}

/// `mean ℓ(a − b)` with `ℓ(d) = d²/2` for `|d| < 1` and `|d| − 1/2` otherwise, `[1]`:
/// computed as `q²/2 + (|d| − q)` with `q = min(|d|, 1)`.
pub fn smooth_l1<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> Tensor<1> {
    let abs = (a - b).abs();
    let quad = abs.clone().clamp_max(1.0);
    (quad.clone().square() * 0.5 + (abs - quad)).mean()
}

/// `MSE + SmoothL1`, `[1]`.
pub fn mse_smooth_l1<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> Tensor<1> {
    mse(a.clone(), b.clone()) + smooth_l1(a, b)
}

/// The segmentation loss `SmoothL1(p, y) + MSE(p, y)`, `[1]`.
pub fn segmentation_loss(probs: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    mse_smooth_l1(probs, target)
}

/// Sobel edges of every channel: output channel `2c` is `G_x ⋆ x_c`, `2c + 1` is `G_y ⋆ x_c`.
///
/// # Shapes
/// `[b, c, h, w] → [b, 2c, h, w]`
pub fn sobel(x: Tensor<4>) -> Tensor<4> {
    let [_, c, _, _] = x.dims();
    let device = x.device();
    let mut weights = Vec::with_capacity(c * 18);
    for _ in 0..c {
        weights.extend_from_slice(&SOBEL_X);
        weights.extend_from_slice(&SOBEL_Y);
    }
    let kernel = Tensor::<4>::from_data(TensorData::new(weights, [2 * c, 1, 3, 3]), &device);
    // A constant: no gradient is kept for the kernel, only through `x`.
    conv2d(x, kernel, None, ConvOptions::new([1, 1], [1, 1], [1, 1], c))
}

/// `MSSCE(r, t)` with the map weight `alpha` (the paper's [`ALPHA`] = 0.85), `[1]`.
pub fn mssce_with(recon: Tensor<4>, target: Tensor<4>, alpha: f64) -> Tensor<1> {
    let map = mse_smooth_l1(recon.clone(), target.clone());
    let edges = mse_smooth_l1(sobel(recon), sobel(target));
    map * alpha + edges * (1.0 - alpha)
}

/// `MSSCE(r, t)` with α = 0.85, `[1]`.
pub fn mssce(recon: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    mssce_with(recon, target, ALPHA)
}
