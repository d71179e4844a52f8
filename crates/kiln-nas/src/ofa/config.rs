//! [`OfaConfig`]: a MobileNetV3-style supernet sized for small images.

use burn::nn::conv::Conv2dConfig;
use burn::nn::{BatchNormConfig, LinearConfig, PaddingConfig2d};
use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::supernet::OfaSupernet;
use crate::elastic::ElasticMbBlockConfig;

/// One unit (stage) of blocks with the same output width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitConfig {
    /// Output channels.
    pub out_channels: usize,
    /// Stride of the unit's first block.
    pub stride: usize,
    /// Largest number of blocks.
    pub max_depth: usize,
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
            units: vec![
                UnitConfig { out_channels: 24, stride: 1, max_depth: 3 },
                UnitConfig { out_channels: 32, stride: 2, max_depth: 3 },
            ],
            kernel_sizes: vec![5, 3],
            expand_ratios: vec![2, 3, 4],
            depths: vec![1, 2, 3],
            resolutions: vec![6, 8],
        }
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
