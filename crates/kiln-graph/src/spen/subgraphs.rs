//! The k-hop ego-nets of a (batched) graph and the tensors SPEN reads from them.
//!
//! The k-hop ego-net of node c is `S_c = {v : d(c, v) ≤ k}` (d the shortest-path distance,
//! edges read in both directions; k = 1 gives `{c} ∪ N(c)`), sorted by node id (the order does
//! not matter to equivariant layers), with every edge among its nodes: the induced subgraph, as
//! the official `get_subgraphs` (`saegnn/layers/subgraphs.py`) takes it with PyG's `subgraph`
//! on the union of the (self-looped) neighbourhoods of c's neighbours. Its order-2 tensor
//! `T2_c ∈ ℝ^{m×m×(F+1)}` holds `[x_v, 0]` on the diagonal, `[0, 1]` at the entries of edges and
//! 0 elsewhere; its order-1 tensor `T1_c ∈ ℝ^{m×F}` holds `x_v`. Entries shared by several
//! ego-nets are stored once: the state of a layer is one row per node pair `(u, v)` that lies in
//! some ego-net, `[P, d]`, and one row per node, `[N, d]`; each ego-net reads its rows by index
//! and writes back through the mean over the ego-nets that share them. Ego-nets are grouped by
//! size `m` so that each group is one dense `[k, m, m, d]` tensor.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use burn::prelude::{Device, Int, Tensor, TensorData};

use crate::error::{GraphError, Result};
use crate::graph::Graph;
use crate::message_passing::index_tensor;

/// The ego-nets of one size.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeGroup {
    /// Nodes per ego-net, m.
    pub size: usize,
    /// The centre of each ego-net (k of them).
    pub centres: Vec<usize>,
    /// Pair row of entry `(i, j)` of ego-net `s`, at `s·m² + i·m + j` (`k·m²` rows).
    pub pair_rows: Vec<usize>,
    /// Node of position `i` of ego-net `s`, at `s·m + i` (`k·m` rows).
    pub node_rows: Vec<usize>,
}

/// The ego-nets of a graph, host side.
#[derive(Debug, Clone, PartialEq)]
pub struct EgoPlan {
    /// Nodes N.
    pub num_nodes: usize,
    /// Graphs in the batch.
    pub num_graphs: usize,
    /// Graph of each node.
    pub graph_of: Vec<usize>,
    /// The node pairs `(u, v)` in some ego-net (u = v included), P of them.
    pub pairs: Vec<(usize, usize)>,
    /// The ego-nets by size, ascending.
    pub groups: Vec<SizeGroup>,
    /// Initial pair features `[P, F + 1]`, row-major.
    pub pair_x: Vec<f32>,
    /// Initial node features `[N, F]`, row-major.
    pub node_x: Vec<f32>,
    /// F.
    pub input: usize,
    /// The ego-nets' radius k (≥ 1).
    pub hops: usize,
}

/// Errors ([`GraphError::Invalid`]) unless the ego-net radius `hops` is at least 1.
pub(crate) fn check_hops(hops: usize) -> Result<()> {
    if hops == 0 {
        return Err(GraphError::Invalid("SPEN needs hops ≥ 1 (the ego-net radius), got 0".into()));
    }
    Ok(())
}

/// The nodes within `hops` of `centre` over the symmetric `neighbours`, sorted. `dist` is
/// scratch space of one entry per node, `usize::MAX` on entry and on return.
fn ego_ball(neighbours: &[BTreeSet<usize>], centre: usize, hops: usize, dist: &mut [usize]) -> Vec<usize> {
    let mut ball = vec![centre];
    dist[centre] = 0;
    let mut next = 0;
    while next < ball.len() {
        let v = ball[next];
        next += 1;
        if dist[v] == hops {
            continue;
        }
        for &u in &neighbours[v] {
            if dist[u] == usize::MAX {
                dist[u] = dist[v] + 1;
                ball.push(u);
            }
        }
    }
    for &v in &ball {
        dist[v] = usize::MAX;
    }
    ball.sort_unstable();
    ball
}

impl EgoPlan {
    /// The 1-hop ego-nets of `graph` (edges read in both directions, self-loops ignored), whose
    /// node features must have width `input` (a graph without features gets a constant 1 and
    /// needs `input = 1`). Equal to [`EgoPlan::with_hops`] with `hops = 1`.
    pub fn new(graph: &Graph, input: usize) -> Result<Self> {
        Self::with_hops(graph, input, 1)
    }

