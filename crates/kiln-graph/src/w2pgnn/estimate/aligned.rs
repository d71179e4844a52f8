//! The degree alignment every estimator starts from (the official `align_graphs` with
//! padding): each graph's dense adjacency with its nodes sorted by degree, descending,
//! zero-padded to `N_max × N_max`, and their mean `Ā = (1/M) Σ_m A_m`.

use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// Checks a graph set and a resolution for an estimator named `what`: at least one graph, one
/// with a node, `r > 0`. Returns `N_max`, the most nodes of a graph.
pub(crate) fn check_input(graphs: &[Graph], r: usize, what: &str) -> Result<usize> {
    if graphs.is_empty() {
        return Err(GraphError::Invalid(format!("{what} needs at least one graph")));
    }
    let n_max = graphs.iter().map(|g| g.num_nodes).max().unwrap_or(0);
    if n_max == 0 {
        return Err(GraphError::Invalid(format!("{what} needs a graph with at least one node")));
    }
    if r == 0 {
        return Err(GraphError::Invalid(format!("{what} resolution must be positive")));
    }
    Ok(n_max)
}

/// Dense 0/1 adjacency of `g` (edges taken as undirected, self-loops dropped) with the nodes
/// sorted by degree, descending (stable), zero-padded to `n_max × n_max`, row-major.
pub fn sorted_padded(g: &Graph, n_max: usize) -> Result<Vec<f64>> {
    let n = g.num_nodes;
    if n > n_max {
        return Err(GraphError::Invalid(format!("a graph of {n} nodes cannot be padded to {n_max}")));
    }
    let mut adj = vec![0.0; n * n];
    for (s, t) in g.undirected_pairs() {
        if s >= n || t >= n {
            return Err(GraphError::NodeOutOfRange { id: s.max(t), num_nodes: n });
        }
        adj[s * n + t] = 1.0;
        adj[t * n + s] = 1.0;
    }
    let sorted = permuted(&adj, n, &degree_order(&adj, n));
    let mut out = vec![0.0; n_max * n_max];
    for i in 0..n {
        out[i * n_max..i * n_max + n].copy_from_slice(&sorted[i * n..(i + 1) * n]);
    }
    Ok(out)
}

/// The `n × n` matrix `m` with rows and columns taken in `order`: `out_ab = m_{order[a] order[b]}`.
pub fn permuted(m: &[f64], n: usize, order: &[usize]) -> Vec<f64> {
    order.iter().flat_map(|&i| order.iter().map(move |&j| m[i * n + j])).collect()
}

/// The node order of the `n × n` matrix `m` by row sum, descending (stable: ties keep their
/// index order).
pub fn degree_order(m: &[f64], n: usize) -> Vec<usize> {
    let deg: Vec<f64> = (0..n).map(|i| m[i * n..(i + 1) * n].iter().sum()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| deg[b].total_cmp(&deg[a]));
    order
}

/// `Ā = (1/M) Σ_m A_m` of the aligned adjacencies ([`sorted_padded`]) of `graphs`, each
/// padded to `n_max` nodes.
pub fn aligned_mean(graphs: &[Graph], n_max: usize) -> Result<Vec<f64>> {
    let mut mean = vec![0.0; n_max * n_max];
    let scale = 1.0 / graphs.len().max(1) as f64;
    for g in graphs {
        let a = sorted_padded(g, n_max)?;
        mean.iter_mut().zip(&a).for_each(|(m, v)| *m += v * scale);
    }
    Ok(mean)
}
