//! Base-Net: a residual 1D CNN over time whose input channels are the `J·3` joint coordinates.
//!
//! `h₀ = ReLU(BN(Conv_k(x)))`, then residual blocks
//! `h_{i+1} = ReLU(BN(Conv_k(ReLU(BN(Conv_k(h_i))))) + P(h_i))` (`P` a 1×1 convolution when the
//! width changes, the identity otherwise), global average pooling over time
//! `z = (1/T) Σ_t h_t` and a linear classifier `y = W z + b` (Xu & Wang, arXiv 1801.01080).

use burn::module::Module;
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Linear, LinearConfig, PaddingConfig1d, Relu};
use burn::prelude::{Device, Tensor};

use super::config::EnsembleConfig;

/// `Conv1d(k, same) → BatchNorm → ReLU`.
#[derive(Module, Debug)]
pub struct ConvBn {
    /// The convolution.
    pub conv: Conv1d,
    /// Batch normalisation.
    pub norm: BatchNorm,
    relu: Relu,
}

/// A `same`-padded 1D convolution without bias (a batch norm follows).
pub fn conv1d(channels_in: usize, channels_out: usize, kernel: usize, device: &Device) -> Conv1d {
    Conv1dConfig::new(channels_in, channels_out, kernel)
        .with_padding(PaddingConfig1d::Explicit(kernel / 2, kernel / 2))
        .with_bias(false)
        .init(device)
}

impl ConvBn {
    /// A layer from `channels_in` to `channels_out` with kernel `kernel`.
    pub fn new(channels_in: usize, channels_out: usize, kernel: usize, device: &Device) -> Self {
        Self {
            conv: conv1d(channels_in, channels_out, kernel, device),
            norm: BatchNormConfig::new(channels_out).init(device),
            relu: Relu::new(),
        }
    }

    /// # Shapes
    /// `[B, C_in, L] → [B, C_out, L]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.relu.forward(self.norm.forward(self.conv.forward(x)))
    }
}

/// One residual block: two `Conv_k → BN` with a ReLU between, the input added back, a ReLU.
#[derive(Module, Debug)]
pub struct ResBlock1d {
    /// First convolution.
    pub conv1: Conv1d,
    /// Its batch norm.
    pub norm1: BatchNorm,
    /// Second convolution.
    pub conv2: Conv1d,
    /// Its batch norm.
    pub norm2: BatchNorm,
    /// 1×1 projection of the shortcut when the width changes.
    pub project: Option<Conv1d>,
    relu: Relu,
}

impl ResBlock1d {
    /// A block from `channels_in` to `channels_out`.
    pub fn new(channels_in: usize, channels_out: usize, kernel: usize, device: &Device) -> Self {
        Self {
            conv1: conv1d(channels_in, channels_out, kernel, device),
            norm1: BatchNormConfig::new(channels_out).init(device),
            conv2: conv1d(channels_out, channels_out, kernel, device),
            norm2: BatchNormConfig::new(channels_out).init(device),
            project: (channels_in != channels_out).then(|| conv1d(channels_in, channels_out, 1, device)),
            relu: Relu::new(),
        }
    }

    /// # Shapes
    /// `[B, C_in, T] → [B, C_out, T]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let shortcut = match &self.project {
            Some(p) => p.forward(x.clone()),
            None => x.clone(),
        };
        let h = self.relu.forward(self.norm1.forward(self.conv1.forward(x)));
        self.relu.forward(self.norm2.forward(self.conv2.forward(h)) + shortcut)
    }
}

/// Residual temporal layers shared by the subnets: `blocks` blocks, the first from
/// `channels_in` to `width`.
#[derive(Module, Debug)]
pub struct Trunk {
    /// The blocks, in order.
    pub blocks: Vec<ResBlock1d>,
}

impl Trunk {
    /// `blocks` residual blocks ending at `width` channels.
    pub fn new(channels_in: usize, width: usize, blocks: usize, kernel: usize, device: &Device) -> Self {
        let blocks = (0..blocks)
            .map(|i| ResBlock1d::new(if i == 0 { channels_in } else { width }, width, kernel, device))
            .collect();
        Self { blocks }
    }

    /// # Shapes
    /// `[B, C_in, T] → [B, width, T]` (unchanged when there are no blocks).
    pub fn forward(&self, mut x: Tensor<3>) -> Tensor<3> {
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }
}

/// Mean over the last (time) axis: `[B, C, T] → [B, C]`.
pub fn time_mean(x: Tensor<3>) -> Tensor<2> {
    x.mean_dim(2).squeeze_dim(2)
}

/// Base-Net: stem, residual temporal layers, global average pooling, linear classifier.
#[derive(Module, Debug)]
pub struct BaseNet {
    /// `Conv_k(J·3 → W) → BN → ReLU`.
    pub stem: ConvBn,
    /// Residual blocks at width `W`.
    pub trunk: Trunk,
    dropout: Dropout,
    /// `W → classes`.
    pub head: Linear,
}

impl BaseNet {
    /// A Base-Net with `channels_in` input channels and `config`'s sizes.
    pub fn new(channels_in: usize, config: &EnsembleConfig, device: &Device) -> Self {
        Self {
            stem: ConvBn::new(channels_in, config.width, config.kernel, device),
            trunk: Trunk::new(config.width, config.width, config.blocks, config.kernel, device),
            dropout: DropoutConfig::new(config.dropout).init(),
            head: LinearConfig::new(config.width, config.classes).init(device),
        }
    }

    /// The temporal feature map.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, W, T]`
    pub fn features(&self, x: Tensor<3>) -> Tensor<3> {
        self.trunk.forward(self.stem.forward(x))
    }

    /// Class scores.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        self.head.forward(self.dropout.forward(time_mean(self.features(x))))
    }
}
