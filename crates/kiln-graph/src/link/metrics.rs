//! Ranking metrics for link prediction, as OGB computes them.
//!
//! - Hits@K: the share of positive links scored strictly above the K-th best negative.
//! - MRR: for each positive, `1 / rank` with `rank = 1 + #{neg > pos} + ½ #{neg = pos}` (OGB's
//!   average of the optimistic and pessimistic rank) against the given negatives.
//! - ROC AUC: the probability that a random positive outscores a random negative (ties ½).

use serde::{Deserialize, Serialize};

/// Hits@K, MRR and AUC of one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LinkMetrics {
    /// Hits@K for the K given.
    pub hits: f64,
    /// K.
    pub k: usize,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// ROC AUC.
    pub auc: f64,
}

impl LinkMetrics {
    /// All three metrics from positive and negative scores.
    pub fn compute(pos: &[f32], neg: &[f32], k: usize) -> Self {
        Self { hits: hits_at_k(pos, neg, k), k, mrr: mrr(pos, neg), auc: roc_auc(pos, neg) }
    }
}

fn sorted(values: &[f32]) -> Vec<f32> {
    let mut v: Vec<f32> = values.iter().map(|x| if x.is_nan() { f32::NEG_INFINITY } else { *x }).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// Share of positives scored above the K-th highest negative (1 if there are fewer than K
/// negatives, as in OGB).
pub fn hits_at_k(pos: &[f32], neg: &[f32], k: usize) -> f64 {
    if pos.is_empty() {
        return 0.0;
    }
    if neg.len() < k || k == 0 {
        return 1.0;
    }
    let neg = sorted(neg);
    let kth = neg[neg.len() - k];
    pos.iter().filter(|&&p| p > kth).count() as f64 / pos.len() as f64
}

/// Count of values `< x` and `<= x` in sorted `v`.
fn below(v: &[f32], x: f32) -> (usize, usize) {
    (v.partition_point(|&a| a < x), v.partition_point(|&a| a <= x))
}

/// Mean reciprocal rank of each positive among the negatives.
pub fn mrr(pos: &[f32], neg: &[f32]) -> f64 {
    if pos.is_empty() {
        return 0.0;
    }
    let neg = sorted(neg);
    let total: f64 = pos
        .iter()
        .map(|&p| {
            let (lt, le) = below(&neg, p);
            let greater = neg.len() - le;
            let ties = le - lt;
            1.0 / (1.0 + greater as f64 + 0.5 * ties as f64)
        })
        .sum();
    total / pos.len() as f64
}

/// ROC AUC (Mann–Whitney U), ties counted ½.
pub fn roc_auc(pos: &[f32], neg: &[f32]) -> f64 {
    if pos.is_empty() || neg.is_empty() {
        return 0.5;
    }
    let neg = sorted(neg);
    let wins: f64 = pos
        .iter()
        .map(|&p| {
            let (lt, le) = below(&neg, p);
            lt as f64 + 0.5 * (le - lt) as f64
        })
        .sum();
    wins / (pos.len() as f64 * neg.len() as f64)
}
