//! CATNet's context modules, after Liu, Li, Hu, Luo, Luo, Chen, "Learning to Aggregate
//! Multi-Scale Context for Instance Segmentation in Remote Sensing Images", IEEE TNNLS 2023
//! (official code: yeliudev/CATNet, `models/dfpn.py`, `models/scp.py`, `models/hroie.py`,
//! configs under `configs/_base_/`), with the detection pieces they need.
//!
//! | module | what |
//! | --- | --- |
//! | [`dense_fpn`] | DenseFPN: dense top-down / bottom-up paths, stacked `S` times |
//! | [`fpn`] | the plain FPN baseline of the ablation |
//! | [`scp`] | the spatial context pyramid: `x + σ(W_a x) ⊙ W_m Σ_hw softmax(W_k x) W_v x` |
//! | [`hroie`] | hierarchical RoI extraction, and the single-level baseline |
//! | [`roi_align`](mod@roi_align) | RoIAlign (torchvision, `aligned=True`), differentiable in the features |
//! | [`nms`](mod@nms) | hard NMS and soft-NMS (linear, as CATNet runs it, or Gaussian) |
//! | [`ap`] | AP per class at one IoU (COCO or the DIOR protocol), COCO AP@[.5:.95] |
//! | [`boxes`] | box IoU, mask IoU, the `(dx, dy, dw, dh)` box coder |
//! | [`anchors`] | RetinaNet anchors and max-IoU assignment (≥ 0.5 positive, < 0.4 negative) |
//! | [`focal`] | sigmoid focal loss (γ 2, α 0.25) and L1 |
//! | [`head`], [`detector`] | a RetinaNet head and detector on FPN, DenseFPN or DenseFPN + SCP |
//! | [`train`] | `TrainModel` for the detector, batches of `kiln_data::detection` examples, AP |
//! | [`layers`] | mmcv's `ConvModule`, bilinear resize, adaptive max pooling |
//! | [`roi_head`], [`roi_masks`], [`roi_train`] | the HRoIE ablation: Mask R-CNN-style box and mask heads on RoI features of jittered ground-truth boxes, from HRoIE or single-level RoIAlign |
//!
//! ## Checked against the official code
//!
//! - **DenseFPN** (`dfpn.py`): laterals are 1×1 ConvModules and extra levels stride-2 3×3
//!   ConvModules of the last lateral; every ConvModule has SyncBN and *no activation*
//!   (`act_cfg=None`); the only ReLU is applied to each fused sum. The top-down sum adds
//!   bilinear (`align_corners=False`) resizes of the coarser **laterals** (not of their
//!   top-down outputs), the bottom-up sum adds adaptive-max-pooled **top-down** outputs of
//!   the finer levels plus the level's own lateral and top-down output. The softmax weights
//!   (initialised to 1) are created once and **shared by all stacks**; a level with a single
//!   neighbour uses weight 1. The bottleneck is `C → C/2` (1×1), 3×3, `→ C` (1×1).
//! - **SCP** (`scp.py`, `ContextAggregation` with `reduction=1`): `a`, `k`, `v`, `m` are 1×1
//!   convolutions with bias and no norm; `a`, `k`, `v` Caffe2-Xavier, `m` constant 0
//!   (weight and bias), so a fresh block is the identity; one independent block per level.
//! - **HRoIE** (`hroie.py`, config `modules/hroie.py`): one `2C → C` 1×1 ConvModule (bias, no
//!   norm, no activation) per level; `acc` starts at zeros; `bottom_up` for the box head,
//!   `top_down` for the mask head.
//! - **Detector** (`models/catnet_r50_fpn.py`): RetinaNet with DenseFPN (5 stacks, P3–P7,
//!   256 channels) then SCP (5 levels); anchors octave base scale 4, 3 scales, ratios 0.5/1/2;
//!   `DeltaXYWHBBoxCoder` with means 0, stds 1; focal loss γ 2, α 0.25; L1 box loss; assigner
//!   `pos_iou_thr=0.5`, `neg_iou_thr=0.4`, `min_pos_iou=0`; test `score_thr=0.05`,
//!   `nms=dict(type='soft_nms', iou_threshold=0.5)`. mmcv's `soft_nms` defaults to
//!   `method='linear'` (σ 0.5 unused, `min_score=1e-3`), so CATNet uses **linear** soft-NMS.
//!
//! ## Deviations
//!
//! - Batch norm is burn's `BatchNorm` (per device), not SyncBN.
//! - burn 0.22 has no adaptive max pool: [`layers::adaptive_max_pool2d`] uses `max_pool2d` for
//!   exact multiples and per-window maxima otherwise (same result as PyTorch's windows).
//! - The plain FPN follows mmdet's `FPN` with `add_extra_convs='on_input'`, no norm.
//! - The detector's backbone is a plain strided CNN (`Conv3×3 s2 → BN → ReLU` stages), not
//!   an ImageNet-pretrained ResNet-50; [`DetectorConfig::small`] uses levels of strides 4, 8
//!   and 16 with smaller anchors, because the procedural aerial objects are 2–30 px.
//! - RetinaNet's head has 4 convolutions per branch ([`DetectorConfig::new`]); `small()` uses 1.
//! - mmdet's low-quality matching also assigns a ground truth whose best IoU is 0 to every
//!   anchor; [`anchors::assign`] only does so when the best IoU is above 0.
//! - The loss is normalised by `max(P, 1)`, `P` the number of positive anchors of the whole
//!   batch; mmdet 3 sums `max(P_i, 1)` over the images (they differ only when an image has no
//!   positive anchor).
//! - AP is COCO's 101-point interpolation with COCO's greedy matching by score
//!   ([`ApProtocol::COCO`]); [`ApProtocol::DIOR`] is the protocol of CATNet's DIOR numbers
//!   (mmdet's VOC matching, the legacy `+1` IoU, all-point interpolation), reported as
//!   [`DetectionMetrics::dior_map50`]. No area ranges, no `maxDets` cap beyond
//!   [`DetectConfig::max_per_image`], no crowd regions, no difficult objects.
//! - At test time the top scores are taken per image across levels (mmdet: `nms_pre` per
//!   level) and boxes of zero width or height after clipping are kept (mmdet drops them).
//! - RoIAlign's gradient reaches the features but not the box coordinates (as torchvision).
//! - The detector is box-only (RetinaNet has no mask head); masks are predicted by [`roi_head`]
//!   on jittered ground-truth boxes (no RPN, no RoI sampling, no background class), which is
//!   the HRoIE ablation of the issue rather than CAT Mask R-CNN.

