//! One level of one column: F_k = blocks ∘ Fusion (megvii-research/RevCol `models/revcol.py`,
//! `Fusion`, `Level`, `UpSampleConvnext`).
//!
//! Fusion(c_{k−1}^i, c_{k+1}^{i−1}) = Down(c_{k−1}^i) + Up(c_{k+1}^{i−1}) with
//! - Down = Conv 2×2 stride 2 + LN (levels k ≥ 1; identity at level 0, whose input is the stem),
//! - Up = Linear(C_{k+1} → C_k) + LN + nearest ×2 (levels below the top, not in column 1, whose
//!   previous column is zero).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};

use super::block::{ChannelNorm, ConvNextBlock, mix};

/// Down-sampling branch: 2×2 stride-2 convolution and a channel norm.
#[derive(Module, Debug)]
pub struct Down {
    conv: Conv2d,
    norm: ChannelNorm,
}

/// Up-sampling branch: a per-position linear map, a layer norm and nearest ×2 upsampling.
#[derive(Module, Debug)]
pub struct Up {
    linear: Linear,
    norm: LayerNorm,
}

impl Up {
    /// `[b, C_{k+1}, h, w]` → `[b, C_k, 2h, 2w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = self.norm.forward(self.linear.forward(x.permute([0, 2, 3, 1]))).permute([0, 3, 1, 2]);
        let [b, c, h, w] = y.dims();
        y.reshape([b, c, h, 1, w, 1]).repeat_dim(3, 2).repeat_dim(5, 2).reshape([b, c, 2 * h, 2 * w])
    }
}

/// F_k of one column: fusion, then ConvNeXt blocks.
#[derive(Module, Debug)]
pub struct Level {
    down: Option<Down>,
    up: Option<Up>,
    blocks: Vec<ConvNextBlock>,
}

impl Level {
    /// Level `k` of a column; `channels[k]` wide, `drop_rates` one per block.
    pub fn new(
        k: usize,
        channels: &[usize],
        first_column: bool,
        layer_scale: f64,
        drop_rates: &[f64],
        device: &Device,
    ) -> Self {
        let c = channels[k];
        let down = (k > 0).then(|| Down {
            conv: Conv2dConfig::new([channels[k - 1], c], [2, 2]).with_stride([2, 2]).init(device),
            norm: ChannelNorm::new(c, device),
        });
        let up = (!first_column && k + 1 < channels.len()).then(|| Up {
            linear: LinearConfig::new(channels[k + 1], c).init(device),
            norm: LayerNormConfig::new(c).with_epsilon(1e-6).init(device),
        });
        let blocks = drop_rates.iter().map(|&r| ConvNextBlock::new(c, layer_scale, r, device)).collect();
        Self { down, up, blocks }
    }

    /// Whether this level reads the previous column (it has an up branch).
    pub fn reads_previous(&self) -> bool {
        self.up.is_some()
    }

    /// F_k(lower, upper): `lower` = c_{k−1}^i (the stem output at level 0), `upper` =
    /// c_{k+1}^{i−1} (ignored when the level has no up branch). `seed` enables drop path.
    pub fn forward(&self, lower: Tensor<4>, upper: Option<Tensor<4>>, seed: Option<u64>) -> Tensor<4> {
        let mut x = match &self.down {
            Some(d) => d.norm.forward(d.conv.forward(lower)),
            None => lower,
        };
        if let (Some(up), Some(u)) = (&self.up, upper) {
            x = x + up.forward(u);
        }
        for (j, block) in self.blocks.iter().enumerate() {
            x = block.forward(x, seed.map(|s| mix(s, j as u64)));
        }
        x
    }
}
