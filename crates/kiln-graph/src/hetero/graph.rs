//! [`HeteroGraph`]: typed nodes and relations `(src_type, rel, dst_type)` on the host (PyG's
//! `HeteroData`), with reverse relations, the homogeneous view, per-relation tensors and the
//! metapath join `A_{ab} = A_a · A_b`.

use std::collections::BTreeMap;

use burn::prelude::Device;

use crate::error::{GraphError, Result};
use crate::graph::{Features, Graph};
use crate::message_passing::GraphTensors;

/// One node type: its nodes are numbered `0..count` within the type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeType {
    /// The type's name (`author`, `paper`, ...).
    pub name: String,
    /// Number of nodes.
    pub count: usize,
    /// Features `[count, F]`, when the type has them (otherwise models learn an embedding).
    pub x: Option<Features>,
    /// Each node's labels (empty: unlabelled; more than one: a multi-label data set).
    pub y: Option<Vec<Vec<usize>>>,
    /// Training nodes (HGB: the nodes of `label.dat`).
    pub train: Vec<usize>,
    /// Test nodes (HGB: the nodes of `label.dat.test`).
    pub test: Vec<usize>,
}

impl NodeType {
    /// A featureless, unlabelled type of `count` nodes.
    pub fn new(name: impl Into<String>, count: usize) -> Self {
        Self { name: name.into(), count, ..Self::default() }
    }

    /// The first label of every node, `None` where it has none.
    pub fn first_labels(&self) -> Option<Vec<Option<usize>>> {
        self.y.as_ref().map(|y| y.iter().map(|l| l.first().copied()).collect())
    }
}

/// The edges of one relation `src_type —rel→ dst_type`; `src[e]` indexes the source type's
/// nodes and `dst[e]` the target type's. Messages flow source → target.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Relation {
    /// Source node type.
    pub src_type: usize,
    /// The relation's name.
    pub name: String,
    /// Target node type.
    pub dst_type: usize,
    /// Source of each edge.
    pub src: Vec<usize>,
    /// Target of each edge.
    pub dst: Vec<usize>,
    /// Weight of each edge.
    pub weight: Vec<f32>,
}

impl Relation {
    /// Number of edges.
    pub fn num_edges(&self) -> usize {
        self.src.len()
    }
}

/// A heterogeneous graph: node types and typed relations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeteroGraph {
    /// The node types.
    pub node_types: Vec<NodeType>,
    /// The relations.
    pub relations: Vec<Relation>,
}

impl HeteroGraph {
    /// A graph of the given node types and no relation.
    pub fn new(node_types: Vec<NodeType>) -> Self {
        Self { node_types, relations: Vec::new() }
    }