    /// The `hops`-hop ego-nets of `graph` (see the module docs); errors when `hops` is 0, the
    /// graph has no node, a node id is out of range or the features are not `input` wide.
    pub fn with_hops(graph: &Graph, input: usize, hops: usize) -> Result<Self> {
        check_hops(hops)?;
        let n = graph.num_nodes;
        if n == 0 {
            return Err(GraphError::Invalid("SPEN needs a graph with nodes".into()));
        }
        let node_x = match &graph.x {
            Some(x) if x.dim == input => x.values.clone(),
            Some(x) => {
                return Err(GraphError::Invalid(format!("node features have width {}, SPEN expects {input}", x.dim)));
            }
            None if input == 1 => vec![1.0; n],
            None => return Err(GraphError::Invalid(format!("graph without features, SPEN expects width {input}"))),
        };
        let graph_of = graph.batch.clone().unwrap_or_else(|| vec![0; n]);
        if graph_of.len() != n {
            return Err(GraphError::LengthMismatch { what: "batch", found: graph_of.len(), expected: n });
        }
        let num_graphs = graph_of.iter().max().map_or(0, |m| m + 1);
        let mut neighbours = vec![BTreeSet::new(); n];
        let mut edges = BTreeSet::new();
        for (s, t) in graph.edges() {
            for id in [s, t] {
                if id >= n {
                    return Err(GraphError::NodeOutOfRange { id, num_nodes: n });
                }
            }
            if s != t {
                neighbours[s].insert(t);
                neighbours[t].insert(s);
                edges.insert((s, t));
                edges.insert((t, s));
            }
        }
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        let mut pairs = Vec::new();
        let mut by_size: BTreeMap<usize, SizeGroup> = BTreeMap::new();
        let mut dist = vec![usize::MAX; n];
        for c in 0..n {
            let ego = ego_ball(&neighbours, c, hops, &mut dist);
            let m = ego.len();
            let group = by_size.entry(m).or_insert_with(|| SizeGroup {
                size: m,
                centres: Vec::new(),
                pair_rows: Vec::new(),
                node_rows: Vec::new(),
            });
            group.centres.push(c);
            group.node_rows.extend(&ego);
            for &u in &ego {
                for &v in &ego {
                    let row = *index.entry((u, v)).or_insert_with(|| {
                        pairs.push((u, v));
                        pairs.len() - 1
                    });
                    group.pair_rows.push(row);
                }
            }
        }
        let width = input + 1;
        let mut pair_x = vec![0.0; pairs.len() * width];
        for (p, &(u, v)) in pairs.iter().enumerate() {
            let row = &mut pair_x[p * width..(p + 1) * width];
            if u == v {
                row[..input].copy_from_slice(&node_x[u * input..(u + 1) * input]);
            } else if edges.contains(&(u, v)) {
                row[input] = 1.0;
            }
        }
        let groups = by_size.into_values().collect();
        Ok(Self { num_nodes: n, num_graphs, graph_of, pairs, groups, pair_x, node_x, input, hops })
    }

    /// The plan's tensors on `device`.
    pub fn to_device(&self, device: &Device) -> EgoTensors {
        let p = self.pairs.len();
        let cat = |f: &dyn Fn(&SizeGroup) -> &[usize]| -> Vec<usize> {
            self.groups.iter().flat_map(|g| f(g).iter().copied()).collect()
        };
        let centres = cat(&|g| &g.centres);
        EgoTensors {
            pair_x: Tensor::from_data(TensorData::new(self.pair_x.clone(), [p, self.input + 1]), device),
            node_x: Tensor::from_data(TensorData::new(self.node_x.clone(), [self.num_nodes, self.input]), device),
            groups: self
                .groups
                .iter()
                .map(|g| GroupTensors {
                    size: g.size,
                    count: g.centres.len(),
                    pair_rows: index_tensor(&g.pair_rows, device),
                    node_rows: index_tensor(&g.node_rows, device),
                })
                .collect(),
            pair_rows: index_tensor(&cat(&|g| &g.pair_rows), device),
            node_rows: index_tensor(&cat(&|g| &g.node_rows), device),
            pair_graph: index_tensor(&self.pairs.iter().map(|&(u, _)| self.graph_of[u]).collect::<Vec<_>>(), device),
            node_graph: index_tensor(&self.graph_of, device),
            centre_graph: index_tensor(&centres.iter().map(|&c| self.graph_of[c]).collect::<Vec<_>>(), device),
            num_pairs: p,
            num_nodes: self.num_nodes,
            num_graphs: self.num_graphs,
        }
    }
}

/// One size group on a device.
#[derive(Debug, Clone)]
pub struct GroupTensors {
    /// m.
    pub size: usize,
    /// k.
    pub count: usize,
    /// `[k·m²]` pair rows.
    pub pair_rows: Tensor<1, Int>,
    /// `[k·m]` node rows.
    pub node_rows: Tensor<1, Int>,
}

/// An [`EgoPlan`] on a device.
#[derive(Debug, Clone)]
pub struct EgoTensors {
    /// Initial pair state `[P, F + 1]`.
    pub pair_x: Tensor<2>,
    /// Initial node state `[N, F]`.
    pub node_x: Tensor<2>,
    /// The size groups.
    pub groups: Vec<GroupTensors>,
    /// All groups' pair rows, concatenated in group order (the scatter index back to pairs).
    pub pair_rows: Tensor<1, Int>,
    /// All groups' node rows, concatenated.
    pub node_rows: Tensor<1, Int>,
    /// Graph of each pair (of its first node), `[P]`.
    pub pair_graph: Tensor<1, Int>,
    /// Graph of each node, `[N]`.
    pub node_graph: Tensor<1, Int>,
    /// Graph of each ego-net's centre, in group order, `[N]`.
    pub centre_graph: Tensor<1, Int>,
    /// P.
    pub num_pairs: usize,
    /// N.
    pub num_nodes: usize,
    /// Graphs in the batch.
    pub num_graphs: usize,
}

impl EgoTensors {
    /// The 1-hop ego-nets of `graph` on `device` (see [`EgoPlan::new`]).
    pub fn new(graph: &Graph, input: usize, device: &Device) -> Result<Self> {
        Ok(EgoPlan::new(graph, input)?.to_device(device))
    }

    /// The `hops`-hop ego-nets of `graph` on `device` (see [`EgoPlan::with_hops`]).
    pub fn with_hops(graph: &Graph, input: usize, hops: usize, device: &Device) -> Result<Self> {
        Ok(EgoPlan::with_hops(graph, input, hops)?.to_device(device))
    }
}
