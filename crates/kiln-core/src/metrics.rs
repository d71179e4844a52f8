//! Classification metrics: accuracy, top-k accuracy, confusion matrix, ROC AUC.

use burn::prelude::{Int, Tensor};
use serde::{Deserialize, Serialize};

/// Accumulates classification results over batches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    /// `k` for top-k accuracy.
    pub k: usize,
    /// Examples seen.
    pub total: u64,
    /// Examples whose arg-max is the target.
    pub correct: u64,
    /// Examples whose target is among the `k` highest scores.
    pub topk_correct: u64,
    /// `confusion[target][predicted]` counts.
    pub confusion: Vec<Vec<u64>>,
}

impl ClassificationMetrics {
    /// An empty accumulator reporting top-`k` accuracy.
    pub fn new(k: usize) -> Self {
        Self { k: k.max(1), ..Self::default() }
    }

    /// Adds a batch of scores `[batch, classes]` and targets `[batch]`.
    pub fn update(&mut self, logits: Tensor<2>, targets: Tensor<1, Int>) {
        let [batch, classes] = logits.dims();
        let scores: Vec<f32> = logits.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default();
        let targets: Vec<i64> = targets.into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default();
        self.update_slices(&scores, &targets, batch, classes);
    }

    /// Adds a batch given as host slices (`scores` row-major `[batch, classes]`).
    pub fn update_slices(&mut self, scores: &[f32], targets: &[i64], batch: usize, classes: usize) {
        if self.confusion.len() < classes {
            self.confusion.resize(classes, Vec::new());
        }
        for row in &mut self.confusion {
            row.resize(classes.max(row.len()), 0);
        }
        for (b, &target) in targets.iter().enumerate().take(batch) {
            let Some(row) = scores.get(b * classes..(b + 1) * classes) else { break };
            let target = target.max(0) as usize;
            let predicted = argmax(row);
            let above = row.iter().filter(|&&s| s > row.get(target).copied().unwrap_or(f32::NEG_INFINITY)).count();
            self.total += 1;
            self.correct += u64::from(predicted == target);
            self.topk_correct += u64::from(above < self.k);
            if let Some(cell) = self.confusion.get_mut(target).and_then(|r| r.get_mut(predicted)) {
                *cell += 1;
            }
        }
    }

    /// Top-1 accuracy in `[0, 1]` (0 when empty).
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.total)
    }

    /// Top-k accuracy in `[0, 1]`.
    pub fn topk_accuracy(&self) -> f64 {
        ratio(self.topk_correct, self.total)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Index of the largest value (first on ties; NaN never wins).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] || values[best].is_nan() {
            best = i;
        }
    }
    best
}

/// Area under the ROC curve of `scores` for the binary `labels` (`true` = positive), as the
/// Mann–Whitney statistic: the probability that a random positive scores above a random
/// negative, ties counting one half (ranks of tied scores are averaged). `None` when either
/// class is absent, when the lengths differ or when a score is NaN.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    if scores.len() != labels.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let average_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += average_rank * order[start..end].iter().filter(|&&i| labels[i]).count() as f64;
        start = end;
    }
    let (p, n) = (positives as f64, negatives as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_hand_computed_batch() {
        let mut m = ClassificationMetrics::new(2);
        // three examples, three classes
        let scores = [0.1, 0.7, 0.2, /**/ 0.5, 0.3, 0.2, /**/ 0.2, 0.3, 0.5];
        m.update_slices(&scores, &[1, 1, 0], 3, 3);
        assert_eq!(m.total, 3);
        assert_eq!(m.correct, 1);
        assert_eq!(m.topk_correct, 2); // example 2: class 1 is second; example 3: class 0 is third
        assert_eq!(m.confusion, vec![vec![0, 0, 1], vec![1, 1, 0], vec![0, 0, 0]]);
        assert!((m.accuracy() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn roc_auc_hand_values_with_ties() {
        // Perfect separation, perfect inversion, and chance.
        assert_eq!(roc_auc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]), Some(1.0));
        assert_eq!(roc_auc(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]), Some(0.0));
        // Positives 0.8, 0.4; negatives 0.6, 0.2: pairs (0.8>0.6), (0.8>0.2), (0.4<0.6),
        // (0.4>0.2) → 3/4.
        assert_eq!(roc_auc(&[0.8, 0.4, 0.6, 0.2], &[true, true, false, false]), Some(0.75));
        // Ties: positives 0.5, 0.7; negatives 0.5, 0.3: (0.5 vs 0.5) = ½, (0.5>0.3) = 1,
        // (0.7>0.5) = 1, (0.7>0.3) = 1 → 3.5/4.
        assert_eq!(roc_auc(&[0.5, 0.7, 0.5, 0.3], &[true, true, false, false]), Some(0.875));
        // Every score equal: ½.
        assert_eq!(roc_auc(&[1.0; 5], &[true, false, true, false, false]), Some(0.5));
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(roc_auc(&[0.1], &[true, false]), None);
        assert_eq!(roc_auc(&[f64::NAN, 0.2], &[true, false]), None);
    }
}
