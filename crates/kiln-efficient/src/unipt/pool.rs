//! Anchor-guided pooling of an early CNN stage onto the anchor's grid (the official
//! `Our_tuning_for_resnet.forward`, the loop over `index < num_layer − 1`).
//!
//! For stage `i` with `h_i` of side `rate` times the anchor grid's:
//!
//! 1. `g = ReLU(conv1×1(h_L))`, `h_L → C_i` channels (the `identity_layers`);
//! 2. `u = upsample_nearest(g, rate) ⊙ h_i`, summed over channels: one map `s` `[b, 1, H_i, W_i]`;
//! 3. within each `rate × rate` patch, `w = l1norm(ReLU(s)) + 1/rate²` (unfold, normalise,
//!    fold in the official code);
//! 4. `pooled = sum_pool_rate(w ⊙ h_i)` (`AvgPool2d(divisor_override = 1)`): a weighted sum
//!    of each patch, `[b, C_i, H_L, W_L]`;
//!
//! after which the stage is down-projected like the others.

use burn::prelude::Tensor;

/// `l1norm` of VSE∞'s `lib/utils.py`: `x / (Σ |x| + 1e-8)` along `dim`.
pub const L1_EPSILON: f64 = 1e-8;

/// Nearest-neighbour upsampling by an integer factor: every position becomes a `rate × rate`
/// block (`F.interpolate(mode="nearest")` when the sizes differ by exactly `rate`).
///
/// # Shapes
/// `[b, c, h, w] → [b, c, h·rate, w·rate]`
pub fn upsample_nearest(x: Tensor<4>, rate: usize) -> Tensor<4> {
    if rate == 1 {
        return x;
    }
    let [b, c, h, w] = x.dims();
    x.reshape([b, c, h, 1, w, 1]).expand([b, c, h, rate, w, rate]).reshape([b, c, h * rate, w * rate])
}

/// The sum of every non-overlapping `rate × rate` patch.
///
/// # Shapes
/// `[b, c, h·rate, w·rate] → [b, c, h, w]`
pub fn sum_pool(x: Tensor<4>, rate: usize) -> Tensor<4> {
    if rate == 1 {
        return x;
    }
    let [b, c, hh, ww] = x.dims();
    let (h, w) = (hh / rate, ww / rate);
    x.reshape([b, c, h, rate, w, rate]).sum_dim(5).sum_dim(3).reshape([b, c, h, w])
}

/// Patch weights `l1norm(ReLU(s)) + 1/rate²`, the l1 norm taken within each `rate × rate`
/// patch, so a patch's weights sum to `1 + 1` (or to 1 when `s ≤ 0` everywhere in it).
///
/// # Shapes
/// `[b, 1, h·rate, w·rate] → [b, 1, h·rate, w·rate]`
pub fn patch_weights(score: Tensor<4>, rate: usize) -> Tensor<4> {
    let relu = burn::tensor::activation::relu(score);
    let norm = upsample_nearest(sum_pool(relu.clone(), rate), rate).add_scalar(L1_EPSILON);
    relu.div(norm).add_scalar(1.0 / (rate * rate) as f64)
}

/// Steps 2–4 above: pools `raw` (`h_i`) onto the anchor grid with weights guided by `guide`
/// (`ReLU(conv1×1(h_L))`, already on the anchor grid with `C_i` channels).
///
/// # Shapes
/// `raw [b, c, h·rate, w·rate]`, `guide [b, c, h, w] → [b, c, h, w]`
pub fn anchor_weighted_pool(raw: Tensor<4>, guide: Tensor<4>, rate: usize) -> Tensor<4> {
    let score = (upsample_nearest(guide, rate) * raw.clone()).sum_dim(1);
    let weights = patch_weights(score, rate);
    sum_pool(weights * raw, rate)
}
