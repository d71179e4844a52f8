//! SimRank (Jeh & Widom, KDD 2002), the structural similarity HEI reports its main results with
//! (the authors' rebuttal: "all reported results in Table 2 and Table 3 adopt the SimRank").
//!
//! `s(a, a) = 1`; for `a ≠ b`,
//! `s(a, b) = C / (|I(a)| |I(b)|) · Σ_{a'∈I(a)} Σ_{b'∈I(b)} s(a', b')`, and 0 when `I(a)` or `I(b)`
//! is empty, with `I(v)` the distinct in-neighbours of v (self-loops count) and decay
//! `0 < C < 1`. Computed by the fixed-point iteration `S₀ = I`,
//! `S_{k+1} = C · Wᵀ S_k W` off the diagonal (1 on it), `W[b', b] = 1/|I(b)|` for `b' ∈ I(b)`:
//! two sparse products of `O(n·m)` each per step, `O(n²)` memory. The iteration contracts by C,
//! so it stops once `max |S_{k+1} − S_k| < tolerance`.
//!
//! Reconstruction: the official `struct_sim` module ships only compiled files; the decay 0.8 is
//! Jeh & Widom's.

use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// The largest graph [`SimRank::matrix`] accepts: its `n × n` f64 matrix (twice, for the
/// iteration) stays under 4.3 GB.
pub const SIMRANK_MAX_NODES: usize = 16_384;

/// SimRank's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimRank {
    /// Decay C, in (0, 1). Default: 0.8.
    pub decay: f64,
    /// Iterations at most; not converging within them is an error. Default: 100.
    pub max_iterations: usize,
    /// Stop once no entry moves by this much, > 0. Default: 1e-6.
    pub tolerance: f64,
}

impl Default for SimRank {
    fn default() -> Self {
        Self { decay: 0.8, max_iterations: 100, tolerance: 1e-6 }
    }
}

impl SimRank {
    /// Errors ([`GraphError::Invalid`]) unless `0 < decay < 1`, `max_iterations ≥ 1` and
    /// `tolerance > 0` (finite).
    pub fn validate(&self) -> Result<()> {
        if !(self.decay > 0.0 && self.decay < 1.0) {
            return Err(GraphError::Invalid(format!("SimRank decay must lie in (0, 1), got {}", self.decay)));
        }
        if self.max_iterations == 0 {
            return Err(GraphError::Invalid("SimRank needs max_iterations ≥ 1".into()));
        }
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(GraphError::Invalid(format!("SimRank tolerance must be positive, got {}", self.tolerance)));
        }
        Ok(())
    }

    /// The SimRank matrix of `graph`, row-major `n × n` (`s(a, b)` at `a·n + b`). Errors on
    /// invalid parameters, a graph above [`SIMRANK_MAX_NODES`], or no convergence within
    /// `max_iterations`.
    pub fn matrix(&self, graph: &Graph) -> Result<Vec<f64>> {
        self.validate()?;
        let n = graph.num_nodes;
        if n > SIMRANK_MAX_NODES {
            return Err(GraphError::Invalid(format!(
                "SimRank holds n² similarities; {n} nodes exceed {SIMRANK_MAX_NODES}"
            )));
        }
        let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (u, v) in graph.edges() {
            incoming[v].push(u);
        }
        for list in &mut incoming {
            list.sort_unstable();
            list.dedup();
        }
        let mut s = identity(n);
        let mut half = vec![0.0f64; n * n];
        for _ in 0..self.max_iterations {
            // half[a', b] = mean_{b' ∈ I(b)} s[a', b'].
            for row in 0..n {
                for (b, ins) in incoming.iter().enumerate() {
                    half[row * n + b] = mean(ins.iter().map(|&b2| s[row * n + b2]));
                }
            }
            // next[a, b] = C · mean_{a' ∈ I(a)} half[a', b], 1 on the diagonal.
            let mut next = identity(n);
            for (a, ins) in incoming.iter().enumerate() {
                for b in (0..n).filter(|&b| b != a) {
                    next[a * n + b] = self.decay * mean(ins.iter().map(|&a2| half[a2 * n + b]));
                }
            }
            let change = next.iter().zip(&s).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
            s = next;
            if change < self.tolerance {
                return Ok(s);
            }
        }
        Err(GraphError::Invalid(format!(
            "SimRank did not converge to {} in {} iterations (decay {})",
            self.tolerance, self.max_iterations, self.decay
        )))
    }
}

/// The `n × n` identity, row-major.
fn identity(n: usize) -> Vec<f64> {
    let mut s = vec![0.0; n * n];
    for i in 0..n {
        s[i * n + i] = 1.0;
    }
    s
}

/// The mean of `values`, 0 when there are none.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}