pub mod anchors;
pub mod ap;
pub mod boxes;
pub mod dense_fpn;
pub mod detector;
pub mod focal;
pub mod fpn;
pub mod head;
pub mod hroie;
pub mod layers;
pub mod nms;
pub mod roi_align;
pub mod roi_head;
pub mod roi_masks;
pub mod roi_train;
pub mod scp;
pub mod train;

pub use anchors::{AnchorConfig, Assignment, assign};
pub use ap::{
    ApProtocol, GroundTruthBox, Interpolation, Matching, ScoredBox, average_precision, average_precision_with,
    coco_average_precision,
};
pub use boxes::{BoxXyxy, box_iou, box_iou_legacy, mask_iou};
pub use dense_fpn::{DenseFpn, DenseFpnConfig};
pub use detector::{DetectConfig, Detection, DetectionLoss, DetectionTarget, Detector, DetectorConfig, NeckKind};
pub use focal::{FOCAL_ALPHA, FOCAL_GAMMA, l1_loss, sigmoid_focal_loss};
pub use fpn::{Fpn, FpnConfig};
pub use head::{RetinaHead, RetinaHeadConfig};
pub use hroie::{Direction, HRoIE, HRoIEConfig};
pub use nms::{SoftNmsConfig, SoftNmsMethod, nms, soft_nms};
pub use roi_align::{Roi, roi_align};
pub use roi_head::{RoiExtractor, RoiHead, RoiHeadConfig, RoiLoss, RoiOutput};
pub use roi_masks::{jitter_boxes, mask_target, paste_mask};
pub use roi_train::{RoiBatch, RoiMetrics, RoiSource, evaluate_rois};
pub use scp::{Scp, ScpConfig, ScpPyramid};
pub use train::{DetectionBatch, DetectionMetrics, DetectionSource, detection_metrics, evaluate};
