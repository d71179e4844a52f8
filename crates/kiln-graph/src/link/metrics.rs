//! Ranking metrics for link prediction, as OGB computes them (`ogb.linkproppred.Evaluator`).
//!
//! - Hits@K (ogbl-collab, -ppa, -ddi): the share of positive links scored strictly above the
//!   K-th best of one pool of negatives shared by all positives.
//! - MRR (ogbl-citation2): each positive `p` is ranked against its *own* row of negatives
//!   (`[n_pos, n_neg]`), `rank_p = 1 + #{neg_p > p} + ½ #{neg_p = p}` (the mean of the optimistic
//!   and pessimistic rank), `MRR = mean_p 1 / rank_p`.
//! - Pooled MRR: the same ranks against the shared pool of every positive; not OGB's metric,
//!   kept for comparison with earlier pages.
//! - ROC AUC: the probability that a random positive outscores a random negative (ties ½).
//!
//! A NaN score counts as −∞.

use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};

/// Hits@K, MRR and AUC of one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LinkMetrics {
    /// Hits@K for the K given.
    pub hits: f64,
    /// K.
    pub k: usize,
    /// Mean reciprocal rank, each positive against its own negatives.
    pub mrr: f64,
    /// ROC AUC.
    pub auc: f64,
}

impl LinkMetrics {
    /// All three metrics from the scores of the positives, the shared negatives (Hits@K, AUC)
    /// and each positive's own `per_positive` negatives, row-major (MRR); errors as [`mrr`].
    pub fn compute(pos: &[f32], neg: &[f32], own_neg: &[f32], per_positive: usize, k: usize) -> Result<Self> {
        Ok(Self { hits: hits_at_k(pos, neg, k), k, mrr: mrr(pos, own_neg, per_positive)?, auc: roc_auc(pos, neg) })
    }
}

/// `1 / rank` of `p` among `neg` (sorted): `rank = 1 + #{neg > p} + ½ #{neg = p}`.
fn reciprocal_rank(sorted_neg: &[f32], p: f32) -> f64 {
    let p = if p.is_nan() { f32::NEG_INFINITY } else { p };
    let (lt, le) = below(sorted_neg, p);
    let greater = sorted_neg.len() - le;
    1.0 / (1.0 + greater as f64 + 0.5 * (le - lt) as f64)
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

/// OGB's MRR: positive `i` ranked against its own negatives
/// `neg[i · per_positive .. (i + 1) · per_positive]`. Errors unless `neg` holds exactly
/// `per_positive ≥ 1` scores for every positive; 0 without positives.
pub fn mrr(pos: &[f32], neg: &[f32], per_positive: usize) -> Result<f64> {
    if per_positive == 0 {
        return Err(GraphError::Invalid("MRR needs at least one negative per positive".into()));
    }
    if neg.len() != pos.len() * per_positive {
        return Err(GraphError::LengthMismatch {
            what: "per-positive negatives",
            found: neg.len(),
            expected: pos.len() * per_positive,
        });
    }
    if pos.is_empty() {
        return Ok(0.0);
    }
    let total: f64 = pos.iter().zip(neg.chunks(per_positive)).map(|(&p, row)| reciprocal_rank(&sorted(row), p)).sum();
    Ok(total / pos.len() as f64)
}

/// Mean reciprocal rank of every positive against the whole shared pool `neg` (not OGB's MRR,
/// which gives each positive its own negatives: [`mrr`]).
pub fn pooled_mrr(pos: &[f32], neg: &[f32]) -> f64 {
    if pos.is_empty() {
        return 0.0;
    }
    let neg = sorted(neg);
    pos.iter().map(|&p| reciprocal_rank(&neg, p)).sum::<f64>() / pos.len() as f64
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
