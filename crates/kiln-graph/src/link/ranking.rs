//! Each positive's own negatives, for OGB's MRR (`[n_pos, n_neg]`, [`super::mrr`]).
//!
//! As ogbl-citation2 builds them: the positive `(i, j)` is ranked against `(i, u)` for
//! `per_positive` corrupted targets `u`, drawn uniformly among the nodes that are neither `i`
//! nor a neighbour of `i` in the full graph (so no held-out true link is a negative). OGB draws
//! 1000 per positive; the default here is 100, which keeps CPU evaluation cheap. Targets are
//! drawn with replacement (a node with few non-neighbours still gets a full row).

use rand::Rng;

use crate::adjacency::Adjacency;
use crate::error::{GraphError, Result};

/// The negatives of every positive, row after row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankingNegatives {
    /// Negatives per positive.
    pub per_positive: usize,
    /// `per_positive` pairs for the first positive, then the second's, and so on.
    pub pairs: Vec<(usize, usize)>,
}

impl RankingNegatives {
    /// Negatives per positive unless asked otherwise.
    pub const DEFAULT_PER_POSITIVE: usize = 100;

    /// `per_positive` corrupted targets for every positive of `pos`, none a neighbour of its
    /// source in `full` (the whole graph, held-out edges included). Errors when `per_positive`
    /// is 0 or a source is joined to every other node.
    pub fn draw(full: &Adjacency, pos: &[(usize, usize)], per_positive: usize, seed: u64) -> Result<Self> {
        if per_positive == 0 {
            return Err(GraphError::Invalid("MRR needs at least one negative per positive".into()));
        }
        let n = full.num_nodes();
        let mut rng = kiln_core::seed::rng(seed, 14);
        let mut pairs = Vec::with_capacity(pos.len() * per_positive);
        for &(i, _) in pos {
            if i >= n {
                return Err(GraphError::NodeOutOfRange { id: i, num_nodes: n });
            }
            let neighbours = full.neighbors(i);
            let free = n - 1 - neighbours.iter().filter(|&&u| u != i).count();
            if free == 0 {
                return Err(GraphError::Invalid(format!(
                    "node {i} is joined to every other node: no negative to rank its link against"
                )));
            }
            let row_end = pairs.len() + per_positive;
            if 2 * free >= n {
                // Mostly free: rejection takes fewer than two draws on average.
                while pairs.len() < row_end {
                    let u = rng.random_range(0..n);
                    if u != i && neighbours.binary_search(&u).is_err() {
                        pairs.push((i, u));
                    }
                }
            } else {
                let candidates: Vec<usize> =
                    (0..n).filter(|&u| u != i && neighbours.binary_search(&u).is_err()).collect();
                pairs.extend((0..per_positive).map(|_| (i, candidates[rng.random_range(0..candidates.len())])));
            }
        }
        Ok(Self { per_positive, pairs })
    }

    /// The negatives of positive `p` (`None` past the last positive).
    pub fn row(&self, p: usize) -> Option<&[(usize, usize)]> {
        self.pairs.get(p * self.per_positive..(p + 1) * self.per_positive)
    }
}
