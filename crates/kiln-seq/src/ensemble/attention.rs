//! The attention subnet: a Base-Net whose residual blocks are each followed by
//! squeeze-and-excitation channel attention, and whose temporal pooling is frame attention.
//!
//! Channel attention (Hu et al., CVPR 2018, as used by Xu & Wang, arXiv 1801.01080): for a map
//! `h ∈ ℝ^{C×T}`, `z = (1/T) Σ_t h_t`, `s = σ(W₂ ReLU(W₁ z + b₁) + b₂) ∈ (0, 1)^C`, output
//! `h_{c,t} · s_c`. Frame attention: scores `e_t = v·h_t + b`, weights `α = softmax_t(e)`, pooled
//! features `Σ_t α_t h_t` (a constant-in-time map gets the uniform weights `1/T`).

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig, Relu};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{sigmoid, softmax};

use super::base::{ConvBn, ResBlock1d, time_mean};
use super::config::EnsembleConfig;

/// Squeeze-and-excitation over the channels of a temporal map.
#[derive(Module, Debug)]
pub struct SeAttention {
    /// `W₁`: `C → C/r`.
    pub squeeze: Linear,
    /// `W₂`: `C/r → C`.
    pub excite: Linear,
    relu: Relu,
}

impl SeAttention {
    /// SE over `channels` with reduction ratio `reduction` (hidden width `⌈C/r⌉`).
    pub fn new(channels: usize, reduction: usize, device: &Device) -> Self {
        let hidden = channels.div_ceil(reduction.max(1));
        Self {
            squeeze: LinearConfig::new(channels, hidden).init(device),
            excite: LinearConfig::new(hidden, channels).init(device),
            relu: Relu::new(),
        }
    }

    /// The channel weights `s = σ(W₂ ReLU(W₁ z + b₁) + b₂)`.
    ///
    /// # Shapes
    /// `[B, C, T] → [B, C]`
    pub fn weights(&self, h: Tensor<3>) -> Tensor<2> {
        sigmoid(self.excite.forward(self.relu.forward(self.squeeze.forward(time_mean(h)))))
    }

    /// `h_{c,t} · s_c`.
    ///
    /// # Shapes
    /// `[B, C, T] → [B, C, T]`
    pub fn forward(&self, h: Tensor<3>) -> Tensor<3> {
        let s = self.weights(h.clone());
        h * s.unsqueeze_dim(2)
    }
}

/// Attention pooling over frames.
#[derive(Module, Debug)]
pub struct FrameAttention {
    /// Scores `e_t = v·h_t + b`: `C → 1`.
    pub score: Linear,
}

impl FrameAttention {
    /// Frame attention over `channels`-wide frames.
    pub fn new(channels: usize, device: &Device) -> Self {
        Self { score: LinearConfig::new(channels, 1).init(device) }
    }

    /// The frame weights `α = softmax_t(v·h_t + b)`; each row sums to 1.
    ///
    /// # Shapes
    /// `[B, C, T] → [B, T]`
    pub fn weights(&self, h: Tensor<3>) -> Tensor<2> {
        let [b, _, t] = h.dims();
        let scores = self.score.forward(h.swap_dims(1, 2)).reshape([b, t]);
        softmax(scores, 1)
    }

    /// `Σ_t α_t h_t`.
    ///
    /// # Shapes
    /// `[B, C, T] → [B, C]`
    pub fn forward(&self, h: Tensor<3>) -> Tensor<2> {
        let alpha = self.weights(h.clone());
        (h * alpha.unsqueeze_dim(1)).sum_dim(2).squeeze_dim(2)
    }
}

/// The attention subnet.
#[derive(Module, Debug)]
pub struct AttentionNet {
    /// `Conv_k(J·3 → W) → BN → ReLU`.
    pub stem: ConvBn,
    /// Residual blocks.
    pub blocks: Vec<ResBlock1d>,
    /// One SE after each block.
    pub se: Vec<SeAttention>,
    /// Pooling over frames.
    pub frames: FrameAttention,
    dropout: Dropout,
    /// `W → classes`.
    pub head: Linear,
}

impl AttentionNet {
    /// The subnet with `config`'s sizes (at least one block, so there is a channel attention).
    pub fn new(config: &EnsembleConfig, device: &Device) -> Self {
        let (w, blocks) = (config.width, config.blocks.max(1));
        Self {
            stem: ConvBn::new(config.channels(), w, config.kernel, device),
            blocks: (0..blocks).map(|_| ResBlock1d::new(w, w, config.kernel, device)).collect(),
            se: (0..blocks).map(|_| SeAttention::new(w, config.reduction, device)).collect(),
            frames: FrameAttention::new(w, device),
            dropout: DropoutConfig::new(config.dropout).init(),
            head: LinearConfig::new(w, config.classes).init(device),
        }
    }

    /// The attended temporal map before frame pooling.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, W, T]`
    pub fn features(&self, x: Tensor<3>) -> Tensor<3> {
        let mut h = self.stem.forward(x);
        for (block, se) in self.blocks.iter().zip(&self.se) {
            h = se.forward(block.forward(h));
        }
        h
    }

    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let pooled = self.frames.forward(self.features(x));
        self.head.forward(self.dropout.forward(pooled))
    }
}
