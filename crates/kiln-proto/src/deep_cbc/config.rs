//! [`DeepCbcConfig`]: the paper's CUB setting and the small preset for 32-px images.

use burn::config::Config;
use burn::module::Param;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::{BackboneConfig, CnnConfig};

use super::head::CbcHead;
use super::model::DeepCbc;

/// Configuration of a [`DeepCbc`]. Defaults follow `cub_resnet_config_base.yaml`: margin
/// 0.025, detections below 0.1 ignored at inference, a ResNet backbone (see the module's
/// deviations for its layout).
#[derive(Config, Debug)]
pub struct DeepCbcConfig {
    /// Number of classes `C` (one reasoning concept each).
    pub num_classes: usize,
    /// The feature extractor; its output channels are the components. Default: ResNet with
    /// basic blocks `[3, 4, 6, 3]`, base width 64, on RGB.
    #[config(default = "BackboneConfig::ResNet { in_channels: 3, blocks: vec![3, 4, 6, 3], base_width: 64 }")]
    pub backbone: BackboneConfig,
    /// Margin of the loss `ReLU(p⁻ − p⁺ + margin)`. Default 0.025.
    #[config(default = 0.025)]
    pub margin: f64,
    /// Detections below this are set to 0 in evaluation (`CBCNet.forward(inference=True)`).
    /// Default 0.1.
    #[config(default = 0.1)]
    pub inference_threshold: f64,
}

impl DeepCbcConfig {
    /// Width of the first block of the small preset; each further block doubles it, up to
    /// [`Self::SMALL_MAX_WIDTH`].
    pub const SMALL_BASE_WIDTH: usize = 16;

    /// Largest block width (and so the number of components) of the small preset.
    pub const SMALL_MAX_WIDTH: usize = 64;

    /// The small preset for `channels × height × width` images: a CNN with as many blocks as
    /// [`CnnConfig::for_input`] gives (its last map sees the whole image), block `i`
    /// `min(16 · 2^i, 64)` channels wide, so 64 components.
    pub fn small(num_classes: usize, channels: usize, height: usize, width: usize) -> Self {
        let blocks = CnnConfig::for_input(channels, height, width, num_classes).channels.len();
        let widths = (0..blocks).map(|i| (Self::SMALL_BASE_WIDTH << i.min(8)).min(Self::SMALL_MAX_WIDTH)).collect();
        Self::new(num_classes).with_backbone(BackboneConfig::Cnn { in_channels: channels, channels: widths })
    }

    /// Builds the network: the backbone (Kiln's initialisation) and the reasoning logits
    /// `0.6 − 0.2·N(0, 1)`, `[2K, C]` (random numbers from the device's generator).
    pub fn init(&self, device: &Device) -> DeepCbc {
        let backbone = self.backbone.init(device);
        let k = backbone.out_channels();
        let normal = Tensor::<2>::random([2 * k, self.num_classes], Distribution::Normal(0.0, 1.0), device);
        DeepCbc {
            backbone,
            head: CbcHead { reasoning: Param::from_tensor(normal.neg() * 0.2 + 0.6) },
            margin: self.margin,
            inference_threshold: self.inference_threshold,
        }
    }
}
