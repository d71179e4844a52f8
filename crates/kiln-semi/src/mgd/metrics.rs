//! Segmentation metrics: a per-pixel confusion matrix and the mean intersection over union
//! (classes absent from both the predictions and the labels are left out of the mean, as the
//! official evaluator's `nanmean`; `ignore_index` pixels are skipped).

use burn::prelude::Device;

use super::data::{SegExample, to_tensors};
use super::segnet::SegNet;

/// A `classes × classes` confusion matrix, `confusion[label][predicted]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SegMetrics {
    /// Pixel counts.
    pub confusion: Vec<Vec<u64>>,
}

impl SegMetrics {
    /// An empty matrix.
    pub fn new(classes: usize) -> Self {
        Self { confusion: vec![vec![0; classes]; classes] }
    }

    /// Adds predicted and true labels of the same pixels; labels outside `0..classes` (the
    /// ignore index) are skipped.
    pub fn update(&mut self, predicted: &[i64], labels: &[i64]) {
        let k = self.confusion.len() as i64;
        for (&p, &l) in predicted.iter().zip(labels) {
            if (0..k).contains(&l) && (0..k).contains(&p) {
                self.confusion[l as usize][p as usize] += 1;
            }
        }
    }

    /// IoU of each class, `None` where the class is neither predicted nor labelled.
    pub fn iou(&self) -> Vec<Option<f64>> {
        let k = self.confusion.len();
        (0..k)
            .map(|c| {
                let tp = self.confusion[c][c];
                let labelled: u64 = self.confusion[c].iter().sum();
                let predicted: u64 = self.confusion.iter().map(|row| row[c]).sum();
                let union = labelled + predicted - tp;
                (union > 0).then(|| tp as f64 / union as f64)
            })
            .collect()
    }

    /// Mean IoU over the classes with an IoU (0 when none has).
    pub fn miou(&self) -> f64 {
        let ious: Vec<f64> = self.iou().into_iter().flatten().collect();
        if ious.is_empty() { 0.0 } else { ious.iter().sum::<f64>() / ious.len() as f64 }
    }

    /// Fraction of the counted pixels predicted correctly.
    pub fn pixel_accuracy(&self) -> f64 {
        let total: u64 = self.confusion.iter().flatten().sum();
        let correct: u64 = (0..self.confusion.len()).map(|c| self.confusion[c][c]).sum();
        if total == 0 { 0.0 } else { correct as f64 / total as f64 }
    }
}

/// The metrics of `model` (in whatever mode it is; call on the evaluation model) on
/// `examples`, `batch_size` images at a time.
pub fn evaluate(
    model: &SegNet,
    examples: &[SegExample],
    classes: usize,
    batch_size: usize,
    device: &Device,
) -> SegMetrics {
    let mut metrics = SegMetrics::new(classes);
    for chunk in examples.chunks(batch_size.max(1)) {
        let refs: Vec<&SegExample> = chunk.iter().collect();
        let (images, _) = to_tensors(&refs, device);
        let predicted: Vec<i64> =
            model.logits(images).argmax(1).into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default();
        let labels: Vec<i64> = chunk.iter().flat_map(|e| e.labels.iter().copied()).collect();
        metrics.update(&predicted, &labels);
    }
    metrics
}

/// The mIoU of predicting background (class 0) everywhere on `examples`.
pub fn all_background_miou(examples: &[SegExample], classes: usize) -> f64 {
    let mut metrics = SegMetrics::new(classes);
    for e in examples {
        metrics.update(&vec![0; e.labels.len()], &e.labels);
    }
    metrics.miou()
}
