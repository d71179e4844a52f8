//! LG, the largest-gap estimator (Channarond, Daudin & Robin, "Classification and estimation in
//! the Stochastic Blockmodel based on the empirical degrees", Electronic Journal of Statistics
//! 6, 2012; the official `largest_gap`).

use super::aligned::{aligned_mean, check_input, degree_order, permuted};
use super::blocks::block_average;
use crate::error::{GraphError, Result};
use crate::graph::Graph;
use crate::w2pgnn::graphon::{Graphon, resize_bilinear};

/// The official number of blocks: `K = ⌊N_max / h⌋`, `h = ⌊log₂ N_max⌋ + 1` (SAS's block
/// count; at least 1).
pub fn default_blocks(n_max: usize) -> usize {
    (n_max / (n_max.max(1).ilog2() as usize + 1)).max(1)
}

/// The LG step matrix of the symmetric `n × n` mean adjacency `a` with `k ≥ 1` blocks:
/// sort the nodes by degree, descending (stable), take the normalised degrees
/// `d_(1) ≥ … ≥ d_(n)`, `d_i = Σ_j a_ij / (n − 1)`, cut the sequence at the `k − 1` largest
/// gaps `d_(i) − d_(i+1)` (ties: the earlier gap first) into `k` runs of consecutive nodes,
/// and fit the block model of those runs ([`block_average`]). The result is `n × n` in the
/// degree-sorted node order. `k` is capped at `n` (there are `n − 1` gaps).
pub fn largest_gap_matrix(a: &[f64], n: usize, k: usize) -> Vec<f64> {
    let sorted = permuted(a, n, &degree_order(a, n));
    let norm = n.saturating_sub(1).max(1) as f64;
    let deg: Vec<f64> = (0..n).map(|i| sorted[i * n..(i + 1) * n].iter().sum::<f64>() / norm).collect();
    let mut gaps: Vec<usize> = (0..n.saturating_sub(1)).collect();
    gaps.sort_by(|&x, &y| (deg[y] - deg[y + 1]).total_cmp(&(deg[x] - deg[x + 1])));
    let k = k.clamp(1, n.max(1));
    let mut cut = vec![false; n];
    gaps.iter().take(k - 1).for_each(|&g| cut[g + 1] = true);
    let mut block = 0;
    let labels: Vec<usize> = (0..n)
        .map(|i| {
            block += usize::from(cut[i]);
            block
        })
        .collect();
    block_average(&sorted, n, &labels, k)
}

/// Errors when the number of blocks is given as 0.
pub fn check_blocks(blocks: Option<usize>) -> Result<()> {
    match blocks {
        Some(0) => Err(GraphError::Invalid("LG blocks must be positive".into())),
        _ => Ok(()),
    }
}

/// The LG graphon of `graphs`: the aligned mean adjacency `Ā` ([`aligned_mean`], `N_max`
/// nodes), its LG step matrix with `blocks` blocks ([`largest_gap_matrix`]; `None`: the
/// official [`default_blocks`]), resized bilinearly from `N_max × N_max` to `r × r`, as the
/// official code. Errors on an empty set, graphs without nodes, `r = 0`, zero blocks or more
/// blocks than `N_max`.
pub fn largest_gap(graphs: &[Graph], blocks: Option<usize>, r: usize) -> Result<Graphon> {
    let n_max = check_input(graphs, r, "LG")?;
    check_blocks(blocks)?;
    let k = blocks.unwrap_or_else(|| default_blocks(n_max));
    if k > n_max {
        return Err(GraphError::Invalid(format!("LG blocks ({k}) exceed the nodes of the largest graph ({n_max})")));
    }
    let mean = aligned_mean(graphs, n_max)?;
    let step = largest_gap_matrix(&mean, n_max, k);
    Ok(Graphon { values: resize_bilinear(&step, n_max, r)?, r })
}
