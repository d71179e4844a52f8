//! Average precision of detections, per class, at one IoU threshold or COCO-style over
//! `IoU ∈ {0.50, 0.55, …, 0.95}`.
//!
//! Matching (COCO's rule): detections are visited by decreasing score; each is a true positive
//! when some not-yet-matched ground truth of the same image has IoU ≥ the threshold with it
//! (it takes the one of highest IoU), a false positive otherwise. With `tp_k`, `fp_k` the
//! counts among the first `k` detections, `recall_k = tp_k / n_gt` and
//! `precision_k = tp_k / (tp_k + fp_k)`. The precision envelope is
//! `p̂(r) = max_{k: recall_k ≥ r} precision_k`, and
//!
//! - [`Interpolation::Coco101`]: `AP = (1/101) Σ_{r ∈ {0, 0.01, …, 1}} p̂(r)` (COCO, and the
//!   iSAID evaluation CATNet reports through mmdet's COCO metric);
//! - [`Interpolation::VocAllPoints`]: the area under the envelope,
//!   `AP = Σ_k (recall_k − recall_{k−1}) · p̂(recall_k)` (VOC 2010+).
//!
//! CATNet's DIOR numbers come from mmdet's `VOCMetric(eval_mode='area')`, which matches
//! differently ([`Matching::Voc`], mmdet's `tpfp_default`: each detection takes the ground
//! truth of highest IoU overall, and is a false positive when that one is already taken) and
//! measures IoU with the legacy `+1` on widths and heights
//! ([`box_iou_legacy`]). [`ApProtocol::DIOR`] is that whole
//! protocol, [`ApProtocol::COCO`] the COCO one; [`average_precision_with`] takes either.

use super::boxes::{BoxXyxy, box_iou, box_iou_legacy};

/// One detection of one class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredBox {
    /// The image it was made on.
    pub image: usize,
    /// The box.
    pub bbox: BoxXyxy,
    /// Its confidence.
    pub score: f32,
}

/// One ground-truth object of one class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroundTruthBox {
    /// The image it lies on.
    pub image: usize,
    /// The box.
    pub bbox: BoxXyxy,
}

/// How the precision–recall curve is summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Interpolation {
    /// The mean of the envelope at 101 recall points (COCO).
    Coco101,
    /// The area under the envelope (VOC 2010 and later).
    VocAllPoints,
}

/// How detections, by decreasing score, are matched to the ground truths of their image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Matching {
    /// COCO: a detection takes the not-yet-matched ground truth of highest IoU among those at
    /// or above the threshold ([`match_detections`]).
    Coco,
    /// VOC (mmdet's `tpfp_default`): a detection takes the ground truth of highest IoU among
    /// all of them; a true positive when that IoU reaches the threshold and that ground truth is
    /// not taken yet, a false positive otherwise, even when another one would have matched.
    Voc,
}

/// A whole AP protocol: matching, IoU convention and interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApProtocol {
    /// How detections meet ground truths.
    pub matching: Matching,
    /// IoU with the legacy `+1` on widths and heights ([`box_iou_legacy`]).
    pub legacy_iou: bool,
    /// How the precision–recall curve is summarised.
    pub interpolation: Interpolation,
}

impl ApProtocol {
    /// COCO's (pycocotools): COCO matching, continuous IoU, 101 recall points.
    pub const COCO: Self = Self { matching: Matching::Coco, legacy_iou: false, interpolation: Interpolation::Coco101 };
    /// The DIOR (and VOC 2010+) protocol of CATNet's numbers, mmdet's
    /// `VOCMetric(eval_mode='area')`: VOC matching, legacy IoU, area under the envelope.
    pub const DIOR: Self =
        Self { matching: Matching::Voc, legacy_iou: true, interpolation: Interpolation::VocAllPoints };

    fn iou(&self, a: &BoxXyxy, b: &BoxXyxy) -> f32 {
        if self.legacy_iou { box_iou_legacy(a, b) } else { box_iou(a, b) }
    }
}

/// Detection indices by decreasing score (ties by index).
fn by_score(detections: &[ScoredBox]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..detections.len()).collect();
    order.sort_by(|&a, &b| detections[b].score.total_cmp(&detections[a].score).then(a.cmp(&b)));
    order
}

