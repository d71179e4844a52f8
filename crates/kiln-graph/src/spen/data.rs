//! Graphs that 1-WL (and so GIN) cannot tell apart, for SPEN's expressivity tests.
//!
//! - Circular skip-link graphs (Murphy et al., ICML 2019): `CSL(41, r)` is the 41-cycle plus the
//!   chords `i — (i + r) mod 41`; the 10 classes are the skip lengths
//!   `r ∈ {2, 3, 4, 5, 6, 9, 11, 12, 13, 16}`. Every one is 4-regular, so 1-WL colours them all
//!   alike; each copy's nodes are relabelled by a seeded permutation.
//! - Two triangles `2×C3` against the hexagon `C6`: both 2-regular on 6 nodes.
//!
//! Every graph gets the constant feature 1 (width 1).

use rand::seq::SliceRandom;

use crate::error::{GraphError, Result};
use crate::graph::{Features, Graph};

/// Nodes of a CSL graph.
pub const CSL_NODES: usize = 41;

/// The skip lengths of the 10 CSL classes, in class order.
pub const CSL_SKIPS: [usize; 10] = [2, 3, 4, 5, 6, 9, 11, 12, 13, 16];

/// An undirected graph on `n` nodes with the constant feature 1.
fn constant(n: usize, edges: &[(usize, usize)]) -> Result<Graph> {
    Graph::undirected(n, edges)?.with_features(Features::new(1, vec![1.0; n])?)
}

/// `CSL(n, skip)`: the n-cycle and the chords `i — (i + skip) mod n`, nodes relabelled by a
/// permutation drawn from `seed` (the identity when `seed` is `None`).
pub fn csl(n: usize, skip: usize, seed: Option<u64>) -> Result<Graph> {
    if n < 3 || skip == 0 || skip >= n {
        return Err(GraphError::Invalid(format!("CSL needs n ≥ 3 and 0 < skip < n, got n = {n}, skip = {skip}")));
    }
    let mut label: Vec<usize> = (0..n).collect();
    if let Some(seed) = seed {
        label.shuffle(&mut kiln_core::seed::rng(seed, 31));
    }
    let edges: Vec<(usize, usize)> =
        (0..n).flat_map(|i| [(label[i], label[(i + 1) % n]), (label[i], label[(i + skip) % n])]).collect();
    constant(n, &edges)
}

/// The CSL data set: `per_class` relabelled copies of `CSL(41, r)` for each skip length, with
/// class = position of r in [`CSL_SKIPS`]; copy j of class c is permuted with seed
/// `seed · 1000 + c · per_class + j`.
pub fn csl_dataset(per_class: usize, seed: u64) -> Result<Vec<(Graph, usize)>> {
    let mut out = Vec::with_capacity(per_class * CSL_SKIPS.len());
    for (class, &skip) in CSL_SKIPS.iter().enumerate() {
        for j in 0..per_class {
            let s = seed.wrapping_mul(1000).wrapping_add((class * per_class + j) as u64);
            out.push((csl(CSL_NODES, skip, Some(s))?, class));
        }
    }
    Ok(out)
}

/// The cycle `C_n` (n ≥ 3).
pub fn cycle(n: usize) -> Result<Graph> {
    if n < 3 {
        return Err(GraphError::Invalid(format!("a cycle needs 3 nodes, got {n}")));
    }
    constant(n, &(0..n).map(|i| (i, (i + 1) % n)).collect::<Vec<_>>())
}

/// Two disjoint triangles, `2×C3` (nodes 0–2 and 3–5).
pub fn two_triangles() -> Result<Graph> {
    constant(6, &[(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)])
}

/// The pair 1-WL cannot separate: `[(2×C3, class 0), (C6, class 1)]`.
pub fn triangles_vs_hexagon() -> Result<Vec<(Graph, usize)>> {
    Ok(vec![(two_triangles()?, 0), (cycle(6)?, 1)])
}
