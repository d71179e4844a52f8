//! [`PartHits`]: for every prototype, which annotated parts its activated region hits on each
//! test image of its class, and the two scores computed from them
//! (`evaluate_consistency`, `evaluate_stability` of hqhQAQ/EvalProtoPNet).

use super::keypoints::PartKeypoints;
use super::region::ActivatedRegion;

/// One prototype's part matrices over the test images of its class, in test order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrototypeParts {
    /// Per image: which parts the activated region hits (`proto_to_part`).
    pub hits: Vec<Vec<bool>>,
    /// Per image: which parts are visible (`proto_part_mask`).
    pub visible: Vec<Vec<bool>>,
}

impl PrototypeParts {
    /// Whether some part is hit on at least `threshold` of the images where it is visible:
    /// `max_p (Σ_i hit_ip) / max(1, Σ_i visible_ip) ≥ threshold`.
    pub fn is_consistent(&self, threshold: f64) -> bool {
        let parts = self.visible.first().map_or(0, Vec::len);
        (0..parts).any(|p| {
            let hit = self.hits.iter().filter(|h| h.get(p).copied().unwrap_or(false)).count();
            let shown = self.visible.iter().filter(|v| v.get(p).copied().unwrap_or(false)).count();
            hit as f64 / shown.max(1) as f64 >= threshold
        })
    }

    /// The share of images whose hit vector is the same here and in `other` (`None` without
    /// images).
    pub fn agreement(&self, other: &Self) -> Option<f64> {
        let n = self.hits.len().min(other.hits.len());
        (n > 0).then(|| self.hits.iter().zip(&other.hits).filter(|(a, b)| a == b).count() as f64 / n as f64)
    }
}

/// The part matrices of every prototype of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct PartHits {
    /// The class of each prototype.
    pub classes: Vec<usize>,
    /// Each prototype's part matrices.
    pub prototypes: Vec<PrototypeParts>,
}

impl PartHits {
    /// No images yet, for prototypes of these classes.
    pub fn new(classes: Vec<usize>) -> Self {
        let prototypes = vec![PrototypeParts::default(); classes.len()];
        Self { classes, prototypes }
    }

    /// Records one test image of class `label`: for every prototype `j` of that class, the
    /// parts that `region_of(j)` hits and the parts that are visible.
    pub fn record(
        &mut self,
        label: usize,
        keypoints: &PartKeypoints,
        mut region_of: impl FnMut(usize) -> ActivatedRegion,
    ) {
        let visible = keypoints.visible();
        for (j, parts) in self.prototypes.iter_mut().enumerate() {
            if self.classes[j] == label {
                parts.hits.push(region_of(j).hits(keypoints));
                parts.visible.push(visible.clone());
            }
        }
    }

    /// The consistency score: the percentage of prototypes that hit some part on at least
    /// `threshold` (0.8) of their class's images showing it. 0 without prototypes.
    pub fn consistency(&self, threshold: f64) -> f64 {
        let consistent = self.prototypes.iter().filter(|p| p.is_consistent(threshold)).count();
        100.0 * consistent as f64 / self.prototypes.len().max(1) as f64
    }

    /// The stability score against `perturbed` (the same images under noise): the mean over
    /// prototypes of the share of their class's images whose hit vector did not change, × 100.
    /// Prototypes whose class has no test image are left out of the mean (the official mean
    /// would be NaN); 0 when none is left.
    pub fn stability(&self, perturbed: &Self) -> f64 {
        let shares: Vec<f64> =
            self.prototypes.iter().zip(&perturbed.prototypes).filter_map(|(a, b)| a.agreement(b)).collect();
        100.0 * shares.iter().sum::<f64>() / shares.len().max(1) as f64
    }
}
