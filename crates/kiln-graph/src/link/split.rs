//! Train/valid/test edge splits without leakage, and negative sampling.
//!
//! Following NCN's Planetoid protocol (a random 70/10/20 split of the undirected edges, as many
//! negative valid/test pairs as positive ones): valid and test edges are *removed* from the
//! message-passing graph, which holds the training edges only, so no model or heuristic sees a
//! held-out edge through its neighbourhood. For MRR each test positive also gets its own row of
//! negatives ([`RankingNegatives`], OGB's citation2 protocol).

use std::collections::HashSet;

use rand::Rng;

use super::ranking::RankingNegatives;
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
    /// Each test positive's own negatives, for MRR
    /// ([`RankingNegatives::DEFAULT_PER_POSITIVE`] per positive unless redrawn).
    pub test_ranking: RankingNegatives,
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
        let full_adjacency = Adjacency::undirected(graph.num_nodes, &graph.undirected_pairs());
        let test_ranking =
            RankingNegatives::draw(&full_adjacency, &test_pos, RankingNegatives::DEFAULT_PER_POSITIVE, seed)?;
        Ok(Self {
            num_nodes: graph.num_nodes,
            train,
            valid: valid_pos,
            test: test_pos,
            valid_neg,
            test_neg,
            test_ranking,
        })
    }

    /// The split with `per_positive` negatives drawn with `seed` for every test positive, none
    /// a neighbour of its source among the split's edges (train, valid and test).
    pub fn with_ranking_negatives(mut self, per_positive: usize, seed: u64) -> Result<Self> {
        let edges: Vec<(usize, usize)> = self.train.iter().chain(&self.valid).chain(&self.test).copied().collect();
        let full = Adjacency::undirected(self.num_nodes, &edges);
        self.test_ranking = RankingNegatives::draw(&full, &self.test, per_positive, seed)?;
        Ok(self)
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

/// `count` uniform random pairs `(i, j)`, `i < j`, that are not edges of `adj` and differ from
/// each other, drawn from `rng` (PyG's `negative_sampling` on an undirected graph, which NCN
/// calls on the training edges every epoch). Errors when fewer than `count` such pairs exist.
pub fn sample_negatives(adj: &Adjacency, count: usize, rng: &mut impl Rng) -> Result<Vec<(usize, usize)>> {
    let n = adj.num_nodes();
    let pairs = n * n.saturating_sub(1) / 2;
    // Unordered pairs joined in either direction.
    let edges: usize =
        (0..n).map(|v| adj.neighbors(v).iter().filter(|&&u| u > v || (u < v && !adj.has_edge(u, v))).count()).sum();
    if edges + count > pairs {
        return Err(GraphError::Invalid(format!(
            "cannot sample {count} negatives: {n} nodes have {} pairs that are not edges",
            pairs - edges.min(pairs)
        )));
    }
    let mut drawn = HashSet::with_capacity(count);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
        let pair = (a.min(b), a.max(b));
        if a != b && !adj.has_edge(a, b) && !adj.has_edge(b, a) && drawn.insert(pair) {
            out.push(pair);
        }
    }
    Ok(out)
}

/// [`sample_negatives`] with the random stream of `seed`.
pub fn negative_sampling(adj: &Adjacency, count: usize, seed: u64) -> Result<Vec<(usize, usize)>> {
    sample_negatives(adj, count, &mut kiln_core::seed::rng(seed, 13))
}
