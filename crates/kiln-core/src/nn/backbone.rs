//! A feature extractor chosen by configuration: the small CNN or a ResNet.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::{Cnn, CnnConfig, ResNet, ResNetConfig};

/// Which backbone to build (the classifier head is built but unused by feature users).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BackboneConfig {
    /// Small CNN with these block widths.
    Cnn {
        /// Input channels.
        in_channels: usize,
        /// Block widths.
        channels: Vec<usize>,
    },
    /// ResNet with these stage depths and base width.
    ResNet {
        /// Input channels.
        in_channels: usize,
        /// Blocks per stage.
        blocks: Vec<usize>,
        /// Width of the first stage.
        base_width: usize,
    },
}

impl BackboneConfig {
    /// Builds the backbone on `device`.
    pub fn init(&self, device: &Device) -> Backbone {
        match self {
            Self::Cnn { in_channels, channels } => {
                Backbone::Cnn(CnnConfig::new(*in_channels, 1).with_channels(channels.clone()).init(device))
            }
            Self::ResNet { in_channels, blocks, base_width } => Backbone::ResNet(
                ResNetConfig::new(*in_channels, 1)
                    .with_blocks(blocks.clone())
                    .with_base_width(*base_width)
                    .init(device),
            ),
        }
    }
}

/// A feature extractor returning its last spatial feature map.
// Built once per model; boxing the ResNet would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Backbone {
    /// The small CNN.
    Cnn(Cnn),
    /// A ResNet.
    ResNet(ResNet),
}

impl Backbone {
    /// # Shapes
    /// `[b, c, h, w] → [b, out_channels, h', w']`
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            Self::Cnn(m) => m.features(x),
            Self::ResNet(m) => m.features(x),
        }
    }

    /// Channels of the feature map.
    pub fn out_channels(&self) -> usize {
        match self {
            Self::Cnn(m) => m.out_channels(),
            Self::ResNet(m) => m.out_channels(),
        }
    }
}
