//! A small CNN: `Conv3×3 → BatchNorm → ReLU (→ MaxPool 2×2)` blocks, global average pooling
//! and a linear head.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::{Device, Tensor};

/// Configuration of a [`Cnn`].
#[derive(Config, Debug)]
pub struct CnnConfig {
    /// Input channels (1 for grey, 3 for RGB).
    pub in_channels: usize,
    /// Output classes.
    pub num_classes: usize,
    /// Channels of each conv block. Default: `[32, 64]`.
    #[config(default = "vec![32, 64]")]
    pub channels: Vec<usize>,
    /// Max-pool (2×2) after every block except the last. Default: true.
    #[config(default = true)]
    pub pool: bool,
}

impl CnnConfig {
    /// Builds the CNN on `device`.
    pub fn init(&self, device: &Device) -> Cnn {
        let mut blocks = Vec::new();
        let mut in_ch = self.in_channels;
        for (i, &out_ch) in self.channels.iter().enumerate() {
            let pool = self.pool && i + 1 < self.channels.len();
            blocks.push(ConvBlock::new(in_ch, out_ch, 1, pool, device));
            in_ch = out_ch;
        }
        Cnn {
            blocks,
            gap: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            head: LinearConfig::new(in_ch, self.num_classes).init(device),
        }
    }
}

/// `Conv3×3 (stride s, padding 1) → BatchNorm → ReLU`, optionally followed by a 2×2 max-pool.
#[derive(Module, Debug)]
pub struct ConvBlock {
    /// The convolution.
    pub conv: Conv2d,
    /// Batch normalisation.
    pub norm: BatchNorm,
    activation: Relu,
    pool: Option<MaxPool2d>,
}

impl ConvBlock {
    /// A block from `in_ch` to `out_ch` channels.
    pub fn new(in_ch: usize, out_ch: usize, stride: usize, pool: bool, device: &Device) -> Self {
        Self {
            conv: Conv2dConfig::new([in_ch, out_ch], [3, 3])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .with_bias(false)
                .init(device),
            norm: BatchNormConfig::new(out_ch).init(device),
            activation: Relu::new(),
            pool: pool.then(|| MaxPool2dConfig::new([2, 2]).init()),
        }
    }

    /// # Shapes
    /// `[b, in, h, w] → [b, out, h', w']`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.activation.forward(self.norm.forward(self.conv.forward(x)));
        match &self.pool {
            Some(pool) => pool.forward(x),
            None => x,
        }
    }
}

/// The small CNN.
#[derive(Module, Debug)]
pub struct Cnn {
    /// Conv blocks.
    pub blocks: Vec<ConvBlock>,
    gap: AdaptiveAvgPool2d,
    /// Linear classifier on the pooled features.
    pub head: Linear,
}

impl Cnn {
    /// The last spatial feature map.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, channels.last, h / 2^(blocks-1), w / 2^(blocks-1)]`
    pub fn features(&self, mut x: Tensor<4>) -> Tensor<4> {
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// `(kernel, stride, padding)` of every spatial layer, in order.
    pub fn layer_geometry(&self) -> Vec<(usize, usize, usize)> {
        let mut layers = Vec::new();
        for block in &self.blocks {
            layers.push((3, block.conv.stride[0], 1));
            if block.pool.is_some() {
                layers.push((2, 2, 0));
            }
        }
        layers
    }

    /// Number of channels of [`Cnn::features`].
    pub fn out_channels(&self) -> usize {
        self.head.weight.dims()[0]
    }

    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.gap.forward(self.features(x));
        self.head.forward(x.flatten(1, 3))
    }
}
