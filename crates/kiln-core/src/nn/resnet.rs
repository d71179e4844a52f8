//! A width- and depth-configurable ResNet (He et al., CVPR 2016) with basic blocks, usable as a
//! feature extractor that returns the last spatial feature map.
//!
//! Each basic block computes `y = ReLU(BN(conv3×3(ReLU(BN(conv3×3(x))))) + shortcut(x))`, where
//! the shortcut is the identity, or `BN(conv1×1, stride s)` when the shape changes.
//! `blocks = [2, 2, 2, 2]` with `base_width = 64` is ResNet-18; `[1, 1, 1]` is a ResNet-8.
//! Batch norms run through [`fused::batch_norm`](super::fused::batch_norm) (one kernel per
//! direction on flex in training mode; burn's own op elsewhere and in inference).

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::{Device, Tensor};

use super::ReceptiveField;

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

    /// A ResNet sized to a `channels × height × width` input: the default small-image network
    /// (stem 3×3, one basic block per stage, base width 16) with the fewest stages (at least
    /// three, the default ResNet-8) such that the receptive field of the last feature map covers
    /// the image: some position of it sees every input pixel ([`ReceptiveField::covers_image`]).
    ///
    /// With `n` stages the main path is the stem and `2n` 3×3 convolutions (padding 1), the
    /// first of each stage after the first with stride 2, so the receptive field has side
    /// `S = 6 · 2^(n−1) + 1` and jump `J = 2^(n−1)`, and position `i` is centred on input
    /// coordinate `0.5 + i·J`. Position 3 sees `[0, 6J + 1)`, so an axis of `L` pixels is
    /// covered exactly when `S ≥ L`: with `L = max(height, width)`, 3 stages up to 25 px,
    /// 4 up to 49 px (28 and 32 px), 5 up to 97 px (64 px), 6 up to 193 px. The default ResNet-8
    /// therefore does *not* cover 28- or 32-px images. The rule is evaluated on the layer
    /// geometry itself; it stops adding stages once the shorter side has shrunk to one position.
    pub fn for_input(in_channels: usize, height: usize, width: usize, num_classes: usize) -> Self {
        let shortest = height.min(width).max(1);
        let mut config = Self::new(in_channels, num_classes);
        // Stage n+1 halves the map n times in all (ceil): it needs 2^(n−1) < shortest.
        while !config.covers_input(height, width) && (1usize << (config.blocks.len().min(64) - 1)) < shortest {
            config.blocks.push(1);
        }
        config
    }

    /// `(kernel, stride, padding)` of every spatial layer on the main path of the configured
    /// network, in order; the same as [`ResNet::layer_geometry`] of the built model.
    pub fn layer_geometry(&self) -> Vec<(usize, usize, usize)> {
        let strides =
            self.blocks.iter().enumerate().flat_map(|(i, &n)| (0..n).map(move |j| if i > 0 && j == 0 { 2 } else { 1 }));
        stem_geometry(self.imagenet_stem).into_iter().chain(strides.flat_map(BasicBlock::geometry)).collect()
    }

    /// Receptive field of one position of the last feature map.
    pub fn receptive_field(&self) -> ReceptiveField {
        ReceptiveField::of_layers(&self.layer_geometry())
    }

    /// Whether some position of the last feature map sees the whole `height × width` input.
    pub fn covers_input(&self, height: usize, width: usize) -> bool {
        ReceptiveField::covers_image(&self.layer_geometry(), height, width)
    }

    /// Builds the network on `device`.
    pub fn init(&self, device: &Device) -> ResNet {
        let (k, s, p) = stem_geometry(self.imagenet_stem)[0];
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

/// `(kernel, stride, padding)` of the stem's spatial layers: the ImageNet stem's 7×7 stride-2
/// convolution and 3×3 stride-2 max-pool, or the small-image stem's 3×3 stride-1 convolution.
fn stem_geometry(imagenet_stem: bool) -> Vec<(usize, usize, usize)> {
    if imagenet_stem { vec![(7, 2, 3), (3, 2, 1)] } else { vec![(3, 1, 1)] }
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

    /// `(kernel, stride, padding)` of the two convolutions on the main path of a block with
    /// this stride (the 1×1 shortcut sees less and does not widen the receptive field).
    pub fn geometry(stride: usize) -> [(usize, usize, usize); 2] {
        [(3, stride, 1), (3, 1, 1)]
    }

    /// # Shapes
    /// `[b, in, h, w] → [b, out, h/stride, w/stride]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let identity = match &self.shortcut {
            Some((conv, norm)) => super::fused::batch_norm(norm, conv.forward(x.clone())),
            None => x.clone(),
        };
        let y = self.activation.forward(super::fused::batch_norm(&self.norm1, self.conv1.forward(x)));
        let y = super::fused::batch_norm(&self.norm2, self.conv2.forward(y));
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
        let mut x = self.forward_stem(x);
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// Every stage's output (the last block of each stage; a stage after the first begins with
    /// a stride-2 block), in order; the last is [`ResNet::features`]. The stem is no stage:
    /// stage 0 is torchvision's `layer1`.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [[b, base_width · 2^i, h_i, w_i]; stages]`
    pub fn stages(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        let mut x = self.forward_stem(x);
        let mut stages = Vec::new();
        for (i, block) in self.blocks.iter().enumerate() {
            x = block.forward(x);
            let stage_ends = self.blocks.get(i + 1).is_none_or(|next| next.conv1.stride[0] > 1);
            if stage_ends {
                stages.push(x.clone());
            }
        }
        stages
    }

    /// The stem: convolution, batch norm, ReLU and, with the ImageNet stem, the max-pool.
    fn forward_stem(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.activation.forward(super::fused::batch_norm(&self.stem_norm, self.stem.forward(x)));
        match &self.stem_pool {
            Some(pool) => pool.forward(x),
            None => x,
        }
    }

    /// `(kernel, stride, padding)` of every spatial layer on the main path, in order.
    pub fn layer_geometry(&self) -> Vec<(usize, usize, usize)> {
        let blocks = self.blocks.iter().flat_map(|block| BasicBlock::geometry(block.conv1.stride[0]));
        stem_geometry(self.stem_pool.is_some()).into_iter().chain(blocks).collect()
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
