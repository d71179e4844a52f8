//! A contextual SBM with per-node homophily from two environments, and the node-homophily
//! split of HEI's evaluation.
//!
//! Every node draws an environment, homophilic (target homophily `h_high`) or heterophilic
//! (`h_low`), with a probability that depends on its split: training and validation nodes are
//! mostly homophilic (`train_high`), test nodes mostly heterophilic (`test_high`), the
//! structure shift of the paper. Node v then sends `degree` edges, each to a uniformly random
//! node of its own class with probability `h_v` and of another class otherwise; edges are made
//! undirected. Features are the contextual SBM's `x_v = μ_{y_v} + ε` ([`class_features`]).

use rand::Rng;

use crate::error::{GraphError, Result};
use crate::generate::class_features;
use crate::graph::Graph;
use crate::tasks::NodeSplit;

/// Parameters of [`hei_sbm`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeiSbm {
    /// Nodes.
    pub nodes: usize,
    /// Classes (balanced, assigned at random).
    pub classes: usize,
    /// Edges each node sends (before symmetrisation).
    pub degree: usize,
    /// Target homophily of the homophilic environment.
    pub h_high: f64,
    /// Target homophily of the heterophilic environment.
    pub h_low: f64,
    /// Share of the homophilic environment among training and validation nodes.
    pub train_high: f64,
    /// Share of the homophilic environment among test nodes.
    pub test_high: f64,
    /// Feature width.
    pub dim: usize,
    /// Norm of the class means (the noise is `N(0, I)`).
    pub signal: f32,
    /// Share of training nodes.
    pub train: f64,
    /// Share of validation nodes.
    pub valid: f64,
}

impl Default for HeiSbm {
    fn default() -> Self {
        Self {
            nodes: 800,
            classes: 4,
            degree: 4,
            h_high: 0.85,
            h_low: 0.15,
            train_high: 0.8,
            test_high: 0.2,
            dim: 16,
            signal: 1.5,
            train: 0.5,
            valid: 0.1,
        }
    }
}

/// A generated task: the graph (features, labels) and its split.
#[derive(Debug, Clone)]
pub struct HeiTask {
    /// The undirected graph with `x` and `y`.
    pub graph: Graph,
    /// Train / valid / test nodes.
    pub split: NodeSplit,
}

/// The contextual SBM of the module docs, seeded.
pub fn hei_sbm(spec: &HeiSbm, seed: u64) -> Result<HeiTask> {
    let probs = [spec.h_high, spec.h_low, spec.train_high, spec.test_high, spec.train, spec.valid];
    if probs.iter().any(|p| !(0.0..=1.0).contains(p)) || spec.train + spec.valid > 1.0 {
        return Err(GraphError::Invalid(format!("hei_sbm: probabilities out of range in {spec:?}")));
    }
    if spec.classes < 2 || spec.nodes < 2 * spec.classes || spec.degree == 0 {
        return Err(GraphError::Invalid("hei_sbm: needs 2+ classes, 2 nodes per class, degree ≥ 1".into()));
    }
    let mut rng = kiln_core::seed::rng(seed, 301);
    let n = spec.nodes;
    let y: Vec<usize> = (0..n).map(|_| rng.random_range(0..spec.classes)).collect();
    let split = NodeSplit::random(n, spec.valid, 1.0 - spec.train - spec.valid, seed)?;
    let mut is_test = vec![false; n];
    for &v in &split.test {
        is_test[v] = true;
    }
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); spec.classes];
    for (v, &c) in y.iter().enumerate() {
        by_class[c].push(v);
    }
    if by_class.iter().any(Vec::is_empty) {
        return Err(GraphError::Invalid("hei_sbm: a class drew no node; use more nodes".into()));
    }
    let mut edges = Vec::with_capacity(n * spec.degree);
    for v in 0..n {
        let high_share = if is_test[v] { spec.test_high } else { spec.train_high };
        let h = if rng.random::<f64>() < high_share { spec.h_high } else { spec.h_low };
        for _ in 0..spec.degree {
            let class =
                if rng.random::<f64>() < h { y[v] } else { (y[v] + rng.random_range(1..spec.classes)) % spec.classes };
            let pool = &by_class[class];
            let u = pool[rng.random_range(0..pool.len())];
            if u != v {
                edges.push((v, u));
            }
        }
    }
    let graph = Graph::undirected(n, &edges)?.with_labels(y)?;
    let graph = class_features(graph, spec.dim, spec.signal, seed)?;
    Ok(HeiTask { graph, split })
}

/// True node homophily `h_v = |{u ∈ N(v): y_u = y_v}| / |N(v)|` over in-neighbours (0 for a
/// node without neighbours). Errors without labels.
pub fn node_homophily(graph: &Graph) -> Result<Vec<f32>> {
    let y = graph.y.as_ref().ok_or_else(|| GraphError::Invalid("node homophily needs labels".into()))?;
    let mut same = vec![0usize; graph.num_nodes];
    let mut all = vec![0usize; graph.num_nodes];
    for (u, v) in graph.edges() {
        all[v] += 1;
        same[v] += usize::from(y[u] == y[v]);
    }
    Ok(same.iter().zip(&all).map(|(&s, &a)| if a == 0 { 0.0 } else { s as f32 / a as f32 }).collect())
}

/// HEI's evaluation split: `nodes` with true homophily at or above the median (High) and below
/// it (Low). The median is the upper middle value; ties go to High.
pub fn split_by_homophily(homophily: &[f32], nodes: &[usize]) -> Result<(Vec<usize>, Vec<usize>)> {
    let mut vals = Vec::with_capacity(nodes.len());
    for &v in nodes {
        vals.push(*homophily.get(v).ok_or(GraphError::NodeOutOfRange { id: v, num_nodes: homophily.len() })?);
    }
    if vals.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut sorted = vals.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    let (high, low): (Vec<_>, Vec<_>) = nodes.iter().zip(&vals).partition(|(_, h)| **h >= median);
    Ok((high.into_iter().map(|(&v, _)| v).collect(), low.into_iter().map(|(&v, _)| v).collect()))
}