/// Whether each detection, by decreasing score, is a true positive at `iou_threshold`
/// under `protocol`'s matching and IoU. Among equal IoUs COCO takes the last ground truth (as
/// pycocotools), VOC the first (as numpy's `argmax`).
pub fn match_detections_with(
    detections: &[ScoredBox],
    truths: &[GroundTruthBox],
    iou_threshold: f32,
    protocol: &ApProtocol,
) -> Vec<bool> {
    let voc = protocol.matching == Matching::Voc;
    let mut taken = vec![false; truths.len()];
    by_score(detections)
        .into_iter()
        .map(|d| {
            let det = &detections[d];
            let best = truths
                .iter()
                .enumerate()
                .filter(|(g, t)| t.image == det.image && (voc || !taken[*g]))
                .map(|(g, t)| (g, protocol.iou(&det.bbox, &t.bbox)))
                .fold(None, |best: Option<(usize, f32)>, (g, iou)| match best {
                    Some((_, b)) if b > iou || (voc && b == iou) => best,
                    _ => Some((g, iou)),
                });
            match best {
                Some((g, iou)) if iou >= iou_threshold && !taken[g] => {
                    taken[g] = true;
                    true
                }
                _ => false,
            }
        })
        .collect()
}

/// Whether each detection, by decreasing score, is a true positive at `iou_threshold`
/// ([`ApProtocol::COCO`]'s matching and IoU).
pub fn match_detections(detections: &[ScoredBox], truths: &[GroundTruthBox], iou_threshold: f32) -> Vec<bool> {
    match_detections_with(detections, truths, iou_threshold, &ApProtocol::COCO)
}

/// AP of the ranked true/false-positive flags `hits` against `truths` ground truths; `None`
/// when there is no ground truth (COCO leaves such a class out of the mean).
pub fn ap_from_hits(hits: &[bool], truths: usize, interpolation: Interpolation) -> Option<f32> {
    if truths == 0 {
        return None;
    }
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut recall = Vec::with_capacity(hits.len());
    let mut precision = Vec::with_capacity(hits.len());
    for &hit in hits {
        if hit {
            tp += 1
        } else {
            fp += 1
        }
        recall.push(tp as f32 / truths as f32);
        precision.push(tp as f32 / (tp + fp) as f32);
    }
    // Envelope: precision made non-increasing from the right.
    for k in (0..precision.len().saturating_sub(1)).rev() {
        precision[k] = precision[k].max(precision[k + 1]);
    }
    let ap = match interpolation {
        Interpolation::Coco101 => {
            let total: f32 = (0..=100)
                .map(|i| {
                    let r = i as f32 / 100.0;
                    // First rank whose recall reaches r (with a little slack for rounding).
                    recall.iter().position(|&x| x >= r - 1e-6).map_or(0.0, |k| precision[k])
                })
                .sum();
            total / 101.0
        }
        Interpolation::VocAllPoints => {
            let mut previous = 0.0;
            let mut area = 0.0;
            for (r, p) in recall.iter().zip(&precision) {
                area += (r - previous) * p;
                previous = *r;
            }
            area
        }
    };
    Some(ap)
}

/// AP of one class's `detections` against its `truths` at `iou_threshold`; `None` without
/// ground truth.
pub fn average_precision(
    detections: &[ScoredBox],
    truths: &[GroundTruthBox],
    iou_threshold: f32,
    interpolation: Interpolation,
) -> Option<f32> {
    ap_from_hits(&match_detections(detections, truths, iou_threshold), truths.len(), interpolation)
}

/// AP of one class's `detections` against its `truths` at `iou_threshold` under `protocol`;
/// `None` without ground truth.
pub fn average_precision_with(
    detections: &[ScoredBox],
    truths: &[GroundTruthBox],
    iou_threshold: f32,
    protocol: &ApProtocol,
) -> Option<f32> {
    let hits = match_detections_with(detections, truths, iou_threshold, protocol);
    ap_from_hits(&hits, truths.len(), protocol.interpolation)
}

/// COCO AP@[.5:.95]: the mean of [`average_precision`] (101-point) over the ten IoU thresholds
/// `0.50, 0.55, …, 0.95`; `None` without ground truth.
pub fn coco_average_precision(detections: &[ScoredBox], truths: &[GroundTruthBox]) -> Option<f32> {
    let aps: Option<Vec<f32>> =
        (0..10).map(|i| average_precision(detections, truths, 0.5 + 0.05 * i as f32, Interpolation::Coco101)).collect();
    aps.map(|aps| aps.iter().sum::<f32>() / aps.len() as f32)
}

/// The mean over classes `0..classes` of a per-class AP (`ap(class)`), leaving out the classes
/// for which it is `None`; `None` when every class is left out.
pub fn mean_over_classes(classes: usize, ap: impl Fn(usize) -> Option<f32>) -> Option<f32> {
    let aps: Vec<f32> = (0..classes).filter_map(ap).collect();
    (!aps.is_empty()).then(|| aps.iter().sum::<f32>() / aps.len() as f32)
}
