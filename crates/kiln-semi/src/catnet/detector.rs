//! A RetinaNet-style detector with a choice of neck, for the FPN / DenseFPN / DenseFPN + SCP
//! ablation: a strided-convolution backbone, the neck, the shared [`RetinaHead`], anchors,
//! target assignment, the losses, and decoding with soft-NMS.
//!
//! Loss of a batch, with `P` the number of positive anchors:
//! `L = (1/max(P, 1)) Σ_{anchors not ignored} Σ_k FL(x_{ak}, t_{ak})
//!    + (1/max(P, 1)) Σ_{positive a} ‖δ_a − enc(a, g_a)‖₁`.

use burn::config::Config;
use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::activation::sigmoid;
use kiln_core::nn::ConvBlock;

use super::anchors::{AnchorConfig, Assignment, assign};
use super::boxes::{BoxXyxy, decode_deltas, encode_deltas};
use super::dense_fpn::{DenseFpn, DenseFpnConfig};
use super::focal::{FOCAL_ALPHA, FOCAL_GAMMA, sigmoid_focal_loss};
use super::fpn::{Fpn, FpnConfig};
use super::head::{RetinaHead, RetinaHeadConfig};
use super::nms::{SoftNmsConfig, soft_nms};
use super::scp::{ScpConfig, ScpPyramid};

/// The neck of the ablation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NeckKind {
    /// Plain FPN (RetinaNet).
    Fpn,
    /// DenseFPN.
    DenseFpn,
    /// DenseFPN followed by SCP (CATNet).
    DenseFpnScp,
}

/// Configuration of a [`Detector`]. `DetectorConfig::new(num_classes)` is the paper's scale
/// (CATNet = RetinaNet + DenseFPN + SCP): 256 channels, P3–P7 (strides 8–128) from the last
/// three stages of a five-stage backbone, 5 DenseFPN stacks, 4 head convolutions per branch,
/// RetinaNet anchors; [`DetectorConfig::small`] is the CPU-sized model.
#[derive(Config, Debug)]
pub struct DetectorConfig {
    /// Object classes.
    pub num_classes: usize,
    /// Input channels. Default: 3.
    #[config(default = 3)]
    pub in_channels: usize,
    /// Widths of the backbone's stride-2 `Conv3×3 → BN → ReLU` stages (stage `i` has stride
    /// `2^{i+1}`). Default: 64, 128, 256, 512, 1024 (a plain strided CNN in place of CATNet's
    /// ResNet-50).
    #[config(default = "vec![64, 128, 256, 512, 1024]")]
    pub backbone_widths: Vec<usize>,
    /// How many of the last backbone stages feed the neck. Default: 3 (C3–C5).
    #[config(default = 3)]
    pub neck_inputs: usize,
    /// Pyramid channels. Default: 256.
    #[config(default = 256)]
    pub channels: usize,
    /// Pyramid levels (the ones past the neck inputs are stride-2 extras). Default: 5.
    #[config(default = 5)]
    pub levels: usize,
    /// DenseFPN stacks. Default: 5.
    #[config(default = 5)]
    pub stacks: usize,
    /// The neck. Default: DenseFPN + SCP.
    #[config(default = "NeckKind::DenseFpnScp")]
    pub neck: NeckKind,
    /// 3×3 convolutions per head branch. Default: 4.
    #[config(default = 4)]
    pub stacked_convs: usize,
    /// Anchors (their strides must be the levels' strides). Default: RetinaNet's on 8–128.
    #[config(default = "AnchorConfig::retinanet(vec![8, 16, 32, 64, 128])")]
    pub anchors: AnchorConfig,
    /// IoU from which an anchor is positive. Default: 0.5.
    #[config(default = 0.5)]
    pub pos_iou: f32,
    /// IoU below which an anchor is background. Default: 0.4.
    #[config(default = 0.4)]
    pub neg_iou: f32,
}

impl DetectorConfig {
    /// A CPU-sized model for 96-px scenes with objects of 2–30 px: backbone widths 16, 32, 48,
    /// 64 (strides 2–16; the last three stages feed the neck), 32 channels, 3 levels (strides
    /// 4, 8, 16: 24, 12 and 6 px maps), 2 stacks, 1 head convolution per branch, anchors of
    /// 2 scales (1.5 and 2.1 strides: 6–34 px) × 3 ratios.
    pub fn small(num_classes: usize, neck: NeckKind) -> Self {
        let anchors = AnchorConfig {
            strides: vec![4, 8, 16],
            octave_base_scale: 1.5,
            scales_per_octave: 2,
            ratios: vec![0.5, 1.0, 2.0],
        };
        Self::new(num_classes)
            .with_backbone_widths(vec![16, 32, 48, 64])
            .with_neck_inputs(3)
            .with_channels(32)
            .with_levels(3)
            .with_stacks(2)
            .with_neck(neck)
            .with_stacked_convs(1)
            .with_anchors(anchors)
    }

