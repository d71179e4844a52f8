//! The encoder both PPN nets share (Sah & Chinara, arXiv 2412.18165, §3): stages of
//! conv-BN-LeakyReLU(0.01) blocks with pooled side branches.
//!
//! With `x` the `[B, T, H, W]` BEV stack, `c_s = base · 2^s` and `CBL_k` a `k×k` convolution
//! (no bias, "same" padding), batch norm and LeakyReLU of slope 0.01:
//!
//! - `f_0 = CBL_3(CBL_3(x))`
//! - `f_s = CBL_3(CBL_3(maxpool_2(f_{s−1}) + side_s(avgpool_{2^s}(x))))` for `s ≥ 1`, with
//!   `side_s = CBL_1: T → c_{s−1}`.
//!
//! The side branch is our reading of the paper's "pooled side branches" (the notebook is not
//! in our index): every stage also sees the raw stack average-pooled to its own scale, i.e.
//! the fraction of occupied cells per frame in each `2^s × 2^s` block.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::leaky_relu;
use burn::tensor::module::{avg_pool2d, max_pool2d};
use burn::tensor::ops::{AvgPoolOptions, MaxPoolOptions};

/// LeakyReLU's negative slope (the notebook's `nn.LeakyReLU(0.01)`).
pub const LEAKY_SLOPE: f64 = 0.01;

/// `k×k` convolution (stride 1, "same" padding, no bias) → batch norm → LeakyReLU(0.01).
#[derive(Module, Debug)]
pub struct ConvBnAct {
    /// The convolution.
    pub conv: Conv2d,
    /// Batch normalisation.
    pub norm: BatchNorm,
}

impl ConvBnAct {
    /// A block from `c_in` to `c_out` channels with a `kernel × kernel` (odd) kernel.
    pub fn new(c_in: usize, c_out: usize, kernel: usize, device: &Device) -> Self {
        let pad = kernel / 2;
        Self {
            conv: Conv2dConfig::new([c_in, c_out], [kernel, kernel])
                .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
                .with_bias(false)
                .init(device),
            norm: BatchNormConfig::new(c_out).init(device),
        }
    }

    /// # Shapes
    /// `[b, c_in, h, w] → [b, c_out, h, w]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        leaky_relu(self.norm.forward(self.conv.forward(x)), LEAKY_SLOPE)
    }
}

/// Two 3×3 blocks.
#[derive(Module, Debug)]
pub struct DoubleConv {
    /// The first block.
    pub first: ConvBnAct,
    /// The second block.
    pub second: ConvBnAct,
}

impl DoubleConv {
    /// `c_in → c_out → c_out`.
    pub fn new(c_in: usize, c_out: usize, device: &Device) -> Self {
        Self { first: ConvBnAct::new(c_in, c_out, 3, device), second: ConvBnAct::new(c_out, c_out, 3, device) }
    }

    /// # Shapes
    /// `[b, c_in, h, w] → [b, c_out, h, w]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.second.forward(self.first.forward(x))
    }
}

/// 2×2 max-pool with stride 2.
pub fn max_pool_2(x: Tensor<4>) -> Tensor<4> {
    max_pool2d(x, MaxPoolOptions::new([2, 2]))
}

/// 2×2 average pool with stride 2.
pub fn avg_pool_2(x: Tensor<4>) -> Tensor<4> {
    avg_pool2d(x, AvgPoolOptions::new([2, 2]))
}

/// The shared encoder.
#[derive(Module, Debug)]
pub struct Encoder {
    /// Stage `s`'s two blocks.
    pub stages: Vec<DoubleConv>,
    /// Side branch of stage `s ≥ 1` (entry `s − 1`): `CBL_1: T → c_{s−1}`.
    pub sides: Vec<ConvBnAct>,
}

impl Encoder {
    /// An encoder of `frames` input channels and the stage `widths`.
    pub fn new(frames: usize, widths: &[usize], device: &Device) -> Self {
        let mut stages = Vec::with_capacity(widths.len());
        let mut sides = Vec::with_capacity(widths.len().saturating_sub(1));
        let mut c_in = frames;
        for (s, &c) in widths.iter().enumerate() {
            if s > 0 {
                sides.push(ConvBnAct::new(frames, c_in, 1, device));
            }
            stages.push(DoubleConv::new(c_in, c, device));
            c_in = c;
        }
        Self { stages, sides }
    }

    /// Every stage's features `f_s`, finest first.
    ///
    /// # Shapes
    /// `[b, T, h, w] → [[b, c_s, h / 2^s, w / 2^s]; stages]` (`h`, `w` multiples of
    /// `2^(stages−1)`)
    pub fn forward(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        let mut features: Vec<Tensor<4>> = Vec::with_capacity(self.stages.len());
        let mut pooled_input = x.clone();
        let mut h = x;
        for (s, stage) in self.stages.iter().enumerate() {
            if s > 0 {
                pooled_input = avg_pool_2(pooled_input);
                let down = max_pool_2(h);
                h = down + self.sides[s - 1].forward(pooled_input.clone());
            }
            h = stage.forward(h);
            features.push(h.clone());
        }
        features
    }
}
