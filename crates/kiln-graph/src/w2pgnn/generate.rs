//! Graphon generators (step/SBM, `xy`, `exp(−c|x − y|)`, a ring band, Erdős–Rényi, convex
//! mixtures) and a seeded sampler of graphs from a graphon.

use rand::Rng;

use super::graphon::Graphon;
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// A graphon given as a function on `[0, 1]²`.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphonFn {
    /// A step graphon (stochastic block model): block `a` covers `[e_{a−1}, e_a)` with the
    /// cumulative ends `ends` (last = 1); `W = probs[a·k + b]` on block pair `(a, b)`.
    Step {
        /// Cumulative block ends, increasing, the last 1.
        ends: Vec<f64>,
        /// `k × k` symmetric probabilities.
        probs: Vec<f64>,
    },
    /// `W(x, y) = x·y`.
    Product,
    /// `W(x, y) = exp(−rate·|x − y|)`.
    Exponential {
        /// The decay rate (3 in the issue).
        rate: f64,
    },
    /// A ring band: `W = p` when the circular distance `min(|x−y|, 1−|x−y|) < width`, else 0.
    Ring {
        /// Half-width of the band.
        width: f64,
        /// Edge probability inside the band.
        p: f64,
    },
    /// Erdős–Rényi: `W ≡ p`.
    Constant(f64),
    /// A convex mixture `Σ α_i W_i`.
    Mixture(Vec<(f64, GraphonFn)>),
}

impl GraphonFn {
    /// A step graphon with block `sizes` (any positive numbers; normalised to fractions) and
    /// `k × k` symmetric probabilities in `[0, 1]`.
    pub fn sbm(sizes: &[f64], probs: Vec<f64>) -> Result<Self> {
        let k = sizes.len();
        let total: f64 = sizes.iter().sum();
        if k == 0 || sizes.iter().any(|s| s.is_nan() || *s <= 0.0) || !total.is_finite() {
            return Err(GraphError::Invalid("SBM block sizes must be positive".into()));
        }
        if probs.len() != k * k {
            return Err(GraphError::LengthMismatch { what: "SBM probabilities", found: probs.len(), expected: k * k });
        }
        for a in 0..k {
            for b in 0..k {
                let p = probs[a * k + b];
                if !(0.0..=1.0).contains(&p) || p != probs[b * k + a] {
                    return Err(GraphError::Invalid("SBM probabilities must be symmetric, in [0, 1]".into()));
                }
            }
        }
        let mut acc = 0.0;
        let mut ends: Vec<f64> = sizes
            .iter()
            .map(|s| {
                acc += s / total;
                acc
            })
            .collect();
        ends[k - 1] = 1.0;
        Ok(Self::Step { ends, probs })
    }

    /// The mixture `Σ α_i W_i`; errors unless `alpha` is a distribution over `parts`.
    pub fn mixture(alpha: &[f64], parts: Vec<GraphonFn>) -> Result<Self> {
        if alpha.len() != parts.len() || parts.is_empty() {
            return Err(GraphError::LengthMismatch {
                what: "mixture weights",
                found: alpha.len(),
                expected: parts.len(),
            });
        }
        if alpha.iter().any(|a| a.is_nan() || *a < 0.0) || (alpha.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
            return Err(GraphError::Invalid("mixture weights must be non-negative and sum to 1".into()));
        }
        Ok(Self::Mixture(alpha.iter().copied().zip(parts).collect()))
    }

    /// `W(x, y)`, clamped to `[0, 1]`.
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        let v = match self {
            Self::Step { ends, probs } => {
                let k = ends.len();
                let block = |v: f64| ends.iter().position(|&e| v < e).unwrap_or(k - 1);
                probs[block(x) * k + block(y)]
            }
            Self::Product => x * y,
            Self::Exponential { rate } => (-rate * (x - y).abs()).exp(),
            Self::Ring { width, p } => {
                let d = (x - y).abs();
                if d.min(1.0 - d) < *width { *p } else { 0.0 }
            }
            Self::Constant(p) => *p,
            Self::Mixture(parts) => parts.iter().map(|(a, w)| a * w.eval(x, y)).sum(),
        };
        v.clamp(0.0, 1.0)
    }

    /// The graphon on the `r × r` grid of cell midpoints `((i + ½)/r, (j + ½)/r)`.
    pub fn to_graphon(&self, r: usize) -> Result<Graphon> {
        if r == 0 {
            return Err(GraphError::Invalid("graphon resolution must be positive".into()));
        }
        let mid = |i: usize| (i as f64 + 0.5) / r as f64;
        let values = (0..r * r).map(|k| self.eval(mid(k / r), mid(k % r)));
        Ok(Graphon { values: values.collect(), r })
    }

    /// A graph of `n` nodes sampled from this graphon ([`sample_with`]).
    pub fn sample(&self, n: usize, seed: u64) -> Result<Graph> {
        sample_with(|x, y| self.eval(x, y), n, seed)
    }

    /// `count` graphs of `n` nodes, graph `m` with seed `seed + m`.
    pub fn sample_many(&self, count: usize, n: usize, seed: u64) -> Result<Vec<Graph>> {
        (0..count as u64).map(|m| self.sample(n, seed.wrapping_add(m))).collect()
    }
}

/// Samples a graph of `n` nodes from `w`: latent `u_i ~ U(0, 1)`, and for each pair `i < j`
/// an edge when `w(u_i, u_j) > U_ij`, `U_ij ~ U(0, 1)`; the graph is undirected (both
/// directions stored), so it is symmetric by construction. The official sampler
/// (`utils/simulator.py`) draws every ordered pair independently and does *not* symmetrise.
pub fn sample_with(w: impl Fn(f64, f64) -> f64, n: usize, seed: u64) -> Result<Graph> {
    let mut rng = kiln_core::seed::rng(seed, 41);
    let u: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if w(u[i], u[j]) > rng.random::<f64>() {
                edges.push((i, j));
            }
        }
    }
    Graph::undirected(n, &edges)
}

/// Samples from a [`Graphon`]'s step function ([`sample_with`]).
pub fn sample_graphon(w: &Graphon, n: usize, seed: u64) -> Result<Graph> {
    sample_with(|x, y| w.eval(x, y), n, seed)
}
