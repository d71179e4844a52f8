//! The building blocks of a RevCol level: a channels-first layer norm and the ConvNeXt block
//! (Liu et al. 2022), `y = x + DropPath(γ ⊙ W₂ GELU(W₁ LN(DWConv₃ₓ₃(x))))`, with layer scale γ
//! (initialised to 1e-6 in RevCol) and per-sample drop path.
//!
//! Drop path draws its mask from a seed (see [`mix`]) instead of a global RNG, so that the
//! reversible backward, which re-runs every block, draws the same mask as the forward did (the
//! official code saves and restores the CUDA RNG state for the same reason).

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::gelu;

/// Layer norm over the channels of a `[batch, channels, height, width]` tensor (eps 1e-6).
#[derive(Module, Debug)]
pub struct ChannelNorm {
    norm: LayerNorm,
}

impl ChannelNorm {
    /// A norm over `channels`.
    pub fn new(channels: usize, device: &Device) -> Self {
        Self { norm: LayerNormConfig::new(channels).with_epsilon(1e-6).init(device) }
    }

    /// Normalises each position's channel vector.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.norm.forward(x.permute([0, 2, 3, 1])).permute([0, 3, 1, 2])
    }
}

/// SplitMix64 step: mixes `seed` with `salt` into a new seed.
pub fn mix(seed: u64, salt: u64) -> u64 {
    let mut z = seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x632B_E59B_D9B4_E019);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Drop path: each sample's branch is zeroed with probability `rate` and the survivors scaled by
/// `1/(1 − rate)`; the mask is a function of `seed` only.
pub fn drop_path(x: Tensor<4>, rate: f64, seed: u64) -> Tensor<4> {
    let batch = x.dims()[0];
    let keep = 1.0 - rate;
    let mask: Vec<f32> = (0..batch as u64)
        .map(|b| {
            let u = (mix(seed, b) >> 11) as f64 / (1u64 << 53) as f64;
            if u < keep { (1.0 / keep) as f32 } else { 0.0 }
        })
        .collect();
    let mask = Tensor::<1>::from_floats(mask.as_slice(), &x.device().without_autodiff()).reshape([batch, 1, 1, 1]);
    x * mask
}

/// A ConvNeXt block of `channels` channels.
#[derive(Module, Debug)]
pub struct ConvNextBlock {
    dw: Conv2d,
    norm: LayerNorm,
    expand: Linear,
    project: Linear,
    gamma: Param<Tensor<1>>,
    drop_rate: f64,
}

impl ConvNextBlock {
    /// A block with layer scale `layer_scale` and drop-path rate `drop_rate`.
    pub fn new(channels: usize, layer_scale: f64, drop_rate: f64, device: &Device) -> Self {
        Self {
            dw: Conv2dConfig::new([channels, channels], [3, 3])
                .with_groups(channels)
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .init(device),
            norm: LayerNormConfig::new(channels).with_epsilon(1e-6).init(device),
            expand: LinearConfig::new(channels, 4 * channels).init(device),
            project: LinearConfig::new(4 * channels, channels).init(device),
            gamma: Param::from_tensor(Tensor::full([channels], layer_scale, device)),
            drop_rate,
        }
    }

    /// `x + DropPath(γ ⊙ MLP(LN(DWConv(x))))`; drop path only with a `seed` (training).
    pub fn forward(&self, x: Tensor<4>, seed: Option<u64>) -> Tensor<4> {
        let c = x.dims()[1];
        let y = self.dw.forward(x.clone()).permute([0, 2, 3, 1]);
        let y = self.project.forward(gelu(self.expand.forward(self.norm.forward(y))));
        let y = (y * self.gamma.val().reshape([1, 1, 1, c])).permute([0, 3, 1, 2]);
        let y = match seed {
            Some(s) if self.drop_rate > 0.0 => drop_path(y, self.drop_rate, s),
            _ => y,
        };
        x + y
    }
}
