//! The graph type: PyG's `Data` on the host.
//!
//! A [`Graph`] holds `edge_index` as two parallel vectors (row 0 = source, row 1 = target; the
//! flow is source → target as in PyTorch Geometric), optional node features, node labels, edge
//! weights and, for a mini-batch of many graphs, the `batch` vector (node → graph). Undirected
//! graphs store both directions. Structural work (degrees, k-hop neighbourhoods,
//! induced subgraphs, petgraph conversion) happens here on the CPU; self-loops and the GCN
//! normalisation are in [`crate::normalize`]; [`Graph::to_tensors`] moves the edges to a device
//! for message passing.

use std::collections::{BTreeSet, HashSet, VecDeque};

use burn::prelude::Device;

use crate::error::{GraphError, Result};
use crate::message_passing::GraphTensors;

/// Node features, row-major `[num_nodes, dim]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Features per node.
    pub dim: usize,
    /// `num_nodes × dim` values.
    pub values: Vec<f32>,
}

impl Features {
    /// Features from row-major values; errors if `values.len()` is not a multiple of `dim`.
    pub fn new(dim: usize, values: Vec<f32>) -> Result<Self> {
        if dim == 0 || !values.len().is_multiple_of(dim) {
            return Err(GraphError::Invalid(format!("{} feature values do not fill rows of {dim}", values.len())));
        }
        Ok(Self { dim, values })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len() / self.dim.max(1)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.dim..(i + 1) * self.dim]
    }

    /// The rows `nodes`, in that order.
    pub fn select(&self, nodes: &[usize]) -> Self {
        let mut values = Vec::with_capacity(nodes.len() * self.dim);
        for &n in nodes {
            values.extend_from_slice(self.row(n));
        }
        Self { dim: self.dim, values }
    }
}

/// A graph in PyG's layout: `edge_index` (2 × E), node features, labels, edge weights, batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    /// Number of nodes (nodes may be isolated).
    pub num_nodes: usize,
    /// `[sources, targets]`, each of length E.
    pub edge_index: [Vec<usize>; 2],
    /// Optional edge weights, length E.
    pub edge_weight: Option<Vec<f32>>,
    /// Optional edge features `[E, dim]` (PyG's `edge_attr`).
    pub edge_attr: Option<Features>,
    /// Optional node features `[num_nodes, dim]`.
    pub x: Option<Features>,
    /// Optional node labels, length `num_nodes`.
    pub y: Option<Vec<usize>>,
    /// For a batch of graphs: the graph of each node (length `num_nodes`).
    pub batch: Option<Vec<usize>>,
}

impl Graph {
    /// A graph with `num_nodes` nodes and directed edges `(source, target)`.
    pub fn new(num_nodes: usize, edges: &[(usize, usize)]) -> Result<Self> {
        let mut edge_index = [Vec::with_capacity(edges.len()), Vec::with_capacity(edges.len())];
        for &(s, t) in edges {
            for id in [s, t] {
                if id >= num_nodes {
                    return Err(GraphError::NodeOutOfRange { id, num_nodes });
                }
            }
            edge_index[0].push(s);
            edge_index[1].push(t);
        }
        Ok(Self { num_nodes, edge_index, ..Self::default() })
    }

    /// An undirected graph: every pair is stored in both directions (duplicates and self-loops
    /// are dropped).
    pub fn undirected(num_nodes: usize, edges: &[(usize, usize)]) -> Result<Self> {
        Ok(Self::new(num_nodes, edges)?.remove_self_loops().to_undirected())
    }

    /// Sets the node features; errors unless there is one row per node.
    pub fn with_features(mut self, x: Features) -> Result<Self> {
        if x.rows() != self.num_nodes {
            return Err(GraphError::LengthMismatch { what: "x", found: x.rows(), expected: self.num_nodes });
        }
        self.x = Some(x);
        Ok(self)
    }

