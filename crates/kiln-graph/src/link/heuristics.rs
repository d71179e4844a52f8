//! Neighbourhood heuristics for a pair `(i, j)` (Liben-Nowell & Kleinberg 2007; Adamic & Adar
//! 2003; Zhou, Lü & Zhang 2009):
//! - common neighbours `CN = |N(i) ∩ N(j)|`;
//! - Adamic–Adar `AA = Σ_{u ∈ N(i) ∩ N(j)} 1 / ln deg(u)`;
//! - resource allocation `RA = Σ_{u ∈ N(i) ∩ N(j)} 1 / deg(u)`.

use serde::{Deserialize, Serialize};

use crate::adjacency::Adjacency;

/// A heuristic score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Heuristic {
    /// Common neighbours.
    CommonNeighbors,
    /// Adamic–Adar.
    AdamicAdar,
    /// Resource allocation.
    ResourceAllocation,
}

impl Heuristic {
    /// Scores every pair.
    pub fn score(self, adj: &Adjacency, pairs: &[(usize, usize)]) -> Vec<f32> {
        match self {
            Self::CommonNeighbors => common_neighbor_count(adj, pairs),
            Self::AdamicAdar => adamic_adar(adj, pairs),
            Self::ResourceAllocation => resource_allocation(adj, pairs),
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::CommonNeighbors => "CN",
            Self::AdamicAdar => "Adamic–Adar",
            Self::ResourceAllocation => "RA",
        }
    }
}

fn weighted(adj: &Adjacency, pairs: &[(usize, usize)], w: impl Fn(usize) -> f32) -> Vec<f32> {
    pairs.iter().map(|&(i, j)| adj.common_neighbors(i, j).into_iter().map(|u| w(adj.degree(u))).sum()).collect()
}

/// `|N(i) ∩ N(j)|` for each pair.
pub fn common_neighbor_count(adj: &Adjacency, pairs: &[(usize, usize)]) -> Vec<f32> {
    weighted(adj, pairs, |_| 1.0)
}

/// `Σ_{u ∈ N(i) ∩ N(j)} 1 / ln deg(u)` (a common neighbour has degree ≥ 2, so `ln deg > 0`).
pub fn adamic_adar(adj: &Adjacency, pairs: &[(usize, usize)]) -> Vec<f32> {
    weighted(adj, pairs, |d| 1.0 / (d.max(2) as f32).ln())
}

/// `Σ_{u ∈ N(i) ∩ N(j)} 1 / deg(u)`.
pub fn resource_allocation(adj: &Adjacency, pairs: &[(usize, usize)]) -> Vec<f32> {
    weighted(adj, pairs, |d| 1.0 / d.max(1) as f32)
}
