//! A small DeepLabv3+-like segmenter ([`SegNet`]) for MGD's student and teachers.
//!
//! Layout (input `H × W`, base width `w`):
//!
//! - trunk: `stem` 3×3 (stride 1, `w`), `down_low` 3×3 stride 2 (`w`, the low-level features at
//!   `H/2`), `down_high` 3×3 stride 2 (`2w`, `H/4`), then `blocks` residual blocks at `H/4`
//!   (two 3×3 convolutions with an identity skip); every convolution is followed by batch norm
//!   and ReLU. The wide teacher is the same trunk with a larger `w`, the deep one with more
//!   `blocks` (the official teachers are a WRN-34-2 and a ResNet-101 with a dilated last stage).
//! - ASPP-lite at `H/4`: a 1×1 branch, one 3×3 branch per dilation rate and an image-pooling
//!   branch (global average → 1×1 → ReLU, broadcast back), concatenated and reduced by 1×1 +
//!   BN + ReLU to `aspp_channels`.
//! - decoder (v3+): the ASPP output upsampled bilinearly (`align_corners=True`) to `H/2`,
//!   concatenated with the low-level features reduced by 1×1 + BN + ReLU, then 3×3 + BN + ReLU
//!   to `decoder_channels`: [`SegOutput::features`], the tensor the official code returns beside
//!   the logits (`v3plus_feature`, named `aspp_feat` in `train.py`).
//! - a 1×1 classifier, upsampled bilinearly (`align_corners=True`) to `H × W`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;
use burn::tensor::module::{adaptive_avg_pool2d, interpolate};
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};

use crate::error::{self, SemiError};

/// Configuration of a [`SegNet`].
#[derive(Config, Debug)]
pub struct SegNetConfig {
    /// Image channels. Default 3.
    #[config(default = 3)]
    pub in_channels: usize,
    /// Classes (background included). Default 21 (VOC).
    #[config(default = 21)]
    pub num_classes: usize,
    /// Base width `w` of the trunk (the high-level stage has `2w`). Default 16.
    #[config(default = 16)]
    pub width: usize,
    /// Residual blocks at `H/4`. Default 1.
    #[config(default = 1)]
    pub blocks: usize,
    /// Output channels of the ASPP-lite. Default 32.
    #[config(default = 32)]
    pub aspp_channels: usize,
    /// Dilation rates of the 3×3 ASPP branches (official `[6, 12, 18]` at stride 16; small
    /// rates suit the 8×8 maps of 32-px images). Default `[1, 2, 3]`.
    #[config(default = "vec![1, 2, 3]")]
    pub aspp_rates: Vec<usize>,
    /// Channels of the reduced low-level features (official 48). Default 8.
    #[config(default = 8)]
    pub low_channels: usize,
    /// Channels of the decoder output, the features the region-level loss compares (official
    /// 256). Default 32.
    #[config(default = 32)]
    pub decoder_channels: usize,
}

impl SegNetConfig {
    /// Checks every value; the error names the first bad one.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`].
    pub fn validate(&self) -> error::Result<()> {
        for (name, v) in [
            ("in_channels", self.in_channels),
            ("num_classes", self.num_classes),
            ("width", self.width),
            ("aspp_channels", self.aspp_channels),
            ("low_channels", self.low_channels),
            ("decoder_channels", self.decoder_channels),
        ] {
            if v == 0 {
                return Err(SemiError::config(name, v, "must be at least 1"));
            }
        }
        if self.aspp_rates.contains(&0) {
            return Err(SemiError::config("aspp_rates", format!("{:?}", self.aspp_rates), "rates must be at least 1"));
        }
        Ok(())
    }

    /// Builds the segmenter on `device`.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`] from [`validate`](Self::validate).
    pub fn init(&self, device: &Device) -> error::Result<SegNet> {
        self.validate()?;
        let w = self.width;
        let high = 2 * w;
        let a = self.aspp_channels;
        Ok(SegNet {
            stem: ConvBnRelu::new(self.in_channels, w, 3, 1, 1, device),
            down_low: ConvBnRelu::new(w, w, 3, 2, 1, device),
            down_high: ConvBnRelu::new(w, high, 3, 2, 1, device),
            blocks: (0..self.blocks).map(|_| ResBlock::new(high, device)).collect(),
            aspp: AsppLite {
                point: ConvBnRelu::new(high, a, 1, 1, 1, device),
                dilated: self.aspp_rates.iter().map(|&r| ConvBnRelu::new(high, a, 3, 1, r, device)).collect(),
                pool: conv(high, a, 1, 1, 1, true, device),
                project: ConvBnRelu::new(a * (self.aspp_rates.len() + 2), a, 1, 1, 1, device),
            },
            reduce_low: ConvBnRelu::new(w, self.low_channels, 1, 1, 1, device),
            decoder: ConvBnRelu::new(a + self.low_channels, self.decoder_channels, 3, 1, 1, device),
            classifier: conv(self.decoder_channels, self.num_classes, 1, 1, 1, true, device),
        })
    }
}

/// A `k×k` convolution (stride `s`, dilation `d`, padding `d·(k−1)/2`).
fn conv(input: usize, output: usize, k: usize, s: usize, d: usize, bias: bool, device: &Device) -> Conv2d {
    let pad = d * (k - 1) / 2;
    Conv2dConfig::new([input, output], [k, k])
        .with_stride([s, s])
        .with_dilation([d, d])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .with_bias(bias)
        .init(device)
}

