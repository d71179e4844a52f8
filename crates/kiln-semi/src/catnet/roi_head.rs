//! CAT Mask R-CNN's RoI heads on ground-truth RoIs, for the HRoIE ablation: "HRoIE vs
//! single-level RoIAlign classifying and segmenting jittered ground-truth boxes" (no RPN).
//!
//! A [`RoiHead`] is a plain strided CNN with a neck (the pyramid of a [`Detector`]: FPN,
//! DenseFPN or DenseFPN + SCP on levels of strides 4–32, Mask R-CNN's P2–P5), a RoI extractor,
//! and Mask R-CNN's two heads:
//!
//! - **extractor** ([`RoiExtractor`]): [`HRoIE`] bottom-up over `box_size²` (7×7) RoIs for the
//!   box head and top-down over `mask_size²` (14×14) RoIs for the mask head (CATNet's
//!   `configs/_base_/modules/hroie.py`), or mmdet's `SingleRoIExtractor`
//!   ([`single_level_roi_align`]) for both;
//! - **box head** (mmdet's `Shared2FCBBoxHead`): flatten, `FC → ReLU → FC → ReLU` of width
//!   `fc_width`, then a linear layer to `K` class logits (no background class and no box
//!   regression: the RoIs are jittered ground truths);
//! - **mask head** (mmdet's `FCNMaskHead`): `mask_convs` × (3×3 conv → ReLU), a 2×2 stride-2
//!   deconvolution → ReLU (to `2·mask_size`, 28×28), and a 1×1 convolution to `K` per-class
//!   mask logits.
//!
//! The loss of a batch of `k` RoIs with classes `c_i` and mask targets `t_i ∈ {0, 1}^{M×M}`
//! (`M = 2·mask_size`) is
//!
//! `L = (1/k) Σ_i CE(z_i, c_i) + (1/(k' M²)) Σ_{i with a mask} Σ_p BCE(m_{i, c_i, p}, t_{i, p})`,
//!
//! the terms `cls` and `mask` (Mask R-CNN's `loss_cls` and `loss_mask`, both weight 1).
//!
//! Host helpers live in [`super::roi_masks`]: the seeded RoIs
//! ([`jitter_boxes`](super::roi_masks::jitter_boxes)), mask targets
//! ([`mask_target`], RoIAlign of the binary mask, binarised at
//! 0.5) and pasting ([`paste_mask`](super::roi_masks::paste_mask), mmdet's `_do_paste_mask`).

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use kiln_data::detection::Mask;

use super::anchors::AnchorConfig;
use super::detector::{Detector, DetectorConfig, NeckKind};
use super::hroie::{Direction, HRoIE, HRoIEConfig, single_level_roi_align};
use super::layers::{deconv, fc, relu_conv};
use super::roi_align::Roi;
use super::roi_masks::mask_target;
use crate::error::{self, SemiError};

/// How RoI features are pooled from the pyramid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RoiExtractor {
    /// HRoIE: every level, fused bottom-up for the box head and top-down for the mask head.
    Hierarchical,
    /// mmdet's `SingleRoIExtractor`: the one level a box's size selects.
    SingleLevel,
}

/// Configuration of a [`RoiHead`]. `RoiHeadConfig::new(num_classes)` is Mask R-CNN's scale:
/// a five-stage strided CNN (widths 64–1024, strides 2–32) whose last four stages feed an FPN
/// of 256 channels on strides 4, 8, 16, 32; 7×7 box RoIs, 14×14 mask RoIs, two FC layers of
/// 1024, four mask convolutions, mmdet's `finest_scale` 56, HRoIE. [`RoiHeadConfig::small`] is
/// the CPU-sized model.
#[derive(Config, Debug)]
pub struct RoiHeadConfig {
    /// Object classes `K`.
    pub num_classes: usize,
    /// Input channels. Default: 3.
    #[config(default = 3)]
    pub in_channels: usize,
    /// Widths of the backbone's stride-2 `Conv3×3 → BN → ReLU` stages (stage `i` has stride
    /// `2^{i+1}`). Default: 64, 128, 256, 512, 1024.
    #[config(default = "vec![64, 128, 256, 512, 1024]")]
    pub backbone_widths: Vec<usize>,
    /// Strides of the pyramid levels, finest first: those of the last `strides.len()` backbone
    /// stages. Default: 4, 8, 16, 32.
    #[config(default = "vec![4, 8, 16, 32]")]
    pub strides: Vec<usize>,
    /// Pyramid channels `C`. Default: 256.
    #[config(default = 256)]
    pub channels: usize,
    /// The neck. Default: FPN (Mask R-CNN; CATNet: DenseFPN + SCP).
    #[config(default = "NeckKind::Fpn")]
    pub neck: NeckKind,
    /// DenseFPN stacks (for the DenseFPN necks). Default: 5.
    #[config(default = 5)]
    pub stacks: usize,
    /// The RoI extractor. Default: HRoIE.
    #[config(default = "RoiExtractor::Hierarchical")]
    pub extractor: RoiExtractor,
    /// RoIAlign side of the box head's RoIs. Default: 7.
    #[config(default = 7)]
    pub box_size: usize,
    /// RoIAlign side of the mask head's RoIs (the masks are twice as large). Default: 14.
    #[config(default = 14)]
    pub mask_size: usize,
    /// Width of the box head's two FC layers. Default: 1024.
    #[config(default = 1024)]
    pub fc_width: usize,
    /// 3×3 convolutions of the mask head. Default: 4.
    #[config(default = 4)]
    pub mask_convs: usize,
    /// RoIAlign samples per bin side; 0 is adaptive (mmdet). Default: 0.
    #[config(default = 0)]
    pub sampling_ratio: usize,
    /// The single-level extractor's `finest_scale`: a box of side `s = √(wh)` goes to level
    /// `⌊log₂(s / finest_scale)⌋` (clamped). Default: 56 (mmdet).
    #[config(default = 56.0)]
    pub finest_scale: f32,
}

