//! Proteins on a device: the disjoint union of a batch's residue graphs, the dense layout GMT
//! pools over, and the targets.

use burn::prelude::{Device, Int, Tensor, TensorData};

use super::structure::{FEATURES, ResidueGraph};
use super::synth::SynthProtein;
use crate::error::{GraphError, Result};
use crate::message_passing::{GraphTensors, index_tensor};

/// Additive mask value of a padded slot in the dense layout (`to_dense_batch`'s `−1e9`).
pub const PAD: f32 = -1e9;

/// A protein with its targets: function labels and functional residues.
#[derive(Debug, Clone, PartialEq)]
pub struct ProteinExample {
    /// The residue graph.
    pub graph: ResidueGraph,
    /// One flag per label.
    pub labels: Vec<bool>,
    /// One flag per residue.
    pub functional: Vec<bool>,
}

impl ProteinExample {
    /// The example of a synthetic protein, with contacts within `cutoff` Å.
    pub fn from_synth(protein: &SynthProtein, cutoff: f32) -> Self {
        Self {
            graph: protein.protein.graph(cutoff),
            labels: protein.labels.clone(),
            functional: protein.functional.clone(),
        }
    }
}

/// A batch of proteins on a device.
#[derive(Debug, Clone)]
pub struct ProteinBatch {
    /// Residue features `[N, FEATURES]`.
    pub x: Tensor<2>,
    /// Contacts, both directions, unweighted.
    pub graph: GraphTensors,
    /// `graph` with GCN normalisation (self-loops added).
    pub normalized: GraphTensors,
    /// Spatial-proximity weight of every edge `[E]`, `exp(−d² / 2σ²)`.
    pub proximity: Tensor<1>,
    /// 1 for residues in a helix or strand `[N]`.
    pub structured: Tensor<1>,
    /// Proteins B.
    pub num_graphs: usize,
    /// Residues of the largest protein, the dense layout's width M.
    pub max_nodes: usize,
    /// For each dense slot `b·M + t`, the residue it holds (0 for padding) `[B·M]`.
    pub dense_index: Tensor<1, Int>,
    /// 0 for real slots, [`PAD`] for padding `[B, M]`.
    pub dense_mask: Tensor<2>,
    /// First residue of each protein, and N at the end (host).
    pub ptr: Vec<usize>,
    /// Functional residues `[N]` (0/1), when known.
    pub residue_labels: Option<Tensor<1>>,
    /// Weight of each residue in the node-score loss `[N]`: `Σ_a [j ∈ N_k(a)] / (|N_k(a)| · A)`
    /// over the A positive anchors `a` of the batch.
    pub region_weight: Option<Tensor<1>>,
    /// Function labels `[B, L]` (0/1), when known.
    pub labels: Option<Tensor<2>>,
    /// `P_ab = 1` when proteins `a ≠ b` share a label `[B, B]` (SupCon's positives).
    pub positives: Option<Tensor<2>>,
}

/// Residues within `hops` contacts of `a` (including `a`).
fn k_hop(adj: &[Vec<usize>], a: usize, hops: usize) -> Vec<usize> {
    let mut seen = vec![false; adj.len()];
    seen[a] = true;
    let mut frontier = vec![a];
    let mut all = vec![a];
    for _ in 0..hops {
        let mut next = Vec::new();
        for &v in &frontier {
            for &u in &adj[v] {
                if !seen[u] {
                    seen[u] = true;
                    next.push(u);
                    all.push(u);
                }
            }
        }
        frontier = next;
    }
    all
}

impl ProteinBatch {
    /// The batch of `graphs` (no targets).
    pub fn of_graphs(graphs: &[&ResidueGraph], device: &Device) -> Result<Self> {
        Self::build(graphs, None, 0, device)
    }

    /// The batch of `examples` with their targets; the node-score weights use `hops`-hop
    /// regions around the functional residues.
    pub fn of_examples(examples: &[&ProteinExample], hops: usize, device: &Device) -> Result<Self> {
        let graphs: Vec<&ResidueGraph> = examples.iter().map(|e| &e.graph).collect();
        Self::build(&graphs, Some(examples), hops, device)
    }

