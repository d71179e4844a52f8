//! [`RocCurve`]: the receiver operating characteristic of scores against binary labels, and a
//! chart of several such curves.

use super::{Chart, Legend, Series};
use crate::{GREY, RenderError};

/// The ROC curve of real-valued scores against binary labels: `(false positive rate, true
/// positive rate)` for every threshold, from `(0, 0)` to `(1, 1)`. Tied scores form one step
/// (a diagonal segment when the tie mixes classes), as in scikit-learn's `roc_curve` with
/// `drop_intermediate=False`.
///
/// ```
/// use kiln_render::RocCurve;
///
/// let roc = RocCurve::from_scores(&[0.9, 0.8, 0.4, 0.3], &[true, false, true, false]).unwrap();
/// assert_eq!(roc.points(), &[(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]);
/// assert_eq!(roc.auc(), 0.75);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    points: Vec<(f64, f64)>,
}

impl RocCurve {
    /// The curve of `scores` (higher means more likely positive) against `labels` (`true` is
    /// positive).
    ///
    /// # Errors
    ///
    /// [`RenderError::LengthMismatch`] when the slices differ in length,
    /// [`RenderError::EmptyData`] when they are empty, [`RenderError::NonFinite`] for a NaN or
    /// infinite score, [`RenderError::OneClass`] unless both labels occur.
    pub fn from_scores(scores: &[f64], labels: &[bool]) -> Result<Self, RenderError> {
        if scores.len() != labels.len() {
            return Err(RenderError::LengthMismatch {
                what: "ROC scores and labels",
                left: scores.len(),
                right: labels.len(),
            });
        }
        if scores.is_empty() {
            return Err(RenderError::EmptyData { what: "ROC curve" });
        }
        if let Some((index, &value)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
            return Err(RenderError::NonFinite { what: "ROC scores", index, value });
        }
        let positives = labels.iter().filter(|&&l| l).count();
        let negatives = labels.len() - positives;
        if positives == 0 || negatives == 0 {
            return Err(RenderError::OneClass { positives, negatives });
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let mut points = vec![(0.0, 0.0)];
        let (mut tp, mut fp) = (0usize, 0usize);
        for (k, &i) in order.iter().enumerate() {
            if labels[i] {
                tp += 1;
            } else {
                fp += 1;
            }
            // One point per distinct score: after the last of a run of ties.
            let last_of_tie = order.get(k + 1).is_none_or(|&next| scores[next] != scores[i]);
            if last_of_tie {
                points.push((fp as f64 / negatives as f64, tp as f64 / positives as f64));
            }
        }
        Ok(Self { points })
    }

    /// The `(false positive rate, true positive rate)` points, from `(0, 0)` to `(1, 1)`.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The area under the curve (trapezoidal rule): the probability that a random positive
    /// scores above a random negative, ties counting one half.
    pub fn auc(&self) -> f64 {
        self.points.windows(2).map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0).sum()
    }
}

impl Chart {
    /// A chart of ROC curves on the unit square: each curve labelled `"name (AUC 0.xxx)"`, the
    /// chance diagonal in grey, the legend in the lower right.
    pub fn roc(title: impl Into<String>, curves: &[(&str, &RocCurve)]) -> Self {
        let chance = Series::line("", [(0.0, 0.0), (1.0, 1.0)]).with_color(GREY);
        let chart = Chart::new(title)
            .x_label("false positive rate")
            .y_label("true positive rate")
            .x_range(0.0, 1.0)
            .y_range(0.0, 1.0)
            .legend(Legend::LowerRight)
            .series(chance);
        curves
            .iter()
            .fold(chart, |chart, (name, roc)| chart.series(Series::roc(format!("{name} (AUC {:.3})", roc.auc()), roc)))
    }
}