    /// Builds the detector on `device`.
    ///
    /// # Panics
    /// When `neck_inputs` exceeds the backbone stages or the levels.
    pub fn init(&self, device: &Device) -> Detector {
        let stages = self.backbone_widths.len();
        assert!(
            self.neck_inputs >= 1 && self.neck_inputs <= stages && self.neck_inputs <= self.levels,
            "detector: bad neck inputs"
        );
        let mut previous = self.in_channels;
        let backbone = self
            .backbone_widths
            .iter()
            .map(|&w| {
                let block = ConvBlock::new(previous, w, 2, false, device);
                previous = w;
                block
            })
            .collect();
        let in_channels = self.backbone_widths[stages - self.neck_inputs..].to_vec();
        let dense = || {
            DenseFpnConfig::new(self.channels, self.stacks)
                .with_levels(self.levels)
                .with_in_channels(in_channels.clone())
                .init(device)
        };
        Detector {
            backbone,
            fpn: (self.neck == NeckKind::Fpn)
                .then(|| FpnConfig::new(in_channels.clone(), self.channels).with_levels(self.levels).init(device)),
            dense_fpn: (self.neck != NeckKind::Fpn).then(dense),
            scp: (self.neck == NeckKind::DenseFpnScp)
                .then(|| ScpConfig::new(self.channels).init_pyramid(self.levels, device)),
            head: RetinaHeadConfig::new(self.channels, self.num_classes, self.anchors.per_position())
                .with_stacked_convs(self.stacked_convs)
                .init(device),
            anchors: self.anchors.clone(),
            neck_inputs: self.neck_inputs,
            pos_iou: self.pos_iou,
            neg_iou: self.neg_iou,
        }
    }
}

/// The objects of one image.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetectionTarget {
    /// Boxes `[x0, y0, x1, y1]` in pixels.
    pub boxes: Vec<BoxXyxy>,
    /// The class of each box.
    pub classes: Vec<usize>,
}

/// One detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The box.
    pub bbox: BoxXyxy,
    /// Its class.
    pub class: usize,
    /// Its (soft-NMS rescaled) score.
    pub score: f32,
}

/// Settings of [`Detector::detect`] (mmdet's `test_cfg` of CATNet, with smaller caps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectConfig {
    /// Scores below it are dropped before NMS (CATNet: 0.05).
    pub score_threshold: f32,
    /// Candidates kept per image, across levels, before NMS (CATNet: 2000 per level).
    pub pre_nms: usize,
    /// Soft-NMS, per class.
    pub nms: SoftNmsConfig,
    /// Detections kept per image (CATNet: 1000).
    pub max_per_image: usize,
}

impl Default for DetectConfig {
    fn default() -> Self {
        Self { score_threshold: 0.05, pre_nms: 1000, nms: SoftNmsConfig::catnet(), max_per_image: 100 }
    }
}

/// The two loss terms of a batch.
#[derive(Debug, Clone)]
pub struct DetectionLoss {
    /// Focal loss per positive anchor.
    pub classification: Tensor<1>,
    /// L1 delta loss per positive anchor.
    pub regression: Tensor<1>,
}

/// The detector.
#[derive(Module, Debug)]
pub struct Detector {
    /// Stride-2 backbone stages.
    pub backbone: Vec<ConvBlock>,
    /// The FPN neck, for [`NeckKind::Fpn`].
    pub fpn: Option<Fpn>,
    /// The DenseFPN neck, otherwise.
    pub dense_fpn: Option<DenseFpn>,
    /// SCP after DenseFPN, for [`NeckKind::DenseFpnScp`].
    pub scp: Option<ScpPyramid>,
    /// The head.
    pub head: RetinaHead,
    #[module(skip)]
    anchors: AnchorConfig,
    #[module(skip)]
    neck_inputs: usize,
    #[module(skip)]
    pos_iou: f32,
    #[module(skip)]
    neg_iou: f32,
}

impl Detector {
    /// The pyramid of `images`, finest first.
    pub fn pyramid(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        let mut x = images;
        let mut stages = Vec::with_capacity(self.backbone.len());
        for block in &self.backbone {
            x = block.forward(x);
            stages.push(x.clone());
        }
        let inputs = stages.split_off(stages.len() - self.neck_inputs);
        let levels = match (&self.fpn, &self.dense_fpn) {
            (Some(fpn), _) => fpn.forward(inputs),
            (None, Some(dense)) => dense.forward(inputs),
            (None, None) => inputs,
        };
        match &self.scp {
            Some(scp) => scp.forward(levels),
            None => levels,
        }
    }

