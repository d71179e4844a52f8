//! Train/valid/test edge splits without leakage, and negative sampling.
//!
//! Following NCN's Planetoid protocol (a random 70/10/20 split of the undirected edges, as many
//! negative valid/test pairs as positive ones): valid and test edges are *removed* from the
//! message-passing graph, which holds the training edges only, so no model or heuristic sees a
//! held-out edge through its neighbourhood.

use std::collections::HashSet;

use rand::Rng;

use crate::adjacency::Adjacency;
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// A link-prediction split of an undirected graph; pairs are `(min, max)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSplit {
    /// Number of nodes.
    pub num_nodes: usize,
    /// Training edges: the message-passing graph and the training positives.
    pub train: Vec<(usize, usize)>,
    /// Validation positives.
    pub valid: Vec<(usize, usize)>,
    /// Test positives.
    pub test: Vec<(usize, usize)>,
    /// Validation negatives (non-edges of the full graph).
    pub valid_neg: Vec<(usize, usize)>,
    /// Test negatives (non-edges of the full graph, disjoint from `valid_neg`).
    pub test_neg: Vec<(usize, usize)>,
}

impl LinkSplit {
    /// Splits the undirected pairs of `graph` at random: `valid` and `test` are fractions of
    /// the edges (NCN: 0.1 and 0.2).
    pub fn new(graph: &Graph, valid: f64, test: f64, seed: u64) -> Result<Self> {
        if !(0.0..1.0).contains(&(valid + test)) || valid < 0.0 || test < 0.0 {
            return Err(GraphError::Invalid(format!("valid {valid} + test {test} must lie in [0, 1)")));
        }
        let mut pairs = graph.undirected_pairs();
        let order = kiln_core::seed::permutation(pairs.len(), kiln_core::seed::derive_seed(seed, 11));
        pairs = order.into_iter().map(|i| pairs[i]).collect();
        let n_valid = (pairs.len() as f64 * valid).round() as usize;
        let n_test = (pairs.len() as f64 * test).round() as usize;
        let test_pos = pairs[..n_test].to_vec();
        let valid_pos = pairs[n_test..n_test + n_valid].to_vec();
        let mut train = pairs[n_test + n_valid..].to_vec();
        train.sort_unstable();
        let full: HashSet<(usize, usize)> = graph.undirected_pairs().into_iter().collect();
        let mut taken = full.clone();
        let mut rng = kiln_core::seed::rng(seed, 12);
        let valid_neg = sample_non_edges(graph.num_nodes, valid_pos.len(), &mut taken, &mut rng)?;
        let test_neg = sample_non_edges(graph.num_nodes, test_pos.len(), &mut taken, &mut rng)?;
        Ok(Self { num_nodes: graph.num_nodes, train, valid: valid_pos, test: test_pos, valid_neg, test_neg })
    }

    /// The message-passing graph: the training edges in both directions, with the features and
    /// labels of `full`.
    pub fn train_graph(&self, full: &Graph) -> Result<Graph> {
        let mut g = Graph::undirected(self.num_nodes, &self.train)?;
        g.x = full.x.clone();
        g.y = full.y.clone();
        Ok(g)
    }

    /// Sorted adjacency of the training edges.
    pub fn train_adjacency(&self) -> Adjacency {
        Adjacency::undirected(self.num_nodes, &self.train)
    }
}

fn sample_non_edges(
    num_nodes: usize,
    count: usize,
    taken: &mut HashSet<(usize, usize)>,
    rng: &mut impl Rng,
) -> Result<Vec<(usize, usize)>> {
    let capacity = num_nodes * num_nodes.saturating_sub(1) / 2;
    if taken.len() + count > capacity {
        return Err(GraphError::Invalid(format!("cannot sample {count} non-edges: the graph is too dense")));
    }
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let (a, b) = (rng.random_range(0..num_nodes), rng.random_range(0..num_nodes));
        let pair = (a.min(b), a.max(b));
        if a != b && taken.insert(pair) {
            out.push(pair);
        }
    }
    Ok(out)
}

/// `count` uniform random pairs `i ≠ j` that are not edges of `adj` (PyG's
/// `negative_sampling`, undirected, without replacement among themselves).
pub fn negative_sampling(adj: &Adjacency, count: usize, seed: u64) -> Result<Vec<(usize, usize)>> {
    let n = adj.num_nodes();
    let mut taken: HashSet<(usize, usize)> = adj.edges().into_iter().filter(|(a, b)| a < b).collect();
    let mut rng = kiln_core::seed::rng(seed, 13);
    sample_non_edges(n, count, &mut taken, &mut rng)
}
