//! Self-loops and the GCN normalisation, on the host ([`Graph`]) and on the device
//! ([`GraphTensors`]), with PyTorch Geometric's semantics, so both paths agree on graphs that
//! already have loops (edge lists and TU files keep them):
//!
//! - GCN (`gcn_norm`) uses PyG's `add_remaining_self_loops`: every node ends with exactly one
//!   loop; a node that had one keeps its weight (the largest, if it had several: PyG leaves which
//!   one undefined), the others get `fill`. Then (Kipf & Welling, ICLR 2017, eq. 2)
//!   `Â = D̃^{-1/2} (A + I) D̃^{-1/2}` with `D̃_ii = Σ_j (A + I)_ij`, weighted, by target.
//! - GAT uses remove-then-add (`remove_self_loops` then `add_self_loops`, as PyG's `GATConv`):
//!   every node attends to itself once, whatever loops the input had.
//!
//! On the device nothing is read back to the host: a loop that is replaced stays in the edge
//! list, with weight 0 for GCN (it adds nothing to a degree or a sum) and marked for attention
//! to leave out ([`GraphTensors::replace_self_loops`]); one loop per node is appended after the
//! `E` edges.

use burn::prelude::{Bool, Int, Tensor};
use burn::tensor::IndexingUpdateOp;

use crate::graph::Graph;
use crate::message_passing::{GraphTensors, scatter_sum};

impl Graph {
    /// Drops every edge `(v, v)`.
    pub fn remove_self_loops(&self) -> Self {
        let kept: Vec<_> = self
            .edges()
            .enumerate()
            .filter(|(_, (s, t))| s != t)
            .map(|(e, (s, t))| (s, t, self.weight(e), Some(e)))
            .collect();
        self.rebuild(kept.into_iter())
    }

    /// Removes existing self-loops, then adds `(v, v)` with weight `fill` (and zero edge
    /// features) for every node: GAT's remove-then-add.
    pub fn add_self_loops(&self, fill: f32) -> Self {
        self.with_one_loop_per_node(fill, |_| None)
    }

    /// PyG's `add_remaining_self_loops`: the edges that are not loops, then one loop `(v, v)`
    /// per node, which keeps the weight and edge features of `v`'s existing loop (the one of
    /// largest weight, the last among equals) or gets weight `fill` and zero features.
    pub fn add_remaining_self_loops(&self, fill: f32) -> Self {
        let mut existing: Vec<Option<usize>> = vec![None; self.num_nodes];
        for (e, (s, t)) in self.edges().enumerate() {
            if s == t && existing[s].is_none_or(|best| self.weight(best) <= self.weight(e)) {
                existing[s] = Some(e);
            }
        }
        self.with_one_loop_per_node(fill, |v| existing[v])
    }

    /// The edges that are not loops, then one loop per node taken from edge `loop_of(v)` of
    /// `self` (weight and features) or new with weight `fill`.
    fn with_one_loop_per_node(&self, fill: f32, loop_of: impl Fn(usize) -> Option<usize>) -> Self {
        let mut kept: Vec<_> = self
            .edges()
            .enumerate()
            .filter(|(_, (s, t))| s != t)
            .map(|(e, (s, t))| (s, t, self.weight(e), Some(e)))
            .collect();
        kept.extend((0..self.num_nodes).map(|v| match loop_of(v) {
            Some(e) => (v, v, self.weight(e), Some(e)),
            None => (v, v, fill, None),
        }));
        let weighted = self.edge_weight.is_some() || fill != 1.0;
        // `rebuild` keeps weights only when its receiver has some; the values come from `kept`.
        let receiver = Self { edge_weight: Some(Vec::new()), ..self.clone() };
        let mut out = receiver.rebuild(kept.into_iter());
        if !weighted {
            out.edge_weight = None;
        }
        out
    }

    /// The symmetric normalisation of Kipf & Welling (2017, eq. 2):
    /// `Â = D̃^{-1/2} (A + I) D̃^{-1/2}` with `D̃_ii = Σ_j (A + I)_ij` (weighted, by target), the
    /// loops added as PyG's `gcn_norm` does ([`Graph::add_remaining_self_loops`] with fill 1).
    /// Returns the graph with its loops and the normalised weights as `edge_weight`.
    pub fn gcn_norm(&self) -> Self {
        let g = self.add_remaining_self_loops(1.0);
        let mut deg = vec![0.0f32; g.num_nodes];
        for (e, (_, t)) in g.edges().enumerate() {
            deg[t] += g.weight(e);
        }
        let inv: Vec<f32> = deg.iter().map(|&d| if d > 0.0 { d.powf(-0.5) } else { 0.0 }).collect();
        let w = g.edges().enumerate().map(|(e, (s, t))| inv[s] * g.weight(e) * inv[t]).collect();
        Self { edge_weight: Some(w), ..g }
    }
}