    /// Sets the node labels; errors unless there is one per node.
    pub fn with_labels(mut self, y: Vec<usize>) -> Result<Self> {
        if y.len() != self.num_nodes {
            return Err(GraphError::LengthMismatch { what: "y", found: y.len(), expected: self.num_nodes });
        }
        self.y = Some(y);
        Ok(self)
    }

    /// Sets the edge weights; errors unless there is one per edge.
    pub fn with_edge_weight(mut self, w: Vec<f32>) -> Result<Self> {
        if w.len() != self.num_edges() {
            return Err(GraphError::LengthMismatch { what: "edge_weight", found: w.len(), expected: self.num_edges() });
        }
        self.edge_weight = Some(w);
        Ok(self)
    }

    /// Sets the edge features; errors unless there is one row per edge.
    pub fn with_edge_attr(mut self, attr: Features) -> Result<Self> {
        if attr.rows() != self.num_edges() {
            return Err(GraphError::LengthMismatch {
                what: "edge_attr",
                found: attr.rows(),
                expected: self.num_edges(),
            });
        }
        self.edge_attr = Some(attr);
        Ok(self)
    }

    /// Number of (directed) edges E.
    pub fn num_edges(&self) -> usize {
        self.edge_index[0].len()
    }

    /// The edges as `(source, target)` pairs.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.edge_index[0].iter().copied().zip(self.edge_index[1].iter().copied())
    }

    /// Weight of edge `e` (1 without weights).
    pub fn weight(&self, e: usize) -> f32 {
        self.edge_weight.as_ref().map_or(1.0, |w| w[e])
    }

    /// Each undirected pair once, as `(min, max)`, sorted; self-loops dropped.
    pub fn undirected_pairs(&self) -> Vec<(usize, usize)> {
        let set: BTreeSet<(usize, usize)> =
            self.edges().filter(|(s, t)| s != t).map(|(s, t)| (s.min(t), s.max(t))).collect();
        set.into_iter().collect()
    }

    /// A copy with the edges `(source, target, weight, origin)`, where `origin` is the edge of
    /// `self` whose features the new edge takes (`None`: zeros, for added self-loops).
    pub(crate) fn rebuild(&self, keep: impl Iterator<Item = (usize, usize, f32, Option<usize>)>) -> Self {
        let mut out = Self { num_nodes: self.num_nodes, ..self.clone() };
        out.edge_index = [Vec::new(), Vec::new()];
        let mut weights = Vec::new();
        let mut attr = Vec::new();
        for (s, t, w, origin) in keep {
            out.edge_index[0].push(s);
            out.edge_index[1].push(t);
            weights.push(w);
            if let Some(a) = &self.edge_attr {
                match origin {
                    Some(e) => attr.extend_from_slice(a.row(e)),
                    None => attr.extend(std::iter::repeat_n(0.0, a.dim)),
                }
            }
        }
        out.edge_weight = self.edge_weight.as_ref().map(|_| weights);
        out.edge_attr = self.edge_attr.as_ref().map(|a| Features { dim: a.dim, values: attr });
        out
    }

    /// Adds the reverse of every edge and removes duplicate `(s, t)` pairs (the first weight wins).
    pub fn to_undirected(&self) -> Self {
        let mut seen = HashSet::new();
        let mut kept = Vec::new();
        for (e, (s, t)) in self.edges().enumerate() {
            let w = self.weight(e);
            for (a, b) in [(s, t), (t, s)] {
                if seen.insert((a, b)) {
                    kept.push((a, b, w, Some(e)));
                }
            }
        }
        kept.sort_by_key(|&(s, t, _, _)| (s, t));
        self.rebuild(kept.into_iter())
    }

    /// `true` when every edge's reverse is present.
    pub fn is_undirected(&self) -> bool {
        let set: HashSet<(usize, usize)> = self.edges().collect();
        self.edges().all(|(s, t)| set.contains(&(t, s)))
    }

    /// In-degree of every node (number of edges whose target it is).
    pub fn in_degree(&self) -> Vec<usize> {
        let mut d = vec![0; self.num_nodes];
        for &t in &self.edge_index[1] {
            d[t] += 1;
        }
        d
    }

    /// Out-degree of every node.
    pub fn out_degree(&self) -> Vec<usize> {
        let mut d = vec![0; self.num_nodes];
        for &s in &self.edge_index[0] {
            d[s] += 1;
        }
        d
    }

    /// Nodes within `k` hops of `seeds` against the flow (nodes whose messages reach a seed in
    /// at most `k` layers, PyG's `k_hop_subgraph`), sorted; for undirected graphs simply the
    /// k-hop ball.
    pub fn k_hop(&self, seeds: &[usize], k: usize) -> Vec<usize> {
        let mut incoming = vec![Vec::new(); self.num_nodes];
        for (s, t) in self.edges() {
            incoming[t].push(s);
        }
        let mut dist = vec![usize::MAX; self.num_nodes];
        let mut queue = VecDeque::new();
        for &s in seeds.iter().filter(|&&s| s < self.num_nodes) {
            dist[s] = 0;
            queue.push_back(s);
        }
        while let Some(v) = queue.pop_front() {
            if dist[v] == k {
                continue;
            }
            for &u in &incoming[v] {
                if dist[u] == usize::MAX {
                    dist[u] = dist[v] + 1;
                    queue.push_back(u);
                }
            }
        }
        (0..self.num_nodes).filter(|&v| dist[v] != usize::MAX).collect()
    }

    /// The subgraph induced by `nodes` (relabelled `0..nodes.len()` in the given order), with
    /// features, labels and weights carried over. Errors on an id out of range.
    pub fn induced_subgraph(&self, nodes: &[usize]) -> Result<Self> {
        let mut map = vec![usize::MAX; self.num_nodes];
        for (new, &old) in nodes.iter().enumerate() {
            if old >= self.num_nodes {
                return Err(GraphError::NodeOutOfRange { id: old, num_nodes: self.num_nodes });
            }
            map[old] = new;
        }
        let kept: Vec<_> = self
            .edges()
            .enumerate()
            .filter(|(_, (s, t))| map[*s] != usize::MAX && map[*t] != usize::MAX)
            .map(|(e, (s, t))| (map[s], map[t], self.weight(e), Some(e)))
            .collect();
        let mut out = self.rebuild(kept.into_iter());
        out.num_nodes = nodes.len();
        out.x = self.x.as_ref().map(|x| x.select(nodes));
        out.y = self.y.as_ref().map(|y| nodes.iter().map(|&n| y[n]).collect());
        out.batch = self.batch.as_ref().map(|b| nodes.iter().map(|&n| b[n]).collect());
        Ok(out)
    }

    /// Concatenates graphs into one disconnected graph with PyG's offset rule: each graph's
    /// `edge_index` is shifted by the nodes before it, and `batch[v]` is the graph of node `v`.
    pub fn batch(graphs: &[Graph]) -> Result<Self> {
        let mut out = Self::default();
        let mut batch = Vec::new();
        let dims: BTreeSet<Option<usize>> = graphs.iter().map(|g| g.x.as_ref().map(|x| x.dim)).collect();
        if dims.len() > 1 {
            return Err(GraphError::Invalid("graphs in a batch must all have features of the same width".into()));
        }
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut ws = Vec::new();
        let mut attrs = Vec::new();
        for (gi, g) in graphs.iter().enumerate() {
            if let Some(a) = &g.edge_attr {
                attrs.extend_from_slice(&a.values);
            }
            for (e, (s, t)) in g.edges().enumerate() {
                out.edge_index[0].push(s + out.num_nodes);
                out.edge_index[1].push(t + out.num_nodes);
                ws.push(g.weight(e));
            }
            batch.extend(std::iter::repeat_n(gi, g.num_nodes));
            if let Some(x) = &g.x {
                xs.extend_from_slice(&x.values);
            }
            if let Some(y) = &g.y {
                ys.extend_from_slice(y);
            }
            out.num_nodes += g.num_nodes;
        }
        if let Some(Some(dim)) = dims.into_iter().next() {
            out.x = Some(Features { dim, values: xs });
        }
        out.y = (ys.len() == out.num_nodes && out.num_nodes > 0).then_some(ys);
        out.edge_weight = graphs.iter().any(|g| g.edge_weight.is_some()).then_some(ws);
        let attr_dims: BTreeSet<Option<usize>> = graphs.iter().map(|g| g.edge_attr.as_ref().map(|a| a.dim)).collect();
        if let (1, Some(Some(dim))) = (attr_dims.len(), attr_dims.first()) {
            out.edge_attr = Some(Features { dim: *dim, values: attrs });
        }
        out.batch = Some(batch);
        Ok(out)
    }

    /// `ptr[B + 1]`: where each graph's nodes start in a batch (PyG's `ptr`).
    pub fn ptr(&self) -> Vec<usize> {
        let Some(batch) = &self.batch else { return vec![0, self.num_nodes] };
        let graphs = batch.iter().max().map_or(0, |m| m + 1);
        let mut ptr = vec![0; graphs + 1];
        for &b in batch {
            ptr[b + 1] += 1;
        }
        for i in 1..ptr.len() {
            ptr[i] += ptr[i - 1];
        }
        ptr
    }

    /// A directed petgraph graph with one node per node (weight = index) and the edge weights.
    pub fn to_petgraph(&self) -> petgraph::graph::DiGraph<usize, f32> {
        let mut g = petgraph::graph::DiGraph::with_capacity(self.num_nodes, self.num_edges());
        let ids: Vec<_> = (0..self.num_nodes).map(|v| g.add_node(v)).collect();
        for (e, (s, t)) in self.edges().enumerate() {
            g.add_edge(ids[s], ids[t], self.weight(e));
        }
        g
    }

    /// An undirected petgraph graph with each unordered pair once (self-loops dropped).
    pub fn to_petgraph_undirected(&self) -> petgraph::graph::UnGraph<usize, f32> {
        let mut g = petgraph::graph::UnGraph::with_capacity(self.num_nodes, self.num_edges() / 2);
        let ids: Vec<_> = (0..self.num_nodes).map(|v| g.add_node(v)).collect();
        for (s, t) in self.undirected_pairs() {
            g.add_edge(ids[s], ids[t], 1.0);
        }
        g
    }

    /// From any petgraph `Graph`: node indices become ids; a directed edge becomes one edge, an
    /// undirected edge both directions. `weight` maps edge weights to `f32`.
    pub fn from_petgraph<N, E, Ty: petgraph::EdgeType>(
        g: &petgraph::Graph<N, E, Ty>,
        weight: impl Fn(&E) -> f32,
    ) -> Self {
        use petgraph::visit::EdgeRef;
        let mut out = Self { num_nodes: g.node_count(), ..Self::default() };
        let mut ws = Vec::new();
        for e in g.edge_references() {
            let (s, t, w) = (e.source().index(), e.target().index(), weight(e.weight()));
            out.edge_index[0].push(s);
            out.edge_index[1].push(t);
            ws.push(w);
            if !Ty::is_directed() && s != t {
                out.edge_index[0].push(t);
                out.edge_index[1].push(s);
                ws.push(w);
            }
        }
        out.edge_weight = Some(ws);
        out
    }

    /// The edges (and weights, if any) on `device` for message passing.
    pub fn to_tensors(&self, device: &Device) -> GraphTensors {
        GraphTensors::from_edges(
            &self.edge_index[0],
            &self.edge_index[1],
            self.edge_weight.as_deref(),
            self.num_nodes,
            device,
        )
    }
}