impl RoiHeadConfig {
    /// A CPU-sized model for 96-px scenes with objects of 2–30 px: backbone widths 16, 32, 48,
    /// 64 (strides 2–16), an FPN of 32 channels on strides 4, 8, 16, FC width 128, 2 mask
    /// convolutions, `finest_scale` 8 (mmdet's 56 scaled to these objects: sides below 16 px
    /// pool from stride 4, 16–32 px from stride 8, larger from stride 16), and `extractor`.
    pub fn small(num_classes: usize, extractor: RoiExtractor) -> Self {
        Self::new(num_classes)
            .with_backbone_widths(vec![16, 32, 48, 64])
            .with_strides(vec![4, 8, 16])
            .with_channels(32)
            .with_stacks(2)
            .with_extractor(extractor)
            .with_fc_width(128)
            .with_mask_convs(2)
            .with_finest_scale(8.0)
    }

    /// The configuration of the [`Detector`] whose pyramid the head uses: this backbone and
    /// neck, and a minimal (one class, one anchor, no stacked convolution) RetinaNet head that
    /// the RoI head never runs.
    pub fn pyramid_config(&self) -> DetectorConfig {
        let levels = self.strides.len();
        DetectorConfig::new(1)
            .with_in_channels(self.in_channels)
            .with_backbone_widths(self.backbone_widths.clone())
            .with_neck_inputs(levels)
            .with_channels(self.channels)
            .with_levels(levels)
            .with_stacks(self.stacks)
            .with_neck(self.neck)
            .with_stacked_convs(0)
            .with_anchors(AnchorConfig {
                strides: self.strides.clone(),
                octave_base_scale: 1.0,
                scales_per_octave: 1,
                ratios: vec![1.0],
            })
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`] when a size is 0, or the strides are not those of the last
    /// backbone stages (`2^{S−L+1}, …, 2^S` for `S` stages and `L` levels).
    pub fn validate(&self) -> error::Result<()> {
        let invalid = |name: &'static str, value: String, reason: &str| {
            Err(SemiError::InvalidConfig { name, value, reason: reason.into() })
        };
        let positive = [
            ("num_classes", self.num_classes),
            ("in_channels", self.in_channels),
            ("channels", self.channels),
            ("box_size", self.box_size),
            ("mask_size", self.mask_size),
            ("fc_width", self.fc_width),
        ];
        if let Some((name, value)) = positive.iter().find(|(_, v)| *v == 0) {
            return invalid(name, value.to_string(), "must be at least 1");
        }
        let (stages, levels) = (self.backbone_widths.len(), self.strides.len());
        if levels == 0 || levels > stages {
            return invalid("strides", format!("{:?}", self.strides), "need 1 to as many levels as backbone stages");
        }
        let expected: Vec<usize> = (stages - levels..stages).map(|i| 1usize << (i + 1)).collect();
        if self.strides != expected {
            return invalid(
                "strides",
                format!("{:?}", self.strides),
                &format!("the last {levels} of {stages} stride-2 stages have strides {expected:?}"),
            );
        }
        if self.neck != NeckKind::Fpn && self.stacks == 0 {
            return invalid("stacks", "0".into(), "DenseFPN needs at least one stack");
        }
        Ok(())
    }

    /// Builds the head on `device`.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`] when [`validate`](Self::validate) fails.
    pub fn init(&self, device: &Device) -> error::Result<RoiHead> {
        self.validate()?;
        let (c, k) = (self.channels, self.num_classes);
        let hroie = |direction, output| {
            HRoIEConfig::new(c, self.strides.clone(), direction)
                .with_output(output)
                .with_sampling_ratio(self.sampling_ratio)
                .init(device)
        };
        let hierarchical = self.extractor == RoiExtractor::Hierarchical;
        let flat = c * self.box_size * self.box_size;
        let mut cls = LinearConfig::new(self.fc_width, k)
            .with_initializer(Initializer::Normal { mean: 0.0, std: 0.01 })
            .init(device);
        cls.bias = Some(Param::from_tensor(Tensor::zeros([k], device)));
        Ok(RoiHead {
            pyramid: self.pyramid_config().init(device),
            box_extractor: hierarchical.then(|| hroie(Direction::BottomUp, self.box_size)),
            mask_extractor: hierarchical.then(|| hroie(Direction::TopDown, self.mask_size)),
            fcs: vec![fc(flat, self.fc_width, device), fc(self.fc_width, self.fc_width, device)],
            cls,
            mask_convs: (0..self.mask_convs).map(|_| relu_conv(c, c, 3, device)).collect(),
            upsample: deconv(c, device),
            mask_logits: relu_conv(c, k, 1, device),
            strides: self.strides.clone(),
            box_size: self.box_size,
            mask_size: self.mask_size,
            sampling_ratio: self.sampling_ratio,
            finest_scale: self.finest_scale,
            num_classes: k,
        })
    }
}

