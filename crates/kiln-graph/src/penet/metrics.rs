//! Graph-constrained PredCls recall R@K and mean recall mR@K (K = 20, 50, 100), after the
//! Neural-Motifs / Scene-Graph-Benchmark protocol (`sgg_eval.py`: `SGRecall`, `SGMeanRecall`).
//!
//! Per scene, every candidate pair keeps one predicate: `p̂ = argmax_{k≥1} score_k` (background
//! excluded), ranked by `score_p̂` (object scores are 1 in PredCls). A ground-truth triple
//! `(i, j, p)` is recalled at K when `(i, j, p)` is among the K best-ranked predictions.
//!
//! - `R@K = mean over scenes of |recalled| / |ground truth|`;
//! - `mR@K = (1/(K_pred − 1)) Σ_{p≥1} mean over scenes containing p of recalled_p / count_p`,
//!   a predicate never seen counting 0 (as the official code divides by `num_rel − 1`).
//!
//! Scenes without ground truth are skipped (they would divide by zero in the official code).

use crate::error::{GraphError, Result};

/// The K of R@K and mR@K.
pub const RECALL_KS: [usize; 3] = [20, 50, 100];

/// R@K and mR@K for K in [`RECALL_KS`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SceneGraphRecall {
    /// R@20, R@50, R@100.
    pub recall: [f64; 3],
    /// mR@20, mR@50, mR@100.
    pub mean_recall: [f64; 3],
}

impl SceneGraphRecall {
    /// R@K for K in [`RECALL_KS`].
    pub fn recall_at(&self, k: usize) -> Option<f64> {
        RECALL_KS.iter().position(|&x| x == k).map(|i| self.recall[i])
    }

    /// mR@K for K in [`RECALL_KS`].
    pub fn mean_recall_at(&self, k: usize) -> Option<f64> {
        RECALL_KS.iter().position(|&x| x == k).map(|i| self.mean_recall[i])
    }
}

/// The graph-constrained predictions of one scene: `(pair index, predicate, score)` sorted by
/// score, highest first (ties keep pair order). `scores` is `[pairs, predicates]`, row-major.
pub fn ranked_predictions(scores: &[f32], predicates: usize) -> Result<Vec<(usize, usize, f32)>> {
    if predicates < 2 || !scores.len().is_multiple_of(predicates) {
        return Err(GraphError::Invalid(format!(
            "recall: {} scores do not form rows of {predicates} predicates (background included)",
            scores.len()
        )));
    }
    let mut out: Vec<(usize, usize, f32)> = scores
        .chunks(predicates)
        .enumerate()
        .map(|(pair, row)| {
            let (p, s) = row
                .iter()
                .enumerate()
                .skip(1)
                .fold((1, f32::NEG_INFINITY), |best, (p, &s)| if s > best.1 { (p, s) } else { best });
            (pair, p, s)
        })
        .collect();
    out.sort_by(|a, b| b.2.total_cmp(&a.2));
    Ok(out)
}

/// Accumulates scenes and reports [`SceneGraphRecall`].
#[derive(Debug, Clone)]
pub struct RecallAccumulator {
    predicates: usize,
    recall: [Vec<f64>; 3],
    per_predicate: [Vec<Vec<f64>>; 3],
}

impl RecallAccumulator {
    /// An empty accumulator for `predicates` classes (background, index 0, included).
    pub fn new(predicates: usize) -> Self {
        let empty = || vec![Vec::new(); predicates];
        Self { predicates, recall: [Vec::new(), Vec::new(), Vec::new()], per_predicate: [empty(), empty(), empty()] }
    }

    /// Adds one scene: its candidate `pairs` (subject, object), their `scores`
    /// `[pairs, predicates]` row-major, and the ground-truth `(subject, object, predicate)`.
    pub fn add(&mut self, pairs: &[(usize, usize)], scores: &[f32], truth: &[(usize, usize, usize)]) -> Result<()> {
        if scores.len() != pairs.len() * self.predicates {
            return Err(GraphError::LengthMismatch {
                what: "relation scores",
                found: scores.len(),
                expected: pairs.len() * self.predicates,
            });
        }
        if let Some(t) = truth.iter().find(|t| t.2 == 0 || t.2 >= self.predicates) {
            return Err(GraphError::Invalid(format!(
                "recall: ground-truth predicate {} out of 1..{}",
                t.2, self.predicates
            )));
        }
        if truth.is_empty() {
            return Ok(());
        }
        let ranked = ranked_predictions(scores, self.predicates)?;
        let mut count = vec![0usize; self.predicates];
        for t in truth {
            count[t.2] += 1;
        }
        for (slot, &k) in RECALL_KS.iter().enumerate() {
            let top: Vec<(usize, usize, usize)> =
                ranked.iter().take(k).map(|&(pair, p, _)| (pairs[pair].0, pairs[pair].1, p)).collect();
            let mut hit = vec![0usize; self.predicates];
            for t in truth.iter().filter(|t| top.contains(t)) {
                hit[t.2] += 1;
            }
            self.recall[slot].push(hit.iter().sum::<usize>() as f64 / truth.len() as f64);
            for p in (1..self.predicates).filter(|&p| count[p] > 0) {
                self.per_predicate[slot][p].push(hit[p] as f64 / count[p] as f64);
            }
        }
        Ok(())
    }

    /// Scenes with ground truth added so far.
    pub fn scenes(&self) -> usize {
        self.recall[0].len()
    }

    /// R@K and mR@K over the scenes added (0 when none).
    pub fn finish(&self) -> SceneGraphRecall {
        let mean = |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
        let recall = std::array::from_fn(|slot| mean(&self.recall[slot]));
        let mean_recall = std::array::from_fn(|slot| {
            (1..self.predicates).map(|p| mean(&self.per_predicate[slot][p])).sum::<f64>() / (self.predicates - 1) as f64
        });
        SceneGraphRecall { recall, mean_recall }
    }
}
