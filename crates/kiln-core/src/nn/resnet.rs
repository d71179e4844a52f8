//! A width- and depth-configurable ResNet (He et al., CVPR 2016) with basic blocks, usable as a
//! feature extractor that returns the last spatial feature map.
//!
//! Each basic block computes `y = ReLU(BN(conv3×3(ReLU(BN(conv3×3(x))))) + shortcut(x))`, where
//! the shortcut is the identity, or `BN(conv1×1, stride s)` when the shape changes.
//! `blocks = [2, 2, 2, 2]` with `base_width = 64` is ResNet-18; `[1, 1, 1]` is a ResNet-8.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::{Device, Tensor};

/// Configuration of a [`ResNet`].
#[derive(Config, Debug)]
pub struct ResNetConfig {
    /// Input channels.
    pub in_channels: usize,
    /// Output classes of the linear head.
    pub num_classes: usize,
    /// Basic blocks per stage; stage `i` has `base_width · 2^i` channels and stride 2 except the
    /// first. Default: `[1, 1, 1]` (ResNet-8).
    #[config(default = "vec![1, 1, 1]")]
    pub blocks: Vec<usize>,
    /// Channels of the stem and the first stage. Default: 16.
    #[config(default = 16)]
    pub base_width: usize,
    /// ImageNet stem (7×7 stride 2 + max-pool) instead of the small-image stem (3×3 stride 1).
    #[config(default = false)]
    pub imagenet_stem: bool,
}

impl ResNetConfig {
    /// ResNet-18: four stages of two blocks, widths 64–512, ImageNet stem.
    pub fn resnet18(in_channels: usize, num_classes: usize) -> Self {
        Self::new(in_channels, num_classes).with_blocks(vec![2, 2, 2, 2]).with_base_width(64).with_imagenet_stem(true)
    }

    /// Builds the network on `device`.
    pub fn init(&self, device: &Device) -> ResNet {
        let (k, s, p) = if self.imagenet_stem { (7, 2, 3) } else { (3, 1, 1) };
        let stem = Conv2dConfig::new([self.in_channels, self.base_width], [k, k])
            .with_stride([s, s])
            .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
            .with_bias(false)
            .init(device);
        let mut in_ch = self.base_width;
        let mut stages = Vec::new();
        for (i, &n) in self.blocks.iter().enumerate() {
            let out_ch = self.base_width << i;
            for j in 0..n {
                let stride = if i > 0 && j == 0 { 2 } else { 1 };
                stages.push(BasicBlock::new(in_ch, out_ch, stride, device));
                in_ch = out_ch;
            }
        }
        ResNet {
            stem,
            stem_norm: BatchNormConfig::new(self.base_width).init(device),
            stem_pool: self.imagenet_stem.then(|| {
                MaxPool2dConfig::new([3, 3])
                    .with_strides([2, 2])
                    .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                    .init()
            }),
            blocks: stages,
            activation: Relu::new(),
            gap: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            head: LinearConfig::new(in_ch, self.num_classes).init(device),
        }
    }
}

/// Two 3×3 convolutions with a residual connection.
#[derive(Module, Debug)]
pub struct BasicBlock {
    conv1: Conv2d,
    norm1: BatchNorm,
    conv2: Conv2d,
    norm2: BatchNorm,
    shortcut: Option<(Conv2d, BatchNorm)>,
    activation: Relu,
}

fn conv3x3(in_ch: usize, out_ch: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([in_ch, out_ch], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_bias(false)
        .init(device)
}

impl BasicBlock {
    /// A block from `in_ch` to `out_ch` channels with the given stride.
    pub fn new(in_ch: usize, out_ch: usize, stride: usize, device: &Device) -> Self {
        let shortcut = (stride != 1 || in_ch != out_ch).then(|| {
            (
                Conv2dConfig::new([in_ch, out_ch], [1, 1]).with_stride([stride, stride]).with_bias(false).init(device),
                BatchNormConfig::new(out_ch).init(device),
            )
        });
        Self {
            conv1: conv3x3(in_ch, out_ch, stride, device),
            norm1: BatchNormConfig::new(out_ch).init(device),
            conv2: conv3x3(out_ch, out_ch, 1, device),
            norm2: BatchNormConfig::new(out_ch).init(device),
            shortcut,
            activation: Relu::new(),
        }
    }

    /// # Shapes
    /// `[b, in, h, w] → [b, out, h/stride, w/stride]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let identity = match &self.shortcut {
            Some((conv, norm)) => norm.forward(conv.forward(x.clone())),
            None => x.clone(),
        };
        let y = self.activation.forward(self.norm1.forward(self.conv1.forward(x)));
        let y = self.norm2.forward(self.conv2.forward(y));
        self.activation.forward(y + identity)
    }
}

/// The ResNet.
#[derive(Module, Debug)]
pub struct ResNet {
    stem: Conv2d,
    stem_norm: BatchNorm,
    stem_pool: Option<MaxPool2d>,
    /// Residual blocks, all stages in order.
    pub blocks: Vec<BasicBlock>,
    activation: Relu,
    gap: AdaptiveAvgPool2d,
    /// Linear classifier.
    pub head: Linear,
}

impl ResNet {
    /// The last spatial feature map.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, base_width · 2^(stages-1), h', w']`
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let mut x = self.activation.forward(self.stem_norm.forward(self.stem.forward(x)));
        if let Some(pool) = &self.stem_pool {
            x = pool.forward(x);
        }
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// `(kernel, stride, padding)` of every spatial layer on the main path, in order.
    pub fn layer_geometry(&self) -> Vec<(usize, usize, usize)> {
        let mut layers =
            vec![(self.stem.kernel_size[0], self.stem.stride[0], if self.stem.kernel_size[0] == 7 { 3 } else { 1 })];
        if self.stem_pool.is_some() {
            layers.push((3, 2, 1));
        }
        for block in &self.blocks {
            layers.push((3, block.conv1.stride[0], 1));
            layers.push((3, 1, 1));
        }
        layers
    }

    /// Number of channels of [`ResNet::features`].
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
