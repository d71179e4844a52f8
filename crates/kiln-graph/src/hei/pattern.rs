//! HEI's label-free estimates of a node's neighbour pattern: `z_v`, the mean over the
//! in-neighbours `u → v` of a pairwise score `sim(v, u)` (0 for a node without neighbours),
//! later standardised on the training nodes ([`standardize`](super::standardize)).

use serde::{Deserialize, Serialize};

use super::simrank::SimRank;
use crate::error::{GraphError, Result};
use crate::graph::{Features, Graph};

/// Which pairwise score `z_v = mean_{u→v} sim(v, u)` averages.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum NeighbourPattern {
    /// `sim(v, u) = ‖x_v − x_u‖₂`, the default of the official `main_HEI.py`
    /// (`--distance_method norm2`: `torch.norm(x[src] − x[tgt])`, `scatter_mean` per node).
    #[default]
    LocalDistance,
    /// `sim(v, u) = ⟨x_v, x_u⟩ / (‖x_v‖ ‖x_u‖)` (0 if either is 0). `main_HEI.py`'s
    /// `--distance_method cos` computes the plain dot product `(x[src] * x[tgt]).sum(-1)`,
    /// which equals this for unit-norm features; here the norms are divided out.
    Cosine,
    /// Post-aggregation similarity (Luan et al., NeurIPS 2022, `S = (ÂX)(ÂX)ᵀ`):
    /// `sim(v, u) = ⟨h_v, h_u⟩` with `h = D̃⁻¹(A + I)X`, i.e.
    /// `h_v = (x_v + Σ_{w→v} x_w) / (|N(v)| + 1)`. Reconstruction: the official
    /// `main_zin_post.py` is not published in the repository.
    PostAggregation,
    /// `sim(v, u) = s(v, u)`, SimRank ([`SimRank`]). Reconstruction: the official
    /// `struct_sim` module ships only compiled files.
    SimRank(SimRank),
}

impl NeighbourPattern {
    /// SimRank with its defaults (decay 0.8, at most 100 iterations, tolerance 1e-6).
    pub fn simrank() -> Self {
        Self::SimRank(SimRank::default())
    }

    /// Errors ([`GraphError::Invalid`]) on invalid SimRank parameters.
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::SimRank(s) => s.validate(),
            _ => Ok(()),
        }
    }

    /// `z_v` for every node of `graph` with features `x` (one row per node).
    pub fn estimate(&self, graph: &Graph, x: &Features) -> Result<Vec<f32>> {
        check_rows(graph, x)?;
        match self {
            Self::LocalDistance => local_dissimilarity(graph, x),
            Self::Cosine => Ok(neighbour_mean(graph, |v, u| cosine(x.row(v), x.row(u)))),
            Self::PostAggregation => {
                let h = mean_aggregate(graph, x);
                let row = |v: usize| &h[v * x.dim..(v + 1) * x.dim];
                Ok(neighbour_mean(graph, |v, u| dot(row(v), row(u))))
            }
            Self::SimRank(params) => {
                let s = params.matrix(graph)?;
                let n = graph.num_nodes;
                Ok(neighbour_mean(graph, |v, u| s[v * n + u]))
            }
        }
    }
}

/// Local dissimilarity `z_v = (1/|N(v)|) Σ_{u∈N(v)} ‖x_v − x_u‖₂` over the in-neighbours
/// `u → v` of `graph` (0 for a node without neighbours): [`NeighbourPattern::LocalDistance`].
pub fn local_dissimilarity(graph: &Graph, x: &Features) -> Result<Vec<f32>> {
    check_rows(graph, x)?;
    Ok(neighbour_mean(graph, |v, u| {
        x.row(v).iter().zip(x.row(u)).map(|(a, b)| f64::from(a - b).powi(2)).sum::<f64>().sqrt()
    }))
}

/// Errors unless `x` has one row per node.
fn check_rows(graph: &Graph, x: &Features) -> Result<()> {
    if x.rows() != graph.num_nodes {
        return Err(GraphError::LengthMismatch { what: "x", found: x.rows(), expected: graph.num_nodes });
    }
    Ok(())
}

/// `z_v = mean_{(u→v) ∈ edges} score(v, u)`, every listed edge counted, 0 without any.
fn neighbour_mean(graph: &Graph, score: impl Fn(usize, usize) -> f64) -> Vec<f32> {
    let mut sum = vec![0.0f64; graph.num_nodes];
    let mut count = vec![0usize; graph.num_nodes];
    for (u, v) in graph.edges() {
        sum[v] += score(v, u);
        count[v] += 1;
    }
    sum.iter().zip(&count).map(|(&s, &c)| if c == 0 { 0.0 } else { (s / c as f64) as f32 }).collect()
}

/// `h = D̃⁻¹(A + I)X`, row-major `[N, F]` in f64: each node's mean over itself and its
/// in-neighbours (every listed edge counted).
fn mean_aggregate(graph: &Graph, x: &Features) -> Vec<f64> {
    let f = x.dim;
    let mut h: Vec<f64> = x.values.iter().map(|&a| f64::from(a)).collect();
    let mut count = vec![1usize; graph.num_nodes];
    for (u, v) in graph.edges() {
        for (acc, &a) in h[v * f..(v + 1) * f].iter_mut().zip(x.row(u)) {
            *acc += f64::from(a);
        }
        count[v] += 1;
    }
    for (v, &c) in count.iter().enumerate() {
        h[v * f..(v + 1) * f].iter_mut().for_each(|a| *a /= c as f64);
    }
    h
}

/// `⟨a, b⟩` in f64.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

/// `⟨a, b⟩ / (‖a‖ ‖b‖)`, 0 when either norm is 0.
fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let wide = |v: &[f32]| v.iter().map(|&t| f64::from(t)).collect::<Vec<_>>();
    let (a, b) = (wide(a), wide(b));
    let norms = dot(&a, &a).sqrt() * dot(&b, &b).sqrt();
    if norms == 0.0 { 0.0 } else { dot(&a, &b) / norms }
}
