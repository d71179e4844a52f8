//! Graphs to search on: a k-NN graph over the embedded digits and a contextual SBM, each with
//! a seeded split of few labelled nodes.
//!
//! The digits graph joins every image to its `k` nearest neighbours in Euclidean pixel
//! distance (`‖x_u − x_v‖₂` over the 64 pixels scaled to `[0, 1]`), made undirected; the node
//! features are the pixels and the labels the digits.

use std::sync::Arc;

use crate::error::{GraphError, Result};
use crate::generate::{class_features, stochastic_block_model};
use crate::graph::{Features, Graph};
use crate::tasks::NodeSplit;

/// A node-classification task: a graph with features and labels, and its split.
#[derive(Debug, Clone)]
pub struct AutoGnnTask {
    /// The graph (undirected, no self-loops, with `x` and `y`).
    pub graph: Arc<Graph>,
    /// Training, validation and test nodes.
    pub split: NodeSplit,
    /// Number of classes.
    pub classes: usize,
}

impl AutoGnnTask {
    /// A task over `graph` with `split`; errors unless the graph has features and labels and
    /// the split has training and validation nodes. Self-loops are removed (the layers add
    /// their own).
    pub fn new(graph: Graph, split: NodeSplit) -> Result<Self> {
        split.check(graph.num_nodes)?;
        if graph.x.is_none() {
            return Err(GraphError::Invalid("Auto-GNN needs node features".into()));
        }
        let classes = graph
            .y
            .as_ref()
            .ok_or_else(|| GraphError::Invalid("Auto-GNN needs node labels".into()))?
            .iter()
            .max()
            .map_or(0, |m| m + 1);
        if split.train.is_empty() || split.valid.is_empty() {
            return Err(GraphError::Invalid("Auto-GNN needs training and validation nodes".into()));
        }
        Ok(Self { graph: Arc::new(graph.remove_self_loops()), split, classes })
    }

    /// Feature width.
    pub fn input(&self) -> usize {
        self.graph.x.as_ref().map_or(0, |x| x.dim)
    }
}

/// The undirected `k`-nearest-neighbour graph of the rows of `x` (Euclidean, brute force).
pub fn knn_graph(x: &Features, k: usize) -> Result<Graph> {
    let n = x.rows();
    if k == 0 || k >= n {
        return Err(GraphError::Invalid(format!("k-NN needs 0 < k < n, got k = {k}, n = {n}")));
    }
    let mut edges = Vec::with_capacity(n * k);
    let mut dist = Vec::with_capacity(n);
    for u in 0..n {
        dist.clear();
        let xu = x.row(u);
        for v in (0..n).filter(|&v| v != u) {
            let d: f32 = xu.iter().zip(x.row(v)).map(|(a, b)| (a - b) * (a - b)).sum();
            dist.push((d, v));
        }
        dist.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        edges.extend(dist[..k].iter().map(|&(_, v)| (u, v)));
    }
    Graph::undirected(n, &edges)
}

/// The embedded digits (1,797 images) as a `k`-NN graph (the notes: k = 10) with a seeded
/// random split: a fraction `labelled` of the nodes trains (the notes: 10%), `valid` validates,
/// the rest are test nodes.
pub fn digits_knn(k: usize, labelled: f64, valid: f64, seed: u64) -> Result<AutoGnnTask> {
    let digits = kiln_data::digits().map_err(|e| GraphError::Invalid(format!("loading the digits: {e}")))?;
    let values: Vec<f32> = digits.iter().flat_map(|d| d.image.pixels.iter().copied()).collect();
    let x = Features::new(64, values)?;
    let labels = digits.iter().map(|d| d.label).collect();
    let graph = knn_graph(&x, k)?.with_features(x)?.with_labels(labels)?;
    let split = labelled_split(graph.num_nodes, labelled, valid, seed)?;
    AutoGnnTask::new(graph, split)
}

/// A seeded random split with `round(n · labelled)` training and `round(n · valid)`
/// validation nodes; the rest are test nodes.
pub fn labelled_split(n: usize, labelled: f64, valid: f64, seed: u64) -> Result<NodeSplit> {
    let (n_train, n_valid) = ((n as f64 * labelled).round(), (n as f64 * valid).round());
    if !(labelled > 0.0 && valid >= 0.0 && n_train + n_valid <= n as f64) {
        return Err(GraphError::Invalid(format!(
            "labelled {labelled} and validation {valid} shares do not fit {n} nodes"
        )));
    }
    NodeSplit::random(n, n_valid / n as f64, (n as f64 - n_train - n_valid) / n as f64, seed)
}

/// A contextual SBM ([`csbm_task`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Csbm {
    /// Classes (blocks).
    pub classes: usize,
    /// Nodes per class.
    pub per_class: usize,
    /// Edge probability inside a block.
    pub p_in: f64,
    /// Edge probability across blocks.
    pub p_out: f64,
    /// Feature width.
    pub dim: usize,
    /// Norm of the class means (noise `N(0, I)`).
    pub signal: f32,
    /// Share of labelled (training) nodes.
    pub labelled: f64,
    /// Share of validation nodes.
    pub valid: f64,
}

impl Default for Csbm {
    /// 4 classes of 50 nodes, `p_in = 0.1`, `p_out = 0.01`, 16 features of signal 1, 10%
    /// labelled, 20% validation.
    fn default() -> Self {
        Self { classes: 4, per_class: 50, p_in: 0.1, p_out: 0.01, dim: 16, signal: 1.0, labelled: 0.1, valid: 0.2 }
    }
}

/// The contextual SBM `spec`: blocks joined with probabilities `p_in` and `p_out`, features
/// `μ_y + N(0, I_dim)` with `‖μ‖ = signal`, split like [`digits_knn`].
pub fn csbm_task(spec: &Csbm, seed: u64) -> Result<AutoGnnTask> {
    let graph = stochastic_block_model(&vec![spec.per_class; spec.classes], spec.p_in, spec.p_out, seed)?;
    let graph = class_features(graph, spec.dim, spec.signal, seed)?;
    let split = labelled_split(graph.num_nodes, spec.labelled, spec.valid, seed)?;
    AutoGnnTask::new(graph, split)
}