    /// The index of the node type called `name`.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.node_types.iter().position(|t| t.name == name)
    }

    /// Adds the relation `src_type —name→ dst_type` with `edges` and their `weight` (1 each when
    /// `None`). Errors when a type or node id is out of range or the weights are not one per edge.
    pub fn add_relation(
        &mut self,
        src_type: usize,
        name: impl Into<String>,
        dst_type: usize,
        edges: &[(usize, usize)],
        weight: Option<Vec<f32>>,
    ) -> Result<usize> {
        let types = self.node_types.len();
        for t in [src_type, dst_type] {
            if t >= types {
                return Err(GraphError::Invalid(format!("node type {t} out of range: the graph has {types} types")));
            }
        }
        let (ns, nd) = (self.node_types[src_type].count, self.node_types[dst_type].count);
        for &(s, d) in edges {
            if s >= ns {
                return Err(GraphError::NodeOutOfRange { id: s, num_nodes: ns });
            }
            if d >= nd {
                return Err(GraphError::NodeOutOfRange { id: d, num_nodes: nd });
            }
        }
        let weight = weight.unwrap_or_else(|| vec![1.0; edges.len()]);
        if weight.len() != edges.len() {
            return Err(GraphError::LengthMismatch {
                what: "relation weights",
                found: weight.len(),
                expected: edges.len(),
            });
        }
        self.relations.push(Relation {
            src_type,
            name: name.into(),
            dst_type,
            src: edges.iter().map(|e| e.0).collect(),
            dst: edges.iter().map(|e| e.1).collect(),
            weight,
        });
        Ok(self.relations.len() - 1)
    }

    /// The graph with a reverse `rev_<name>` (`dst_type → src_type`, same weights) added after
    /// the relations for every relation whose reverse is not already present (a relation between
    /// one type and itself whose edge set is symmetric is its own reverse and gets none).
    pub fn add_reverse(&self) -> Self {
        let mut out = self.clone();
        for r in &self.relations {
            let key = |x: &Relation| {
                let mut e: Vec<(usize, usize)> = x.src.iter().copied().zip(x.dst.iter().copied()).collect();
                e.sort_unstable();
                e
            };
            let mut reversed: Vec<(usize, usize)> = r.dst.iter().copied().zip(r.src.iter().copied()).collect();
            reversed.sort_unstable();
            let present = self
                .relations
                .iter()
                .any(|q| q.src_type == r.dst_type && q.dst_type == r.src_type && key(q) == reversed);
            if !present {
                out.relations.push(Relation {
                    src_type: r.dst_type,
                    name: format!("rev_{}", r.name),
                    dst_type: r.src_type,
                    src: r.dst.clone(),
                    dst: r.src.clone(),
                    weight: r.weight.clone(),
                });
            }
        }
        out
    }

    /// The first global id of each type in [`Self::to_homogeneous`] (`offsets[t] + v` is node `v`
    /// of type `t`), and the total node count at the end.
    pub fn offsets(&self) -> Vec<usize> {
        let mut out = vec![0];
        for t in &self.node_types {
            out.push(out.last().copied().unwrap_or(0) + t.count);
        }
        out
    }

    /// The type-agnostic graph: all nodes numbered by [`Self::offsets`], all relations' edges
    /// (with weights) in one edge list, labels the first label of each node (0 where none).
    /// Features: a one-hot of the node type followed by one block of columns per featured type
    /// (a node's own features in its type's block, zeros elsewhere); featureless types have only
    /// their type indicator.
    pub fn to_homogeneous(&self) -> Result<Graph> {
        let offsets = self.offsets();
        let n = offsets[self.node_types.len()];
        let (mut src, mut dst, mut weight) = (Vec::new(), Vec::new(), Vec::new());
        for r in &self.relations {
            src.extend(r.src.iter().map(|&s| s + offsets[r.src_type]));
            dst.extend(r.dst.iter().map(|&d| d + offsets[r.dst_type]));
            weight.extend_from_slice(&r.weight);
        }
        let types = self.node_types.len();
        let blocks: Vec<usize> = self.node_types.iter().map(|t| t.x.as_ref().map_or(0, |x| x.dim)).collect();
        let dim = types + blocks.iter().sum::<usize>();
        let mut values = vec![0.0f32; n * dim];
        let mut y = vec![0usize; n];
        let mut column = types;
        for (t, ty) in self.node_types.iter().enumerate() {
            for v in 0..ty.count {
                let row = (offsets[t] + v) * dim;
                values[row + t] = 1.0;
                if let Some(x) = &ty.x {
                    values[row + column..row + column + x.dim].copy_from_slice(x.row(v));
                }
                if let Some(l) = ty.y.as_ref().and_then(|y| y.get(v)).and_then(|l| l.first()) {
                    y[offsets[t] + v] = *l;
                }
            }
            column += blocks[t];
        }
        let graph = Graph { num_nodes: n, edge_index: [src, dst], ..Graph::default() };
        graph.with_edge_weight(weight)?.with_features(Features::new(dim, values)?)?.with_labels(y)
    }

    /// Every relation's edges on `device`, in the order of [`Self::relations`]: `src` indexes the
    /// source type's rows, `dst` the target type's, and `num_nodes` is the target type's count
    /// (what scatters aggregate into). Weights included.
    pub fn relation_tensors(&self, device: &Device) -> Vec<GraphTensors> {
        self.relations.iter().map(|r| relation_tensors(r, self.node_types[r.dst_type].count, device)).collect()
    }

    /// The metapath relation `a ∘ b` (`src_type(a) → dst_type(b)`): the sparse product
    /// `A_a · A_b` with values, `w(s, d) = Σ_m w_a(s, m) · w_b(m, d)`, edges sorted by
    /// (source, target). Errors when a relation is out of range or `dst_type(a) ≠ src_type(b)`.
    pub fn metapath_join(&self, a: usize, b: usize) -> Result<Relation> {
        let (ra, rb) = match (self.relations.get(a), self.relations.get(b)) {
            (Some(ra), Some(rb)) => (ra, rb),
            _ => {
                return Err(GraphError::Invalid(format!("relations {a}, {b}: the graph has {}", self.relations.len())));
            }
        };
        if ra.dst_type != rb.src_type {
            return Err(GraphError::Invalid(format!(
                "cannot join `{}` (to type {}) with `{}` (from type {})",
                ra.name, ra.dst_type, rb.name, rb.src_type
            )));
        }
        Ok(sparse_product(ra, rb))
    }
}

/// One relation's edges on `device`, aggregating into `num_dst` target rows.
pub fn relation_tensors(r: &Relation, num_dst: usize, device: &Device) -> GraphTensors {
    GraphTensors::from_edges(&r.src, &r.dst, Some(&r.weight), num_dst, device)
}

/// `A_a · A_b` with values, ignoring the types (the caller checks them); edges sorted by
/// (source, target), named `a.b`.
pub fn sparse_product(a: &Relation, b: &Relation) -> Relation {
    let mut out_of: BTreeMap<usize, Vec<(usize, f32)>> = BTreeMap::new();
    for e in 0..b.num_edges() {
        out_of.entry(b.src[e]).or_default().push((b.dst[e], b.weight[e]));
    }
    let mut product: BTreeMap<(usize, usize), f32> = BTreeMap::new();
    for e in 0..a.num_edges() {
        if let Some(next) = out_of.get(&a.dst[e]) {
            for &(d, w) in next {
                *product.entry((a.src[e], d)).or_insert(0.0) += a.weight[e] * w;
            }
        }
    }
    Relation {
        src_type: a.src_type,
        name: format!("{}.{}", a.name, b.name),
        dst_type: b.dst_type,
        src: product.keys().map(|k| k.0).collect(),
        dst: product.keys().map(|k| k.1).collect(),
        weight: product.values().copied().collect(),
    }
}