    fn build(
        graphs: &[&ResidueGraph],
        examples: Option<&[&ProteinExample]>,
        hops: usize,
        device: &Device,
    ) -> Result<Self> {
        if graphs.is_empty() {
            return Err(GraphError::Invalid("an empty batch of proteins".into()));
        }
        let mut ptr = vec![0usize];
        let (mut src, mut dst, mut prox) = (Vec::new(), Vec::new(), Vec::new());
        let mut x = Vec::new();
        let mut structured = Vec::new();
        for g in graphs {
            if g.features.len() != g.num_nodes * FEATURES || g.num_nodes == 0 {
                return Err(GraphError::LengthMismatch {
                    what: "residue features",
                    found: g.features.len(),
                    expected: g.num_nodes.max(1) * FEATURES,
                });
            }
            let off = *ptr.last().unwrap_or(&0);
            for (i, j, w) in g.directed() {
                src.push(off + i);
                dst.push(off + j);
                prox.push(w);
            }
            x.extend_from_slice(&g.features);
            structured.extend(g.structured.iter().map(|&s| f32::from(u8::from(s))));
            ptr.push(off + g.num_nodes);
        }
        let n = *ptr.last().unwrap_or(&0);
        let b = graphs.len();
        let m = graphs.iter().map(|g| g.num_nodes).max().unwrap_or(1);
        let mut dense = vec![0usize; b * m];
        let mut mask = vec![PAD; b * m];
        for (g, w) in ptr.windows(2).enumerate() {
            for t in 0..w[1] - w[0] {
                dense[g * m + t] = w[0] + t;
                mask[g * m + t] = 0.0;
            }
        }
        let graph = GraphTensors::from_edges(&src, &dst, None, n, device);
        let normalized = graph.gcn_norm(true);
        let vec1 = |v: Vec<f32>| {
            let len = v.len();
            Tensor::<1>::from_data(TensorData::new(v, [len]), device)
        };
        let mut batch = Self {
            x: Tensor::from_data(TensorData::new(x, [n, FEATURES]), device),
            graph,
            normalized,
            proximity: vec1(prox),
            structured: vec1(structured),
            num_graphs: b,
            max_nodes: m,
            dense_index: index_tensor(&dense, device),
            dense_mask: Tensor::from_data(TensorData::new(mask, [b, m]), device),
            ptr: ptr.clone(),
            residue_labels: None,
            region_weight: None,
            labels: None,
            positives: None,
        };
        let Some(examples) = examples else { return Ok(batch) };
        let labels = examples[0].labels.len();
        let mut y = Vec::with_capacity(n);
        let mut weight = vec![0.0f32; n];
        let mut anchors = 0usize;
        for (e, w) in examples.iter().zip(ptr.windows(2)) {
            if e.functional.len() != e.graph.num_nodes || e.labels.len() != labels {
                return Err(GraphError::LengthMismatch {
                    what: "protein targets",
                    found: e.functional.len(),
                    expected: e.graph.num_nodes,
                });
            }
            y.extend(e.functional.iter().map(|&f| f32::from(u8::from(f))));
            let mut adj = vec![Vec::new(); e.graph.num_nodes];
            for &(i, j) in &e.graph.pairs {
                adj[i].push(j);
                adj[j].push(i);
            }
            for a in (0..e.graph.num_nodes).filter(|&a| e.functional[a]) {
                anchors += 1;
                let region = k_hop(&adj, a, hops);
                for &j in &region {
                    weight[w[0] + j] += 1.0 / region.len() as f32;
                }
            }
        }
        if anchors > 0 {
            weight.iter_mut().for_each(|v| *v /= anchors as f32);
        }
        let flat: Vec<f32> = examples.iter().flat_map(|e| e.labels.iter().map(|&l| f32::from(u8::from(l)))).collect();
        let mut pos = vec![0.0f32; b * b];
        for (a, ea) in examples.iter().enumerate() {
            for (c, ec) in examples.iter().enumerate() {
                if a != c && ea.labels.iter().zip(&ec.labels).any(|(&p, &q)| p && q) {
                    pos[a * b + c] = 1.0;
                }
            }
        }
        batch.residue_labels = Some(vec1(y));
        batch.region_weight = Some(vec1(weight));
        batch.labels = Some(Tensor::from_data(TensorData::new(flat, [b, labels]), device));
        batch.positives = Some(Tensor::from_data(TensorData::new(pos, [b, b]), device));
        Ok(batch)
    }
}