    /// Class logits `[n, anchors, K]`, deltas `[n, anchors, 4]` and the anchors.
    pub fn forward(&self, images: Tensor<4>) -> (Tensor<3>, Tensor<3>, Vec<BoxXyxy>) {
        let levels = self.pyramid(images);
        let sizes: Vec<[usize; 2]> = levels.iter().map(|t| [t.dims()[2], t.dims()[3]]).collect();
        let (logits, deltas) = self.head.forward(levels);
        (logits, deltas, self.anchors.anchors(&sizes))
    }

    /// The focal and L1 losses of `images` against `targets` (one per image).
    ///
    /// # Panics
    /// When `targets` and the batch differ in length, or a class is out of range.
    pub fn loss(&self, images: Tensor<4>, targets: &[DetectionTarget]) -> DetectionLoss {
        let device = images.device();
        let (logits, deltas, anchors) = self.forward(images);
        let [n, t, k] = logits.dims();
        assert_eq!(n, targets.len(), "detector loss: {} targets for a batch of {n}", targets.len());
        let mut onehot = vec![0.0f32; n * t * k];
        let mut valid = vec![0.0f32; n * t];
        let mut positive = vec![0.0f32; n * t];
        let mut encoded = vec![0.0f32; n * t * 4];
        for (i, target) in targets.iter().enumerate() {
            for (a, assignment) in assign(&anchors, &target.boxes, self.pos_iou, self.neg_iou).into_iter().enumerate() {
                let row = i * t + a;
                match assignment {
                    Assignment::Ignored => {}
                    Assignment::Negative => valid[row] = 1.0,
                    Assignment::Positive(g) => {
                        let class = target.classes[g];
                        assert!(class < k, "class {class} of {k}");
                        valid[row] = 1.0;
                        positive[row] = 1.0;
                        onehot[row * k + class] = 1.0;
                        encoded[row * 4..row * 4 + 4].copy_from_slice(&encode_deltas(&anchors[a], &target.boxes[g]));
                    }
                }
            }
        }
        let norm = positive.iter().sum::<f32>().max(1.0);
        let onehot = Tensor::<3>::from_data(TensorData::new(onehot, [n, t, k]), &device);
        let valid = Tensor::<3>::from_data(TensorData::new(valid, [n, t, 1]), &device).expand([n, t, k]);
        let positive = Tensor::<3>::from_data(TensorData::new(positive, [n, t, 1]), &device).expand([n, t, 4]);
        let encoded = Tensor::<3>::from_data(TensorData::new(encoded, [n, t, 4]), &device);
        let focal = sigmoid_focal_loss(logits, onehot, FOCAL_GAMMA, FOCAL_ALPHA) * valid;
        let l1 = (deltas - encoded).abs() * positive;
        DetectionLoss { classification: focal.sum() / norm, regression: l1.sum() / norm }
    }

    /// Detections of every image: scores above the threshold, decoded, clipped to the image,
    /// soft-NMS per class, best first.
    pub fn detect(&self, images: Tensor<4>, config: &DetectConfig) -> Vec<Vec<Detection>> {
        let [_, _, height, width] = images.dims();
        let (logits, deltas, anchors) = self.forward(images);
        let [n, t, k] = logits.dims();
        let scores = kiln_core::tensor::to_vec(sigmoid(logits));
        let deltas = kiln_core::tensor::to_vec(deltas);
        (0..n)
            .map(|i| {
                let mut candidates: Vec<(usize, usize, f32)> = (0..t * k)
                    .map(|j| (j / k, j % k, scores[i * t * k + j]))
                    .filter(|c| c.2 > config.score_threshold)
                    .collect();
                candidates.sort_by(|a, b| b.2.total_cmp(&a.2));
                candidates.truncate(config.pre_nms);
                let mut out = Vec::new();
                for class in 0..k {
                    let of_class: Vec<&(usize, usize, f32)> = candidates.iter().filter(|c| c.1 == class).collect();
                    let boxes: Vec<BoxXyxy> = of_class
                        .iter()
                        .map(|&&(a, _, _)| {
                            let d = &deltas[(i * t + a) * 4..(i * t + a) * 4 + 4];
                            let b = decode_deltas(&anchors[a], &[d[0], d[1], d[2], d[3]]);
                            [
                                b[0].clamp(0.0, width as f32),
                                b[1].clamp(0.0, height as f32),
                                b[2].clamp(0.0, width as f32),
                                b[3].clamp(0.0, height as f32),
                            ]
                        })
                        .collect();
                    let class_scores: Vec<f32> = of_class.iter().map(|c| c.2).collect();
                    for (j, score) in soft_nms(&boxes, &class_scores, &config.nms) {
                        out.push(Detection { bbox: boxes[j], class, score });
                    }
                }
                out.sort_by(|a, b| b.score.total_cmp(&a.score));
                out.truncate(config.max_per_image);
                out
            })
            .collect()
    }
}
