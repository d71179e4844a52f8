//! The spatial context pyramid (SCP): one global-context block per pyramid level
//! (`ContextAggregation` in CATNet's `models/scp.py`).
//!
//! For `x ∈ ℝ^{C×H×W}`:
//!
//! - gate `a = σ(W_a x + b_a) ∈ ℝ^{1×H×W}`;
//! - attention `k = softmax_{HW}(W_k x + b_k) ∈ ℝ^{HW}`;
//! - context `y = Σ_{hw} k_{hw} · (W_v x + b_v)_{:,hw} ∈ ℝ^{C'}` (`C' = C / reduction`;
//!   CATNet's reduction is 1, so `C' = C`);
//! - output `x + a ⊙ (W_m y + b_m)`, broadcast over channels and positions.
//!
//! All four maps are 1×1 convolutions; `a`, `k`, `v` start as Caffe2-Xavier, `m` at zero, so a
//! fresh block is the identity.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::Conv2d;
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{sigmoid, softmax};

use super::layers::xavier_conv;

/// Configuration of an [`Scp`] block.
#[derive(Config, Debug)]
pub struct ScpConfig {
    /// Channels `C` of the level.
    pub channels: usize,
    /// `C / C'` of the value map. Default: 1 (CATNet).
    #[config(default = 1)]
    pub reduction: usize,
}

impl ScpConfig {
    /// One block on `device`, with `m` zero.
    pub fn init(&self, device: &Device) -> Scp {
        let inter = (self.channels / self.reduction.max(1)).max(1);
        let mut m = xavier_conv(inter, self.channels, 1, 1, true, device);
        // A fresh parameter (not `map`, whose zeros would not require gradients).
        m.weight = Param::from_tensor(Tensor::zeros(m.weight.dims(), device));
        Scp {
            a: xavier_conv(self.channels, 1, 1, 1, true, device),
            k: xavier_conv(self.channels, 1, 1, 1, true, device),
            v: xavier_conv(self.channels, inter, 1, 1, true, device),
            m,
        }
    }

    /// One block per level of a `levels`-level pyramid (CATNet: 5).
    pub fn init_pyramid(&self, levels: usize, device: &Device) -> ScpPyramid {
        ScpPyramid { blocks: (0..levels).map(|_| self.init(device)).collect() }
    }
}

/// One SCP block.
#[derive(Module, Debug)]
pub struct Scp {
    /// Gate `C → 1`.
    pub a: Conv2d,
    /// Attention logits `C → 1`.
    pub k: Conv2d,
    /// Value `C → C'`.
    pub v: Conv2d,
    /// Output `C' → C`, zero-initialised.
    pub m: Conv2d,
}

impl Scp {
    /// `x + a ⊙ m(Σ_hw k·v(x))`.
    ///
    /// # Shapes
    /// `[n, C, H, W] → [n, C, H, W]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [n, c, h, w] = x.dims();
        let a = sigmoid(self.a.forward(x.clone()));
        let k = softmax(self.k.forward(x.clone()).reshape([n, h * w]), 1).reshape([n, h * w, 1]);
        let v = self.v.forward(x.clone());
        let inter = v.dims()[1];
        let y = v.reshape([n, inter, h * w]).matmul(k).reshape([n, inter, 1, 1]);
        let y = self.m.forward(y).expand([n, c, h, w]) * a.expand([n, c, h, w]);
        x + y
    }
}

/// SCP over a feature pyramid: an independent [`Scp`] block per level.
#[derive(Module, Debug)]
pub struct ScpPyramid {
    /// The blocks, finest level first.
    pub blocks: Vec<Scp>,
}

impl ScpPyramid {
    /// Each level through its block.
    ///
    /// # Panics
    /// When the number of levels differs from the number of blocks.
    pub fn forward(&self, levels: Vec<Tensor<4>>) -> Vec<Tensor<4>> {
        assert_eq!(levels.len(), self.blocks.len(), "SCP: {} levels for {} blocks", levels.len(), self.blocks.len());
        levels.into_iter().zip(&self.blocks).map(|(x, block)| block.forward(x)).collect()
    }
}
