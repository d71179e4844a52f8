//! Missing feature values (NaN) replaced by the training mean of their feature.

use crate::item::VectorExample;

/// The mean of each feature over the training rows, ignoring missing values (NaN), to fill in
/// the missing values of any split.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanImputer {
    /// Per feature: the mean of its present training values, or 0 for a feature with no
    /// present training value (see [`MeanImputer::unobserved`]).
    pub means: Vec<f32>,
    /// Per feature: how many training values were missing.
    pub missing: Vec<usize>,
    /// Per feature: whether no training value was present.
    pub unobserved: Vec<bool>,
}

impl MeanImputer {
    /// Fits the means on `train` (rows of equal width).
    pub fn fit(train: &[VectorExample]) -> Self {
        let width = train.first().map_or(0, |e| e.features.len());
        let mut sums = vec![0.0f64; width];
        let mut present = vec![0usize; width];
        let mut missing = vec![0usize; width];
        for example in train {
            for (f, &v) in example.features.iter().enumerate().take(width) {
                if v.is_nan() {
                    missing[f] += 1;
                } else {
                    sums[f] += f64::from(v);
                    present[f] += 1;
                }
            }
        }
        let means =
            sums.iter().zip(&present).map(|(&s, &n)| if n == 0 { 0.0 } else { (s / n as f64) as f32 }).collect();
        Self { means, missing, unobserved: present.iter().map(|&n| n == 0).collect() }
    }

    /// Whether some training value was missing.
    pub fn any_missing(&self) -> bool {
        self.missing.iter().any(|&n| n > 0)
    }

    /// Replaces every NaN of `examples` by its feature's mean; returns how many were replaced.
    pub fn apply(&self, examples: &mut [VectorExample]) -> usize {
        let mut replaced = 0;
        for example in examples {
            for (v, &mean) in example.features.iter_mut().zip(&self.means) {
                if v.is_nan() {
                    *v = mean;
                    replaced += 1;
                }
            }
        }
        replaced
    }
}
