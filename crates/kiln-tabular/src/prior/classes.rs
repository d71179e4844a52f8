//! Discretising a continuous variable by rank thresholds (TabPFN v1's `MulticlassRank`,
//! Hollmann et al. 2023, Appendix C.1): used for the target (classes) and for categorical
//! features.
//!
//! `k − 1` boundaries `b_1 < … < b_{k−1}` are values of the variable itself; the class of `v` is
//! `#{j : v > b_j}`. With probability ½ the class order is randomly permuted, and with probability
//! ½ it is reversed (`c ↦ k − 1 − c`), so that class index carries no ordinal meaning.
//! Boundaries are distinct observed values below the maximum, so each of the `k` classes is
//! non-empty (v1 draws them with replacement and may leave a class empty).

use rand::rngs::StdRng;

use super::sample::{bernoulli, permutation};

/// Classes `0..k'` of `values` by `k − 1` random rank thresholds, where `k' ≤ k` is limited by the
/// number of distinct values. Returns the classes and `k'`.
pub fn rank_classes(rng: &mut StdRng, values: &[f32], k: usize) -> (Vec<usize>, usize) {
    let mut distinct: Vec<f32> = values.to_vec();
    distinct.sort_by(f32::total_cmp);
    distinct.dedup();
    // Candidate boundaries: every distinct value except the largest.
    let candidates = distinct.len().saturating_sub(1);
    let k = k.min(candidates + 1).max(1);
    let picks = permutation(rng, candidates);
    let mut bounds: Vec<f32> = picks.iter().take(k - 1).map(|&i| distinct[i]).collect();
    bounds.sort_by(f32::total_cmp);
    let mut classes: Vec<usize> = values.iter().map(|&v| bounds.partition_point(|&b| v > b)).collect();
    if bernoulli(rng, 0.5) {
        let perm = permutation(rng, k);
        classes.iter_mut().for_each(|c| *c = perm[*c]);
    }
    if bernoulli(rng, 0.5) {
        classes.iter_mut().for_each(|c| *c = k - 1 - *c);
    }
    (classes, k)
}