/// The outputs of the heads for `k` RoIs.
#[derive(Debug, Clone)]
pub struct RoiOutput {
    /// Class logits `[k, K]`.
    pub class_logits: Tensor<2>,
    /// Per-class mask logits `[k, K, 2·mask_size, 2·mask_size]`.
    pub mask_logits: Tensor<4>,
}

/// The two loss terms of a batch, and the class logits they came from.
#[derive(Debug, Clone)]
pub struct RoiLoss {
    /// Mean cross-entropy of the class.
    pub classification: Tensor<1>,
    /// Mean per-pixel BCE of the true class's mask logits (over the RoIs with a mask).
    pub mask: Tensor<1>,
    /// Class logits `[k, K]`.
    pub class_logits: Tensor<2>,
}

/// The RoI head model: backbone and neck (a [`Detector`]'s pyramid), extractor, box and mask
/// heads.
#[derive(Module, Debug)]
pub struct RoiHead {
    /// The backbone and neck; its RetinaNet head is unused.
    pub pyramid: Detector,
    /// HRoIE bottom-up at `box_size`, for [`RoiExtractor::Hierarchical`].
    pub box_extractor: Option<HRoIE>,
    /// HRoIE top-down at `mask_size`, for [`RoiExtractor::Hierarchical`].
    pub mask_extractor: Option<HRoIE>,
    /// The two shared FC layers of the box head.
    pub fcs: Vec<Linear>,
    /// `fc_width → K` class logits.
    pub cls: Linear,
    /// The mask head's 3×3 convolutions.
    pub mask_convs: Vec<Conv2d>,
    /// The ×2 deconvolution.
    pub upsample: ConvTranspose2d,
    /// `C → K` 1×1 mask logits.
    pub mask_logits: Conv2d,
    #[module(skip)]
    strides: Vec<usize>,
    #[module(skip)]
    box_size: usize,
    #[module(skip)]
    mask_size: usize,
    #[module(skip)]
    sampling_ratio: usize,
    #[module(skip)]
    finest_scale: f32,
    #[module(skip)]
    num_classes: usize,
}

impl RoiHead {
    /// Object classes `K`.
    pub fn num_classes(&self) -> usize {
        self.num_classes
    }

    /// Side of the mask logits and targets (`2·mask_size`).
    pub fn mask_output(&self) -> usize {
        2 * self.mask_size
    }

    /// The extractor in use.
    pub fn extractor(&self) -> RoiExtractor {
        if self.box_extractor.is_some() { RoiExtractor::Hierarchical } else { RoiExtractor::SingleLevel }
    }

