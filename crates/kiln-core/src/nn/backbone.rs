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

    /// Every stage's output, in order: the CNN's blocks, the ResNet's stages (torchvision's
    /// `layer1`, `layer2`, …). The first is the shallowest map (EvalProtoPNet's SDFA aligns the
    /// deep map with it), the last is [`Backbone::features`].
    ///
    /// # Shapes
    /// `[b, c, h, w] → [[b, c_i, h_i, w_i]; stages]`
    pub fn stages(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        match self {
            Self::Cnn(m) => m.stages(x),
            Self::ResNet(m) => m.stages(x),
        }
    }

    /// The receptive field of one feature-map position in the input.
    pub fn receptive_field(&self) -> ReceptiveField {
        let layers = match self {
            Self::Cnn(m) => m.layer_geometry(),
            Self::ResNet(m) => m.layer_geometry(),
        };
        ReceptiveField::of_layers(&layers)
    }

    /// Channels of the feature map.
    pub fn out_channels(&self) -> usize {
        match self {
            Self::Cnn(m) => m.out_channels(),
            Self::ResNet(m) => m.out_channels(),
        }
    }
}

/// Where a feature-map position looks in the input: position `i` is centred on input pixel
/// `start + i · jump` and sees `size` pixels (standard receptive-field arithmetic over
/// `(kernel, stride, padding)` layers: `size += (k−1)·jump`, `start += ((k−1)/2 − p)·jump`,
/// `jump *= s`).
///
/// Serialisable so that a run can state the receptive field of its model in its config file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReceptiveField {
    /// Side of the receptive field in input pixels.
    pub size: usize,
    /// Input pixels between neighbouring feature positions.
    pub jump: usize,
    /// Input coordinate of the centre of position 0 (may be fractional or negative).
    pub start: f64,
}

impl ReceptiveField {
    /// Composes layers given as `(kernel, stride, padding)`.
    pub fn of_layers(layers: &[(usize, usize, usize)]) -> Self {
        let mut rf = Self { size: 1, jump: 1, start: 0.5 };
        for &(k, s, p) in layers {
            rf.size += (k - 1) * rf.jump;
            rf.start += ((k as f64 - 1.0) / 2.0 - p as f64) * rf.jump as f64;
            rf.jump *= s;
        }
        rf
    }

    /// Side of the output of `layers` for an input of side `input`: per layer
    /// `n ← ⌊(n + 2p − k) / s⌋ + 1`, and 0 once the input is smaller than a kernel.
    pub fn output_size(layers: &[(usize, usize, usize)], input: usize) -> usize {
        layers.iter().fold(input, |n, &(k, s, p)| if n + 2 * p < k || s == 0 { 0 } else { (n + 2 * p - k) / s + 1 })
    }

    /// Whether some position of the last feature map of `layers` sees every pixel of a
    /// `height × width` input: a position `(row, column)` whose [`input_box`](Self::input_box) is
    /// the whole image. This is the condition for a model that pools its last map globally to
    /// relate any two parts of the image, wherever they are.
    pub fn covers_image(layers: &[(usize, usize, usize)], height: usize, width: usize) -> bool {
        let rf = Self::of_layers(layers);
        let covers = |input: usize| {
            (0..Self::output_size(layers, input)).any(|i| rf.span(i, input) == (0, input.saturating_sub(1)))
        };
        height > 0 && width > 0 && covers(height) && covers(width)
    }

    /// The input box `(y0, x0, y1, x1)` (inclusive, clipped to `height × width`) seen by
    /// feature position `(row, column)`.
    pub fn input_box(&self, row: usize, column: usize, height: usize, width: usize) -> (usize, usize, usize, usize) {
        let (y0, y1) = self.span(row, height);
        let (x0, x1) = self.span(column, width);
        (y0, x0, y1, x1)
    }

    /// The inclusive input range `[lo, hi]` along one axis of length `limit` seen by position `i`:
    /// `[round(c − size/2), round(c + size/2) − 1]` with `c = start + i · jump`, clipped.
    fn span(&self, i: usize, limit: usize) -> (usize, usize) {
        let centre = self.start + (i * self.jump) as f64;
        let lo = (centre - self.size as f64 / 2.0).round().max(0.0) as usize;
        let hi = ((centre + self.size as f64 / 2.0).round() as usize).saturating_sub(1).min(limit.saturating_sub(1));
        (lo.min(hi), hi)
    }
}