impl GraphTensors {
    /// `[E]`: true at the edges `(v, v)`.
    pub fn self_loop_mask(&self) -> Tensor<1, Bool> {
        self.src.clone().equal(self.dst.clone())
    }

    /// The same edges followed by `(v, v)` for every node (weight 1 when the graph is
    /// weighted); existing loops stay. See [`Self::replace_self_loops`] and
    /// [`Self::with_remaining_self_loops`] for PyG's two ways of not doubling them.
    pub fn with_self_loops(&self) -> Self {
        let device = self.src.device();
        let n = self.num_nodes;
        let loops = Tensor::<1, Int>::arange(0..n as i64, &device);
        let weight = self.weight.clone().map(|w| Tensor::cat(vec![w, Tensor::ones([n], &device)], 0));
        Self {
            src: Tensor::cat(vec![self.src.clone(), loops.clone()], 0),
            dst: Tensor::cat(vec![self.dst.clone(), loops], 0),
            weight,
            num_nodes: n,
            num_edges: self.num_edges + n,
        }
    }

    /// Remove-then-add on the device (GAT): [`Self::with_self_loops`] and, `[E + N]`, true at the
    /// edges that were loops before, which the caller leaves out (attention score −∞). Every
    /// node keeps exactly one loop that counts: the appended one.
    pub fn replace_self_loops(&self) -> (Self, Tensor<1, Bool>) {
        let g = self.with_self_loops();
        let position = Tensor::<1, Int>::arange(0..g.num_edges as i64, &g.src.device());
        let replaced = g.self_loop_mask().bool_and(position.lower_elem(self.num_edges as i64));
        (g, replaced)
    }

    /// PyG's `add_remaining_self_loops` on the device: existing loops get weight 0, and one
    /// loop per node is appended with the weight of the node's existing loop (the largest, if
    /// several) or `fill`. Equivalent to [`Graph::add_remaining_self_loops`] for any weighted sum.
    pub fn with_remaining_self_loops(&self, fill: f32) -> Self {
        let device = self.src.device();
        let (n, e) = (self.num_nodes, self.num_edges);
        let w = self.weight.clone().unwrap_or_else(|| Tensor::ones([e], &device));
        let mut loop_weight = Tensor::<1>::full([n], fill, &device);
        let mut edge_weight = w.clone();
        if e > 0 {
            let is_loop = self.self_loop_mask();
            let candidates = w.mask_fill(is_loop.clone().bool_not(), f32::MIN);
            let best = Tensor::<1>::full([n], f32::MIN, &device).select_assign(
                0,
                self.dst.clone(),
                candidates,
                IndexingUpdateOp::Max,
            );
            let has_loop = best.clone().greater_elem(f32::MIN);
            loop_weight = loop_weight.mask_where(has_loop, best);
            edge_weight = edge_weight.mask_fill(is_loop, 0.0);
        }
        Self { weight: Some(Tensor::cat(vec![edge_weight, loop_weight], 0)), ..self.with_self_loops() }
    }

    /// Kipf & Welling's `D̃^{-1/2} (A + I) D̃^{-1/2}` as edge weights (degrees by target,
    /// weighted), computed on the device; with `add_self_loops`, the loops are PyG's remaining
    /// self-loops ([`Self::with_remaining_self_loops`], fill 1).
    pub fn gcn_norm(&self, add_self_loops: bool) -> Self {
        let g = if add_self_loops { self.with_remaining_self_loops(1.0) } else { self.clone() };
        let device = g.src.device();
        let w = g.weight.clone().unwrap_or_else(|| Tensor::ones([g.num_edges], &device));
        let deg = scatter_sum(w.clone().unsqueeze_dim::<2>(1), g.dst.clone(), g.num_nodes).squeeze_dim::<1>(1);
        let inv = deg.clone().clamp_min(1e-12).powf_scalar(-0.5).mask_fill(deg.lower_equal_elem(0.0), 0.0);
        let norm = inv.clone().select(0, g.src.clone()) * w * inv.select(0, g.dst.clone());
        Self { weight: Some(norm), ..g }
    }
}
