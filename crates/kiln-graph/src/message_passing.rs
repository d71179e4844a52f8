//! Message passing on burn tensors: gather by source, scatter-aggregate to targets.
//!
//! PyG's `propagate`: for every edge `(j → i)` a message `m_ij = φ(x_j, x_i, e_ij)` is built
//! from gathered rows (`x.select(0, src)`), then aggregated at the target,
//! `x'_i = ⊕_{j ∈ N(i)} m_ij`, with `⊕ ∈ {sum, mean, max}`. Everything is `select` and
//! `select_assign` (burn's `IndexingUpdateOp::{Add, Max}`), so it runs on every backend and
//! differentiates through autodiff. Scatter-max is made differentiable explicitly: the forward
//! maximum is taken without gradient, and the gradient flows to the entries that attain it
//! (split evenly between ties), which is what PyG's `scatter_max` does up to tie-breaking.

use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::IndexingUpdateOp;

/// A graph's edges on a device: `src`, `dst` (each `[E]`), optional weights `[E]`.
#[derive(Debug, Clone)]
pub struct GraphTensors {
    /// Source of each edge, `[E]`.
    pub src: Tensor<1, Int>,
    /// Target of each edge, `[E]`.
    pub dst: Tensor<1, Int>,
    /// Optional edge weight, `[E]`.
    pub weight: Option<Tensor<1>>,
    /// Number of nodes N.
    pub num_nodes: usize,
    /// Number of edges E.
    pub num_edges: usize,
}

/// Index tensor `[n]` from host ids.
pub fn index_tensor(ids: &[usize], device: &Device) -> Tensor<1, Int> {
    let v: Vec<i64> = ids.iter().map(|&i| i as i64).collect();
    Tensor::from_data(TensorData::new(v, [ids.len()]), device)
}

impl GraphTensors {
    /// Edges from host vectors (ids must be `< num_nodes`).
    pub fn from_edges(src: &[usize], dst: &[usize], weight: Option<&[f32]>, num_nodes: usize, device: &Device) -> Self {
        Self {
            src: index_tensor(src, device),
            dst: index_tensor(dst, device),
            weight: weight.map(|w| Tensor::from_data(TensorData::new(w.to_vec(), [w.len()]), device)),
            num_nodes,
            num_edges: src.len(),
        }
    }

    /// In-degree of every node `[N]` (unweighted).
    pub fn in_degree(&self) -> Tensor<1> {
        let device = self.src.device();
        scatter_sum(Tensor::ones([self.num_edges, 1], &device), self.dst.clone(), self.num_nodes).squeeze_dim::<1>(1)
    }
}

/// How messages arriving at a node are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Aggregation {
    /// `Σ_j m_ij`.
    Sum,
    /// `1/|N(i)| Σ_j m_ij` (0 for nodes without messages).
    Mean,
    /// Element-wise `max_j m_ij` (0 for nodes without messages).
    Max,
}

/// `out[index[e]] += src[e]`: `[E, F] → [N, F]`.
pub fn scatter_sum(src: Tensor<2>, index: Tensor<1, Int>, num_nodes: usize) -> Tensor<2> {
    let [e, f] = src.dims();
    let out = Tensor::zeros([num_nodes, f], &src.device());
    if e == 0 {
        return out;
    }
    out.select_assign(0, index, src, IndexingUpdateOp::Add)
}

/// Mean of the rows sent to each node: `[E, F] → [N, F]`.
pub fn scatter_mean(src: Tensor<2>, index: Tensor<1, Int>, num_nodes: usize) -> Tensor<2> {
    let [e, _] = src.dims();
    let device = src.device();
    let sum = scatter_sum(src, index.clone(), num_nodes);
    let count = scatter_sum(Tensor::ones([e, 1], &device), index, num_nodes).clamp_min(1.0);
    sum / count
}

/// Element-wise maximum of the rows sent to each node: `[E, F] → [N, F]`; nodes that receive
/// nothing get 0. Differentiable: the gradient goes to the arg-max entries (ties share it).
pub fn scatter_max(src: Tensor<2>, index: Tensor<1, Int>, num_nodes: usize) -> Tensor<2> {
    let [e, f] = src.dims();
    let device = src.device();
    if e == 0 {
        return Tensor::zeros([num_nodes, f], &device);
    }
    let max = scatter_max_detached(src.clone(), index.clone(), num_nodes);
    // Winners: entries equal to their target's maximum.
    let winners = src.clone().detach().greater_equal(max.select(0, index.clone())).float();
    let picked = scatter_sum(src * winners.clone(), index.clone(), num_nodes);
    let ties = scatter_sum(winners, index, num_nodes).clamp_min(1.0);
    picked / ties
}

/// Forward-only scatter-max (no gradient): `[E, F] → [N, F]`, 0 where nothing arrives.
pub fn scatter_max_detached(src: Tensor<2>, index: Tensor<1, Int>, num_nodes: usize) -> Tensor<2> {
    let [e, f] = src.dims();
    let device = src.device();
    if e == 0 {
        return Tensor::zeros([num_nodes, f], &device);
    }
    let received = scatter_sum(Tensor::ones([e, 1], &device), index.clone(), num_nodes).lower_equal_elem(0.0);
    let init = Tensor::full([num_nodes, f], f32::MIN, &device);
    init.select_assign(0, index, src.detach(), IndexingUpdateOp::Max).mask_fill(received.expand([num_nodes, f]), 0.0)
}

/// Aggregates `[E, F]` messages at their targets with `aggr`.
pub fn aggregate(messages: Tensor<2>, index: Tensor<1, Int>, num_nodes: usize, aggr: Aggregation) -> Tensor<2> {
    match aggr {
        Aggregation::Sum => scatter_sum(messages, index, num_nodes),
        Aggregation::Mean => scatter_mean(messages, index, num_nodes),
        Aggregation::Max => scatter_max(messages, index, num_nodes),
    }
}

/// The softmax over the entries that share a target (PyG's `utils.softmax`), per column:
/// `α_e = exp(s_e) / Σ_{e' : index[e'] = index[e]} exp(s_e')`. `[E, H] → [E, H]`.
pub fn segment_softmax(scores: Tensor<2>, index: Tensor<1, Int>, num_nodes: usize) -> Tensor<2> {
    let max = scatter_max_detached(scores.clone(), index.clone(), num_nodes);
    let exp = (scores - max.select(0, index.clone())).exp();
    let denom = scatter_sum(exp.clone(), index.clone(), num_nodes).select(0, index);
    exp / denom.clamp_min(1e-16)
}

/// The generic message-passing step shared by the layers: message `m_ij = w_ij · x_j`
/// (`w_ij = 1` without weights) for every edge `j → i`, aggregated at `i` with `aggr`.
/// `[N, F] → [N, F]`.
pub fn propagate(x: Tensor<2>, graph: &GraphTensors, aggr: Aggregation) -> Tensor<2> {
    if graph.num_edges == 0 {
        let [_, f] = x.dims();
        return Tensor::zeros([graph.num_nodes, f], &x.device());
    }
    let mut messages = x.select(0, graph.src.clone());
    if let Some(w) = &graph.weight {
        messages = messages * w.clone().unsqueeze_dim::<2>(1);
    }
    aggregate(messages, graph.dst.clone(), graph.num_nodes, aggr)
}
