//! Macro F1 (the paper's metric) and the reconstruction filter of the server's labelled set.

/// `confusion[t][p]`: examples of true class `t` predicted `p`, over `classes` classes (labels
/// at or above `classes` are ignored).
pub fn confusion(truth: &[usize], predicted: &[usize], classes: usize) -> Vec<Vec<u64>> {
    let mut out = vec![vec![0u64; classes]; classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        if t < classes && p < classes {
            out[t][p] += 1;
        }
    }
    out
}

/// Macro F1 of a confusion matrix: the mean over the classes that occur as a true or a
/// predicted label of `F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c)` (scikit-learn's
/// `f1_score(average="macro")`, whose labels are those present in either). 0 when empty.
pub fn macro_f1_of(confusion: &[Vec<u64>]) -> f64 {
    let k = confusion.len();
    let mut sum = 0.0;
    let mut present = 0usize;
    for c in 0..k {
        let tp = confusion[c].get(c).copied().unwrap_or(0);
        let fn_ = confusion[c].iter().sum::<u64>() - tp;
        let fp = (0..k).map(|t| confusion[t].get(c).copied().unwrap_or(0)).sum::<u64>() - tp;
        let denominator = 2 * tp + fp + fn_;
        if denominator > 0 {
            sum += 2.0 * tp as f64 / denominator as f64;
            present += 1;
        }
    }
    if present == 0 { 0.0 } else { sum / present as f64 }
}

/// Macro F1 of predictions against the truth (see [`macro_f1_of`]).
pub fn macro_f1(truth: &[usize], predicted: &[usize]) -> f64 {
    let classes = truth.iter().chain(predicted).max().map_or(0, |&m| m + 1);
    macro_f1_of(&confusion(truth, predicted, classes))
}

/// Indices of the examples whose reconstruction error is below `threshold` (strictly; NaN
/// never passes): the server's labelled examples that client `i`'s autoencoder reconstructs
/// well enough to train the base model on.
pub fn below_threshold(errors: &[f32], threshold: f32) -> Vec<usize> {
    errors.iter().enumerate().filter(|&(_, &e)| e < threshold).map(|(i, _)| i).collect()
}
