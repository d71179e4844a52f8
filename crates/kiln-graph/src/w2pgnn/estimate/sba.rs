//! SBA, stochastic block approximation (Airoldi, Costa & Chan, "Stochastic blockmodel
//! approximation of a graphon: Theory and consistent estimation", NeurIPS 2013; the official
//! `estimate_blocks_directed`).

use super::aligned::{aligned_mean, check_input};
use super::blocks::block_average;
use crate::error::{GraphError, Result};
use crate::graph::Graph;
use crate::w2pgnn::graphon::{Graphon, resize_bilinear};

/// The official default threshold Δ = 0.1 (W2PGNN's `--threshold-sba`).
pub const DEFAULT_DELTA: f64 = 0.1;

/// The estimated distance between the graphon slices of nodes `i` and `j` from two
/// independent halves `h1`, `h2` (`n × n` mean adjacencies):
///
/// `d̂_ij = ( |Σ_{k∉{i,j}} (h1_ik − h1_jk)(h2_ik − h2_jk)| / (n − 2) )^½`,
///
/// Airoldi et al.'s `(½(|r̂_ij| + |ĉ_ij|))^½` for undirected graphs (the row and column terms
/// coincide); with independent halves the product is an unbiased estimate of
/// `(1/(n−2)) Σ_k (W(u_i, u_k) − W(u_j, u_k))²`. 0 when `n ≤ 2` (no third node).
pub fn slice_distance(h1: &[f64], h2: &[f64], n: usize, i: usize, j: usize) -> f64 {
    if n <= 2 {
        return 0.0;
    }
    let s: f64 = (0..n)
        .filter(|&k| k != i && k != j)
        .map(|k| (h1[i * n + k] - h1[j * n + k]) * (h2[i * n + k] - h2[j * n + k]))
        .sum();
    (s.abs() / (n - 2) as f64).sqrt()
}

/// The SBA partition of `n` nodes by greedy pivots, as the official code: node 0 is the
/// first pivot; every further node `i` (in index order) joins the block of its closest pivot
/// `p` when `d̂_ip ≤ Δ` ([`slice_distance`]) and otherwise becomes the pivot of a new block.
/// Returns the block of each node and the number of blocks.
pub fn sba_blocks(h1: &[f64], h2: &[f64], n: usize, delta: f64) -> (Vec<usize>, usize) {
    let mut pivots: Vec<usize> = Vec::new();
    let labels = (0..n)
        .map(|i| {
            let closest = pivots
                .iter()
                .enumerate()
                .map(|(b, &p)| (b, slice_distance(h1, h2, n, i, p)))
                .min_by(|x, y| x.1.total_cmp(&y.1));
            match closest {
                Some((b, d)) if d <= delta => b,
                _ => {
                    pivots.push(i);
                    pivots.len() - 1
                }
            }
        })
        .collect();
    (labels, pivots.len().max(1))
}

/// Errors unless the threshold Δ is non-negative and finite.
pub fn check_delta(delta: f64) -> Result<()> {
    if delta >= 0.0 && delta.is_finite() {
        Ok(())
    } else {
        Err(GraphError::Invalid(format!("SBA delta must be non-negative and finite, not {delta}")))
    }
}

/// The SBA graphon of `graphs`: split the aligned adjacencies ([`aligned_mean`], `N_max`
/// nodes) into the first `⌊M/2⌋` graphs and the rest (with one graph, both halves are that
/// graph, as the official code), partition the nodes by [`sba_blocks`] with threshold `delta`,
/// fit the block model of the mean of all graphs ([`block_average`]) and resize bilinearly
/// from `N_max × N_max` to `r × r`. Errors on an empty set, graphs without nodes, `r = 0` or
/// a negative or non-finite `delta`.
pub fn sba(graphs: &[Graph], delta: f64, r: usize) -> Result<Graphon> {
    check_delta(delta)?;
    let n_max = check_input(graphs, r, "SBA")?;
    let half = graphs.len() / 2;
    let (h1, h2) = if half == 0 {
        let a = aligned_mean(graphs, n_max)?;
        (a.clone(), a)
    } else {
        (aligned_mean(&graphs[..half], n_max)?, aligned_mean(&graphs[half..], n_max)?)
    };
    let (labels, k) = sba_blocks(&h1, &h2, n_max, delta);
    let m = graphs.len() as f64;
    let w1 = half as f64 / m;
    let mean: Vec<f64> =
        if half == 0 { h1 } else { h1.iter().zip(&h2).map(|(a, b)| w1 * a + (1.0 - w1) * b).collect() };
    let step = block_average(&mean, n_max, &labels, k);
    Ok(Graphon { values: resize_bilinear(&step, n_max, r)?, r })
}
