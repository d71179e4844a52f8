//! [`OfaConfig`]: a MobileNetV3-style supernet sized for small images.

use burn::nn::conv::Conv2dConfig;
use burn::nn::{BatchNormConfig, LinearConfig, PaddingConfig2d};
use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::supernet::OfaSupernet;
use crate::elastic::{Activation, ElasticMbBlockConfig};

/// One unit (stage) of blocks with the same output width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitConfig {
    /// Output channels.
    pub out_channels: usize,
    /// Stride of the unit's first block.
    pub stride: usize,
    /// Largest number of blocks.
    pub max_depth: usize,
    /// The blocks' nonlinearity (MobileNetV3: ReLU early, h-swish late). Default ReLU.
    #[serde(default)]
    pub activation: Activation,
    /// Squeeze-and-excitation in the blocks. Default off.
    #[serde(default)]
    pub use_se: bool,
}

impl UnitConfig {
    /// A ReLU unit without SE.
    pub fn new(out_channels: usize, stride: usize, max_depth: usize) -> Self {
        Self { out_channels, stride, max_depth, activation: Activation::Relu, use_se: false }
    }

    /// Sets the activation and SE.
    pub fn with_mobilenet_v3(mut self, activation: Activation, use_se: bool) -> Self {
        self.activation = activation;
        self.use_se = use_se;
        self
    }
}

/// The supernet's search space and widths. Defaults: the small experiment of our notes (a digits
/// CNN with 2 units of up to 3 blocks, kernels {5, 3} (5 → 3 transform), expand {2, 3, 4},
/// resolutions {6, 8}).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfaConfig {
    /// Input channels.
    pub in_channels: usize,
    /// Classes.
    pub num_classes: usize,
    /// Stem output channels.
    pub stem_channels: usize,
    /// The stem's nonlinearity (MobileNetV3: h-swish). Default ReLU.
    #[serde(default)]
    pub stem_activation: Activation,
    /// Units.
    pub units: Vec<UnitConfig>,
    /// Kernel sizes, largest first.
    pub kernel_sizes: Vec<usize>,
    /// Expand ratios.
    pub expand_ratios: Vec<usize>,
    /// Depth choices per unit.
    pub depths: Vec<usize>,
    /// Input resolutions.
    pub resolutions: Vec<usize>,
}

impl OfaConfig {
    /// The small digits supernet.
    pub fn digits() -> Self {
        Self {
            in_channels: 1,
            num_classes: 10,
            stem_channels: 16,
            stem_activation: Activation::Relu,
            units: vec![UnitConfig::new(24, 1, 3), UnitConfig::new(32, 2, 3)],
            kernel_sizes: vec![5, 3],
            expand_ratios: vec![2, 3, 4],
            depths: vec![1, 2, 3],
            resolutions: vec![6, 8],
        }
    }

    /// The MobileNetV3-style supernet of Once-for-All (OFA's `OFAMobileNetV3`, §4 of the
    /// paper) scaled to small images (28–64 px, e.g. MNIST-sized or CIFAR-sized inputs): an
    /// h-swish stem, then five units of up to 4 blocks with widths 16-24-40-80-112, strides
    /// 1-2-2-2-1 (÷8 overall instead of ÷32), ReLU in the first three units and h-swish after,
    /// SE in the 40- and 112-wide units, the activation and SE pattern of OFA's MobileNetV3
    /// stages (its last, 160-wide stride-2 stage is dropped for small inputs); elastic kernels
    /// {7, 5, 3}, expand ratios {3, 4, 6},
    /// depths {2, 3, 4} and resolutions {28, 32, 40, 48, 56, 64}, OFA's choice lists with the
    /// resolutions scaled down.
    pub fn mobilenet_v3_small_images(in_channels: usize, num_classes: usize) -> Self {
        use Activation::{HSwish, Relu};
        Self {
            in_channels,
            num_classes,
            stem_channels: 16,
            stem_activation: HSwish,
            units: vec![
                UnitConfig::new(16, 1, 4).with_mobilenet_v3(Relu, false),
                UnitConfig::new(24, 2, 4).with_mobilenet_v3(Relu, false),
                UnitConfig::new(40, 2, 4).with_mobilenet_v3(Relu, true),
                UnitConfig::new(80, 2, 4).with_mobilenet_v3(HSwish, false),
                UnitConfig::new(112, 1, 4).with_mobilenet_v3(HSwish, true),
            ],
            kernel_sizes: vec![7, 5, 3],
            expand_ratios: vec![3, 4, 6],
            depths: vec![2, 3, 4],
            resolutions: vec![28, 32, 40, 48, 56, 64],
        }
    }

    /// The preset for `channels × side × side` images of `classes` classes: up to 16 px, the
    /// small [`digits`](Self::digits) supernet (resolutions `side − 2` and `side`); larger, the
    /// [`mobilenet_v3_small_images`](Self::mobilenet_v3_small_images) supernet with the
    /// resolutions not above `side` (just `side` if none is).
    pub fn for_images(channels: usize, side: usize, classes: usize) -> Self {
        if side <= 16 {
            let resolutions = if side > 4 { vec![side - 2, side] } else { vec![side] };
            return Self { in_channels: channels, num_classes: classes, resolutions, ..Self::digits() };
        }
        let mut config = Self::mobilenet_v3_small_images(channels, classes);
        config.resolutions.retain(|&r| r <= side);
        if config.resolutions.is_empty() {
            config.resolutions = vec![side];
        }
        config
    }

    /// Block slots (sum of the units' largest depths).
    pub fn slots(&self) -> usize {
        self.units.iter().map(|u| u.max_depth).sum()
    }

    /// Builds the supernet.
    pub fn init(&self, device: &Device) -> OfaSupernet {
        let max_expand = self.expand_ratios.iter().copied().max().unwrap_or(1);
        let mut in_ch = self.stem_channels;
        let mut units = Vec::new();
        for unit in &self.units {
            let blocks = (0..unit.max_depth)
                .map(|b| {
                    let block = ElasticMbBlockConfig::new(in_ch, unit.out_channels)
                        .with_max_expand(max_expand)
                        .with_kernel_sizes(self.kernel_sizes.clone())
                        .with_stride(if b == 0 { unit.stride } else { 1 })
                        .with_activation(unit.activation)
                        .with_use_se(unit.use_se)
                        .init(device);
                    in_ch = unit.out_channels;
                    block
                })
                .collect();
            units.push(blocks);
        }
        OfaSupernet {
            stem: Conv2dConfig::new([self.in_channels, self.stem_channels], [3, 3])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .with_bias(false)
                .init(device),
            stem_norm: BatchNormConfig::new(self.stem_channels).init(device),
            units,
            head: LinearConfig::new(in_ch, self.num_classes).init(device),
            config: self.clone(),
        }
    }
}
