//! Non-maximum suppression, hard and soft (Bodla et al., "Soft-NMS", ICCV 2017).
//!
//! - [`nms`]: greedy; keeps the best box and drops every remaining box whose IoU with it is
//!   **greater than** the threshold (torchvision's rule), until none is left.
//! - [`soft_nms`]: mmcv's algorithm. Repeatedly take the highest-scoring remaining box `M`
//!   and rescale every other remaining box `b` by `w(IoU(M, b))`:
//!   - linear: `w = 1 − IoU` when `IoU > threshold`, else 1;
//!   - Gaussian: `w = exp(−IoU² / σ)` for every box;
//!
//!   then drop the boxes whose score fell below `min_score`.
//!
//! CATNet's test config is `nms=dict(type='soft_nms', iou_threshold=0.5)`, which mmcv runs
//! with its defaults `method='linear'`, `sigma=0.5`, `min_score=1e-3`: **linear** soft-NMS at
//! 0.5 ([`SoftNmsConfig::catnet`]).

use super::boxes::{BoxXyxy, box_iou};

/// Indices of the boxes that hard NMS keeps, best score first.
///
/// # Panics
/// When `boxes` and `scores` differ in length.
pub fn nms(boxes: &[BoxXyxy], scores: &[f32], iou_threshold: f32) -> Vec<usize> {
    assert_eq!(boxes.len(), scores.len(), "nms: {} boxes, {} scores", boxes.len(), scores.len());
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut suppressed = vec![false; boxes.len()];
    let mut keep = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        if suppressed[i] {
            continue;
        }
        keep.push(i);
        for &j in &order[rank + 1..] {
            if !suppressed[j] && box_iou(&boxes[i], &boxes[j]) > iou_threshold {
                suppressed[j] = true;
            }
        }
    }
    keep
}

/// How soft-NMS rescales an overlapping box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SoftNmsMethod {
    /// `1 − IoU` above the threshold (mmcv's default, the one CATNet runs).
    Linear,
    /// `exp(−IoU² / σ)`.
    Gaussian,
}

/// Settings of [`soft_nms`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SoftNmsConfig {
    /// The rescaling.
    pub method: SoftNmsMethod,
    /// IoU above which [`SoftNmsMethod::Linear`] rescales.
    pub iou_threshold: f32,
    /// σ of [`SoftNmsMethod::Gaussian`].
    pub sigma: f32,
    /// Boxes whose rescaled score falls below it are dropped.
    pub min_score: f32,
}

impl SoftNmsConfig {
    /// CATNet's setting: linear, IoU threshold 0.5, σ 0.5 (unused), minimum score 1e-3.
    pub fn catnet() -> Self {
        Self { method: SoftNmsMethod::Linear, iou_threshold: 0.5, sigma: 0.5, min_score: 1e-3 }
    }
}

/// Soft-NMS: `(index, rescaled score)` of the boxes kept, in the order they were selected
/// (which is by decreasing rescaled score).
///
/// # Panics
/// When `boxes` and `scores` differ in length.
pub fn soft_nms(boxes: &[BoxXyxy], scores: &[f32], config: &SoftNmsConfig) -> Vec<(usize, f32)> {
    assert_eq!(boxes.len(), scores.len(), "soft_nms: {} boxes, {} scores", boxes.len(), scores.len());
    let mut live: Vec<(usize, f32)> =
        scores.iter().copied().enumerate().filter(|&(_, s)| s >= config.min_score).collect();
    let mut kept = Vec::new();
    while !live.is_empty() {
        let best = (0..live.len())
            .max_by(|&a, &b| live[a].1.total_cmp(&live[b].1).then(live[b].0.cmp(&live[a].0)))
            .unwrap_or(0);
        let (m, score) = live.swap_remove(best);
        kept.push((m, score));
        for entry in &mut live {
            let iou = box_iou(&boxes[m], &boxes[entry.0]);
            let weight = match config.method {
                SoftNmsMethod::Linear if iou > config.iou_threshold => 1.0 - iou,
                SoftNmsMethod::Linear => 1.0,
                SoftNmsMethod::Gaussian => (-iou * iou / config.sigma).exp(),
            };
            entry.1 *= weight;
        }
        live.retain(|&(_, s)| s >= config.min_score);
    }
    kept
}
