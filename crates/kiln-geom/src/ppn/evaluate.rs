//! Next-frame occupancy IoU of the PPN on held-out windows, and two baselines.
//!
//! A cell is predicted occupied when its most probable class is not empty; its true occupancy
//! is `class ≠ empty` in the next frame. Over all cells of all windows,
//!
//! `IoU = |P ∩ O| / |P ∪ O|`
//!
//! (the counts are pooled before dividing; 1 when both sets are empty). Baselines:
//! *persistence* predicts the last input frame's occupancy, *all occupied* predicts every
//! cell occupied (its IoU is the fraction of occupied cells).

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};

use super::config::CLASSES;
use super::data::PpnSource;
use super::model::Ppn;
use crate::error::{GeomError, Result};

/// Intersection and union counts of two cell sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IouCounts {
    /// `|P ∩ O|`.
    pub intersection: u64,
    /// `|P ∪ O|`.
    pub union: u64,
}

impl IouCounts {
    /// Adds the cells of one map.
    pub fn add(&mut self, predicted: impl IntoIterator<Item = bool>, truth: impl IntoIterator<Item = bool>) {
        for (p, t) in predicted.into_iter().zip(truth) {
            self.intersection += u64::from(p && t);
            self.union += u64::from(p || t);
        }
    }

    /// `intersection / union` (1 for two empty sets).
    pub fn iou(&self) -> f64 {
        if self.union == 0 { 1.0 } else { self.intersection as f64 / self.union as f64 }
    }
}

/// The most probable class of each cell of `[3, cells²]` probabilities (ties to the lower
/// class).
pub fn argmax_classes(probs: &[f32], cells_per_frame: usize) -> Vec<u8> {
    (0..cells_per_frame)
        .map(|i| {
            let mut best = 0u8;
            for c in 1..CLASSES {
                if probs[c * cells_per_frame + i] > probs[usize::from(best) * cells_per_frame + i] {
                    best = c as u8;
                }
            }
            best
        })
        .collect()
}

/// Occupancy IoUs on a source's windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PpnScores {
    /// The segmentation net.
    pub segmentation: f64,
    /// The reconstruction net.
    pub reconstruction: f64,
    /// The last input frame as the prediction.
    pub persistence: f64,
    /// Every cell predicted occupied.
    pub all_occupied: f64,
    /// Windows scored.
    pub windows: usize,
}

/// Both nets' outputs `[3, cells²]` for one window's input values (`T · cells²`).
pub fn predict_window(model: &Ppn, input: Vec<f32>, device: &Device) -> Result<(Vec<f32>, Vec<f32>)> {
    let (t, n) = (model.frames(), model.cells());
    if input.len() != t * n * n {
        return Err(GeomError::Invalid(format!("{} input values for a {t} × {n}² stack", input.len())));
    }
    let x = Tensor::<4>::from_data(TensorData::new(input, [1, t, n, n]), device);
    let seg = model.seg.valid().forward(x.clone());
    let recon = model.recon.valid().forward(x);
    Ok((kiln_core::tensor::try_to_vec(seg)?, kiln_core::tensor::try_to_vec(recon)?))
}

/// Scores `model` on every window of `data` (in order).
pub fn evaluate_occupancy(model: &Ppn, data: &PpnSource, device: &Device) -> Result<PpnScores> {
    let cells = data.cells * data.cells;
    let [mut seg, mut recon, mut persist, mut all] = [IouCounts::default(); 4];
    let add = |counts: &mut IouCounts, pred: &[u8], truth: &[u8]| {
        counts.add(pred.iter().map(|&c| c != 0), truth.iter().map(|&c| c != 0));
    };
    for &start in &data.starts {
        let input = data.input_values(start);
        let truth = data.target_classes(start);
        let last: Vec<u8> = input[(data.frames - 1) * cells..].iter().map(|&v| u8::from(v > 0.5)).collect();
        let (p_seg, p_recon) = predict_window(model, input, device)?;
        add(&mut seg, &argmax_classes(&p_seg, cells), truth);
        add(&mut recon, &argmax_classes(&p_recon, cells), truth);
        add(&mut persist, &last, truth);
        add(&mut all, &vec![1; cells], truth);
    }
    Ok(PpnScores {
        segmentation: seg.iou(),
        reconstruction: recon.iou(),
        persistence: persist.iou(),
        all_occupied: all.iou(),
        windows: data.starts.len(),
    })
}