/// `ReLU(BN(conv(x)))`.
#[derive(Module, Debug)]
pub struct ConvBnRelu {
    /// The convolution (no bias).
    pub conv: Conv2d,
    /// Batch norm.
    pub norm: BatchNorm,
}

impl ConvBnRelu {
    /// A `k×k` convolution with stride `s` and dilation `d` from `input` to `output` channels.
    pub fn new(input: usize, output: usize, k: usize, s: usize, d: usize, device: &Device) -> Self {
        Self { conv: conv(input, output, k, s, d, false, device), norm: BatchNormConfig::new(output).init(device) }
    }

    /// `ReLU(BN(conv(x)))`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        relu(self.norm.forward(self.conv.forward(x)))
    }
}

/// `ReLU(x + BN(conv(ReLU(BN(conv(x))))))`, 3×3 convolutions at constant width.
#[derive(Module, Debug)]
pub struct ResBlock {
    /// First convolution.
    pub first: ConvBnRelu,
    /// Second convolution (no bias).
    pub second: Conv2d,
    /// Batch norm after the second convolution.
    pub norm: BatchNorm,
}

impl ResBlock {
    fn new(channels: usize, device: &Device) -> Self {
        Self {
            first: ConvBnRelu::new(channels, channels, 3, 1, 1, device),
            second: conv(channels, channels, 3, 1, 1, false, device),
            norm: BatchNormConfig::new(channels).init(device),
        }
    }

    /// The block's output.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = self.norm.forward(self.second.forward(self.first.forward(x.clone())));
        relu(x + y)
    }
}

/// ASPP-lite: 1×1, dilated 3×3 and image-pooling branches, concatenated, 1×1-projected.
#[derive(Module, Debug)]
pub struct AsppLite {
    /// 1×1 branch.
    pub point: ConvBnRelu,
    /// One dilated 3×3 branch per rate.
    pub dilated: Vec<ConvBnRelu>,
    /// 1×1 convolution of the globally pooled input (with bias, no norm: a batch of one
    /// pooled vector per image is too small for batch statistics).
    pub pool: Conv2d,
    /// 1×1 projection of the concatenation.
    pub project: ConvBnRelu,
}

impl AsppLite {
    /// `[b, c, h, w] → [b, aspp_channels, h, w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [b, _, h, w] = x.dims();
        let mut branches = vec![self.point.forward(x.clone())];
        branches.extend(self.dilated.iter().map(|m| m.forward(x.clone())));
        let pooled = relu(self.pool.forward(adaptive_avg_pool2d(x, [1, 1])));
        let [_, a, _, _] = pooled.dims();
        branches.push(pooled.expand([b, a, h, w]));
        self.project.forward(Tensor::cat(branches, 1))
    }
}

/// What a [`SegNet`] returns.
#[derive(Debug, Clone)]
pub struct SegOutput {
    /// Class logits at the input size, `[b, classes, H, W]`.
    pub logits: Tensor<4>,
    /// Decoder features `[b, decoder_channels, ⌈H/2⌉, ⌈W/2⌉]` (the official `v3plus_feature`).
    pub features: Tensor<4>,
    /// ASPP-lite output `[b, aspp_channels, ⌈H/4⌉, ⌈W/4⌉]`.
    pub aspp: Tensor<4>,
}

/// A small DeepLabv3+-like segmenter; see the [module](self) documentation.
#[derive(Module, Debug)]
pub struct SegNet {
    /// Full-resolution stem.
    pub stem: ConvBnRelu,
    /// Stride-2 stage: the low-level features.
    pub down_low: ConvBnRelu,
    /// Stride-4 stage.
    pub down_high: ConvBnRelu,
    /// Residual blocks at stride 4.
    pub blocks: Vec<ResBlock>,
    /// ASPP-lite.
    pub aspp: AsppLite,
    /// 1×1 reduction of the low-level features.
    pub reduce_low: ConvBnRelu,
    /// 3×3 decoder convolution.
    pub decoder: ConvBnRelu,
    /// 1×1 classifier.
    pub classifier: Conv2d,
}

impl SegNet {
    /// Logits, decoder features and ASPP features of `images` `[b, c, H, W]`.
    pub fn forward(&self, images: Tensor<4>) -> SegOutput {
        let [_, _, h, w] = images.dims();
        let low = self.down_low.forward(self.stem.forward(images));
        let mut x = self.down_high.forward(low.clone());
        for block in &self.blocks {
            x = block.forward(x);
        }
        let aspp = self.aspp.forward(x);
        let [_, _, lh, lw] = low.dims();
        let up = resize(aspp.clone(), [lh, lw]);
        let features = self.decoder.forward(Tensor::cat(vec![up, self.reduce_low.forward(low)], 1));
        let logits = resize(self.classifier.forward(features.clone()), [h, w]);
        SegOutput { logits, features, aspp }
    }

    /// Class logits `[b, classes, H, W]` only.
    pub fn logits(&self, images: Tensor<4>) -> Tensor<4> {
        self.forward(images).logits
    }
}

/// Bilinear resize with `align_corners=True`, as the official code upsamples.
fn resize(x: Tensor<4>, size: [usize; 2]) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if [h, w] == size {
        return x;
    }
    interpolate(x, InterpolateOptions::new(InterpolateMode::Bilinear).with_align_corners(true).with_output_size(size))
}
