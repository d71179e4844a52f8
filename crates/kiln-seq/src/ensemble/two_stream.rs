//! The two-stream subnet: a temporal stream (a Base-Net trunk over time) and a joint stream
//! that convolves along the joints of each frame, fused by concatenating their pooled features.
//!
//! Temporal stream: `u = (1/T) Σ_t h_t` with `h` a Base-Net's feature map. Joint stream: every frame
//! `x_t ∈ ℝ^{3×J}` (coordinates as channels, joints as the axis) goes through two
//! `Conv_{k_J} → BN → ReLU` layers along the joints and a max over joints,
//! `g_t = max_j ConvBn(ConvBn(x_t))_j`, then one residual temporal block and the mean over time
//! `v = (1/T) Σ_t Res(g)_t`. Classifier `y = W [u; v] + b` (Xu & Wang, arXiv 1801.01080,
//! "two-stream entirety" subnet; the joint-axis layout is this crate's reading of it).

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};

use super::base::{ConvBn, ResBlock1d, Trunk, time_mean};
use super::config::EnsembleConfig;

/// The two-stream subnet.
#[derive(Module, Debug)]
pub struct TwoStreamNet {
    /// Stem of the temporal stream, `Conv_k(J·3 → W) → BN → ReLU`.
    pub temporal_stem: ConvBn,
    /// Residual layers of the temporal stream.
    pub temporal: Trunk,
    /// First convolution along the joints, `3 → W/2`.
    pub joint1: ConvBn,
    /// Second convolution along the joints, `W/2 → W`.
    pub joint2: ConvBn,
    /// Temporal residual block of the joint stream.
    pub joint_time: ResBlock1d,
    dropout: Dropout,
    /// `2W → classes`.
    pub head: Linear,
}

impl TwoStreamNet {
    /// The subnet with `config`'s sizes.
    pub fn new(config: &EnsembleConfig, device: &Device) -> Self {
        let (w, half) = (config.width, config.width.div_ceil(2));
        Self {
            temporal_stem: ConvBn::new(config.channels(), w, config.kernel, device),
            temporal: Trunk::new(w, w, config.blocks, config.kernel, device),
            joint1: ConvBn::new(3, half, config.joint_kernel, device),
            joint2: ConvBn::new(half, w, config.joint_kernel, device),
            joint_time: ResBlock1d::new(w, w, config.kernel, device),
            dropout: DropoutConfig::new(config.dropout).init(),
            head: LinearConfig::new(2 * w, config.classes).init(device),
        }
    }

    /// The joint stream's temporal map.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, W, T]`
    pub fn joint_features(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, c, t] = x.dims();
        let j = c / 3;
        // [B, J·3, T] → [B, J, 3, T] → [B, T, 3, J] → [B·T, 3, J]
        let frames = x.reshape([b, j, 3, t]).permute([0, 3, 2, 1]).reshape([b * t, 3, j]);
        let h = self.joint2.forward(self.joint1.forward(frames));
        let w = h.dims()[1];
        let g = h.max_dim(2).reshape([b, t, w]).swap_dims(1, 2);
        self.joint_time.forward(g)
    }

    /// Class scores.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let u = time_mean(self.temporal.forward(self.temporal_stem.forward(x.clone())));
        let v = time_mean(self.joint_features(x));
        self.head.forward(self.dropout.forward(Tensor::cat(vec![u, v], 1)))
    }
}