    /// Box-head features `[k, C, box_size, box_size]` and mask-head features
    /// `[k, C, mask_size, mask_size]` of `rois` on `images`.
    ///
    /// # Errors
    /// [`SemiError::Shape`] when `rois` is empty or names an image past the batch.
    pub fn roi_features(&self, images: Tensor<4>, rois: &[Roi]) -> error::Result<(Tensor<4>, Tensor<4>)> {
        let levels = self.pyramid.pyramid(images);
        match (&self.box_extractor, &self.mask_extractor) {
            (Some(boxes), Some(masks)) => Ok((boxes.forward(levels.clone(), rois)?, masks.forward(levels, rois)?)),
            _ => {
                let sampling = (self.sampling_ratio > 0).then_some(self.sampling_ratio);
                let single = |levels, size| {
                    single_level_roi_align(levels, &self.strides, rois, size, self.finest_scale, sampling)
                };
                Ok((single(levels.clone(), self.box_size)?, single(levels, self.mask_size)?))
            }
        }
    }

    /// Class logits of box-head features.
    ///
    /// # Shapes
    /// `[k, C, box_size, box_size] → [k, K]`
    pub fn classify(&self, features: Tensor<4>) -> Tensor<2> {
        let x = features.flatten::<2>(1, 3);
        let x = self.fcs.iter().fold(x, |x, fc| relu(fc.forward(x)));
        self.cls.forward(x)
    }

    /// Per-class mask logits of mask-head features.
    ///
    /// # Shapes
    /// `[k, C, s, s] → [k, K, 2s, 2s]`
    pub fn segment(&self, features: Tensor<4>) -> Tensor<4> {
        let x = self.mask_convs.iter().fold(features, |x, conv| relu(conv.forward(x)));
        self.mask_logits.forward(relu(self.upsample.forward(x)))
    }

    /// Class and mask logits of `rois` (boxes in image pixels) on `images`.
    ///
    /// # Errors
    /// As [`roi_features`](Self::roi_features).
    pub fn forward(&self, images: Tensor<4>, rois: &[Roi]) -> error::Result<RoiOutput> {
        let (box_features, mask_features) = self.roi_features(images, rois)?;
        Ok(RoiOutput { class_logits: self.classify(box_features), mask_logits: self.segment(mask_features) })
    }

    /// The losses of `rois` on `images`, RoI `i` of class `classes[i]` with the full-image mask
    /// `masks[i]` (`None`: no mask term for it).
    ///
    /// # Errors
    /// [`SemiError::Shape`] when the lists differ in length, a class is out of range, or from
    /// [`forward`](Self::forward).
    pub fn loss(
        &self,
        images: Tensor<4>,
        rois: &[Roi],
        classes: &[usize],
        masks: &[Option<Mask>],
    ) -> error::Result<RoiLoss> {
        let k = rois.len();
        if classes.len() != k || masks.len() != k {
            return Err(SemiError::Shape {
                what: "RoI head loss",
                reason: format!("{k} RoIs, {} classes, {} masks", classes.len(), masks.len()),
            });
        }
        if let Some(c) = classes.iter().find(|&&c| c >= self.num_classes) {
            return Err(SemiError::Shape {
                what: "RoI head loss",
                reason: format!("class {c} of {}", self.num_classes),
            });
        }
        let device = images.device();
        let output = self.forward(images, rois)?;
        let targets = Tensor::<1, Int>::from_data(
            TensorData::new(classes.iter().map(|&c| c as i64).collect::<Vec<_>>(), [k]),
            &device,
        );
        let classification = kiln_core::nn::cross_entropy(output.class_logits.clone(), targets);
        let (m, kk) = (self.mask_output(), self.num_classes);
        let mut onehot = vec![0.0f32; k * kk];
        let mut valid = vec![0.0f32; k];
        let mut target = vec![0.0f32; k * m * m];
        for (i, ((roi, &class), mask)) in rois.iter().zip(classes).zip(masks).enumerate() {
            onehot[i * kk + class] = 1.0;
            if let Some(mask) = mask {
                valid[i] = 1.0;
                target[i * m * m..(i + 1) * m * m].copy_from_slice(&mask_target(mask, &roi.bbox, m));
            }
        }
        let with_mask = valid.iter().sum::<f32>();
        let onehot = Tensor::<4>::from_data(TensorData::new(onehot, [k, kk, 1, 1]), &device);
        let valid = Tensor::<4>::from_data(TensorData::new(valid, [k, 1, 1, 1]), &device);
        let target = Tensor::<4>::from_data(TensorData::new(target, [k, 1, m, m]), &device);
        let logits = (output.mask_logits * onehot).sum_dim(1);
        // BCE with logits, stably: max(x, 0) − x t + ln(1 + e^{−|x|}).
        let bce = relu(logits.clone()) - logits.clone() * target + logits.abs().neg().exp().log1p();
        let mask = (bce * valid).sum() / (with_mask.max(1.0) * (m * m) as f32);
        Ok(RoiLoss { classification, mask, class_logits: output.class_logits })
    }
}
