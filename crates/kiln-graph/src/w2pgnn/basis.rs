//! The graphon bases of the pre-training data: integrated (one graphon of all graphs), per
//! domain (one per domain) and topological (one per k-means cluster of the official eight
//! per-graph statistics, [`topology_vector`]).

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::config::W2pgnnConfig;
use super::graphon::Graphon;
use super::topology::topology_vector;
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// Which basis a feasibility was estimated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BasisKind {
    /// All pre-training graphs → one graphon.
    Integrated,
    /// One graphon per domain.
    Domain,
    /// One graphon per k-means cluster of the eight statistics of
    /// [`topology_vector`], z-scored.
    Topological,
}

/// Errors unless every domain is non-empty and there is at least one.
pub(crate) fn check_domains(pre: &[Vec<Graph>]) -> Result<()> {
    if pre.is_empty() {
        return Err(GraphError::Invalid("W2PGNN needs at least one pre-training domain".into()));
    }
    if let Some(d) = pre.iter().position(|d| d.is_empty()) {
        return Err(GraphError::Invalid(format!("pre-training domain {d} has no graph")));
    }
    Ok(())
}

/// The graphon of `graphs` under `cfg`, by `cfg.estimator` (SAS by default).
pub fn estimate(graphs: &[Graph], cfg: &W2pgnnConfig) -> Result<Graphon> {
    cfg.estimator.estimate(graphs, cfg)
}

/// The bases of `kind`.
pub fn basis(kind: BasisKind, pre: &[Vec<Graph>], cfg: &W2pgnnConfig) -> Result<Vec<Graphon>> {
    check_domains(pre)?;
    match kind {
        BasisKind::Integrated => {
            let all: Vec<Graph> = pre.iter().flatten().cloned().collect();
            Ok(vec![estimate(&all, cfg)?])
        }
        BasisKind::Domain => pre.iter().map(|d| estimate(d, cfg)).collect(),
        BasisKind::Topological => {
            let all: Vec<&Graph> = pre.iter().flatten().collect();
            let stats: Vec<Vec<f64>> = all.iter().map(|g| topology_vector(g).to_vec()).collect();
            let labels = kmeans(&standardise(&stats), cfg.clusters, cfg.seed, 100);
            let k = labels.iter().max().map_or(0, |m| m + 1);
            (0..k)
                .map(|c| {
                    all.iter().zip(&labels).filter(|(_, l)| **l == c).map(|(g, _)| (*g).clone()).collect::<Vec<_>>()
                })
                .filter(|members| !members.is_empty())
                .map(|members| estimate(&members, cfg))
                .collect()
        }
    }
}

/// Five per-graph statistics, all exact: `[mean degree, std of degree (population), density
/// 2|E|/(n(n−1)), average local clustering (0 for degree < 2, as networkx), transitivity
/// 3·triangles/connected triples]`; [`topology_vector`]
/// adds the other three of the official `cal_topo_statistcs.py` and is what the topological
/// basis clusters.
pub fn topology_stats(g: &Graph) -> [f64; 5] {
    let n = g.num_nodes;
    let mut adj = vec![Vec::new(); n];
    for (s, t) in g.undirected_pairs() {
        if s < n && t < n {
            adj[s].push(t);
            adj[t].push(s);
        }
    }
    let deg: Vec<f64> = adj.iter().map(|a| a.len() as f64).collect();
    let nf = n.max(1) as f64;
    let mean = deg.iter().sum::<f64>() / nf;
    let std = (deg.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / nf).sqrt();
    let density = if n > 1 { deg.iter().sum::<f64>() / (nf * (nf - 1.0)) } else { 0.0 };
    let sets: Vec<std::collections::HashSet<usize>> = adj.iter().map(|a| a.iter().copied().collect()).collect();
    let (mut clustering, mut closed, mut triples) = (0.0, 0.0, 0.0);
    for nbrs in &adj {
        let d = nbrs.len();
        if d < 2 {
            continue;
        }
        let mut links = 0usize;
        for (a, &x) in nbrs.iter().enumerate() {
            links += nbrs[a + 1..].iter().filter(|y| sets[x].contains(y)).count();
        }
        let pairs = (d * (d - 1) / 2) as f64;
        clustering += links as f64 / pairs;
        closed += links as f64;
        triples += pairs;
    }
    let transitivity = if triples > 0.0 { closed / triples } else { 0.0 };
    [mean, std, density, clustering / nf, transitivity]
}

/// Z-scores every column (a constant column becomes 0).
fn standardise(points: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let dim = points.first().map_or(0, Vec::len);
    let m = points.len().max(1) as f64;
    let mut out = points.to_vec();
    for c in 0..dim {
        let mean = points.iter().map(|p| p[c]).sum::<f64>() / m;
        let sd = (points.iter().map(|p| (p[c] - mean).powi(2)).sum::<f64>() / m).sqrt();
        out.iter_mut().for_each(|p| p[c] = if sd > 1e-12 { (p[c] - mean) / sd } else { 0.0 });
    }
    out
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Seeded k-means (k-means++ initialisation, then at most `iterations` Lloyd steps); the
/// labels are renumbered `0..k'` in order of first appearance, `k' ≤ min(k, #points)`
/// (empty clusters vanish).
pub fn kmeans(points: &[Vec<f64>], k: usize, seed: u64, iterations: usize) -> Vec<usize> {
    if points.is_empty() || k == 0 {
        return vec![0; points.len()];
    }
    let mut rng = kiln_core::seed::rng(seed, 42);
    let mut centres = vec![points[rng.random_range(0..points.len())].clone()];
    while centres.len() < k.min(points.len()) {
        let d: Vec<f64> =
            points.iter().map(|p| centres.iter().map(|c| sq_dist(p, c)).fold(f64::INFINITY, f64::min)).collect();
        let total: f64 = d.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut x = rng.random::<f64>() * total;
        let mut pick = d.len() - 1;
        for (i, di) in d.iter().enumerate() {
            if x < *di {
                pick = i;
                break;
            }
            x -= di;
        }
        centres.push(points[pick].clone());
    }
    let nearest = |p: &[f64], centres: &[Vec<f64>]| {
        (0..centres.len()).min_by(|&a, &b| sq_dist(p, &centres[a]).total_cmp(&sq_dist(p, &centres[b]))).unwrap_or(0)
    };
    let mut labels: Vec<usize> = points.iter().map(|p| nearest(p, &centres)).collect();
    for _ in 0..iterations {
        for (c, centre) in centres.iter_mut().enumerate() {
            let members: Vec<&Vec<f64>> =
                points.iter().zip(&labels).filter(|(_, l)| **l == c).map(|(p, _)| p).collect();
            if !members.is_empty() {
                for (d, x) in centre.iter_mut().enumerate() {
                    *x = members.iter().map(|p| p[d]).sum::<f64>() / members.len() as f64;
                }
            }
        }
        let next: Vec<usize> = points.iter().map(|p| nearest(p, &centres)).collect();
        if next == labels {
            break;
        }
        labels = next;
    }
    let mut rename = vec![usize::MAX; centres.len()];
    let mut count = 0;
    labels
        .iter()
        .map(|&l| {
            if rename[l] == usize::MAX {
                rename[l] = count;
                count += 1;
            }
            rename[l]
        })
        .collect()
}
