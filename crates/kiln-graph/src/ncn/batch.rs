//! Batches of target links for NCN/NCNC and the GAE baseline, prepared on the host.
//!
//! A [`LinkBatch`] carries the message-passing graph (after target-link removal, when asked),
//! the node features, the target pairs with their labels, the common-neighbour matrix of the
//! targets (COO, from sorted-adjacency intersection) and, for NCNC, the completion candidates:
//! for target `(i, j)` every `u ∈ N(i) \ N(j)` paired with `j` and every `u ∈ N(j) \ N(i)`
//! paired with `i`, each with its own common neighbours so the model can score it. Common
//! neighbours and candidates come from the predictor's adjacency, which in training may have
//! lost edges to the predictor's edge dropout (the official `--preedp`).

use std::sync::Arc;

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::seed::epoch_order;
use kiln_core::train::BatchSource;

use crate::adjacency::{Adjacency, CommonNeighborSets};
use crate::graph::Features;
use crate::link::sample_negatives;
use crate::message_passing::{GraphTensors, index_tensor};

/// Host-side target pairs with their common neighbours.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreparedPairs {
    /// The pairs `(i, j)`.
    pub pairs: Vec<(usize, usize)>,
    /// Their common neighbours.
    pub cn: CommonNeighborSets,
}

impl PreparedPairs {
    /// Common neighbours of `pairs` in `adj`.
    pub fn new(adj: &Adjacency, pairs: Vec<(usize, usize)>) -> Self {
        let cn = CommonNeighborSets::compute(adj, &pairs);
        Self { pairs, cn }
    }

    /// On `device`.
    pub fn to_tensors(&self, device: &Device) -> PairTensors {
        let i: Vec<usize> = self.pairs.iter().map(|p| p.0).collect();
        let j: Vec<usize> = self.pairs.iter().map(|p| p.1).collect();
        PairTensors {
            i: index_tensor(&i, device),
            j: index_tensor(&j, device),
            cn_pair: index_tensor(&self.cn.pair, device),
            cn_node: index_tensor(&self.cn.node, device),
            num_pairs: self.pairs.len(),
            num_cn: self.cn.pair.len(),
        }
    }
}

/// Target pairs and their common-neighbour matrix on a device.
#[derive(Debug, Clone)]
pub struct PairTensors {
    /// First endpoints `[P]`.
    pub i: Tensor<1, Int>,
    /// Second endpoints `[P]`.
    pub j: Tensor<1, Int>,
    /// Row (target) of each common-neighbour entry `[C]`.
    pub cn_pair: Tensor<1, Int>,
    /// Column (node) of each common-neighbour entry `[C]`.
    pub cn_node: Tensor<1, Int>,
    /// P.
    pub num_pairs: usize,
    /// C.
    pub num_cn: usize,
}

/// NCNC's completion candidates on a device: candidate `k` is node `node[k]` for target
/// `target[k]`; its probability of being a common neighbour is the model's prediction for
/// `pairs[k]` (the other endpoint with `node[k]`).
#[derive(Debug, Clone)]
pub struct CompletionTensors {
    /// The pairs to predict, with their own common neighbours.
    pub pairs: PairTensors,
    /// Target of each candidate `[K]`.
    pub target: Tensor<1, Int>,
    /// Candidate node `[K]`.
    pub node: Tensor<1, Int>,
}

/// Host-side completion candidates of a set of targets.
pub fn completion_candidates(adj: &Adjacency, targets: &[(usize, usize)]) -> (PreparedPairs, Vec<usize>, Vec<usize>) {
    let (mut pairs, mut target, mut node) = (Vec::new(), Vec::new(), Vec::new());
    for (t, &(i, j)) in targets.iter().enumerate() {
        let (only_i, only_j) = adj.one_sided_neighbors(i, j);
        for u in only_i {
            pairs.push((j, u));
            target.push(t);
            node.push(u);
        }
        for u in only_j {
            pairs.push((i, u));
            target.push(t);
            node.push(u);
        }
    }
    (PreparedPairs::new(adj, pairs), target, node)
}

/// One batch of target links.
#[derive(Debug, Clone)]
pub struct LinkBatch {
    /// Node features `[N, F]`.
    pub x: Tensor<2>,
    /// The message-passing graph (both directions, no self-loops, unweighted).
    pub graph: GraphTensors,
    /// Target pairs and their common neighbours.
    pub targets: PairTensors,
    /// 1 for a true link, 0 for a negative, `[P]`.
    pub labels: Tensor<1>,
    /// Number of positives in `targets` (they come first).
    pub num_pos: usize,
    /// NCNC's completion candidates, when asked for.
    pub completion: Option<CompletionTensors>,
}

/// What a link task needs on the host: node features and the training graph.
#[derive(Debug, Clone)]
pub struct LinkTask {
    /// Node features.
    pub x: Features,
    /// Training edges `(min, max)`.
    pub train: Vec<(usize, usize)>,
    /// Sorted adjacency of the training edges.
    pub adj: Adjacency,
}

impl LinkTask {
    /// Number of nodes.
    pub fn num_nodes(&self) -> usize {
        self.adj.num_nodes()
    }

    /// A batch scoring `pos` then `neg` in the graph `adj` (the full training graph at
    /// evaluation, the graph minus the targets in training), with common neighbours and
    /// completion candidates from `predictor_adj` (`adj` itself but in training).
    pub fn batch(
        &self,
        adj: &Adjacency,
        predictor_adj: &Adjacency,
        pos: &[(usize, usize)],
        neg: &[(usize, usize)],
        completion: bool,
        device: &Device,
    ) -> LinkBatch {
        let pairs: Vec<(usize, usize)> = pos.iter().chain(neg).copied().collect();
        let mut labels = vec![1.0f32; pos.len()];
        labels.resize(pairs.len(), 0.0);
        let completion = completion.then(|| {
            let (prepared, target, node) = completion_candidates(predictor_adj, &pairs);
            CompletionTensors {
                pairs: prepared.to_tensors(device),
                target: index_tensor(&target, device),
                node: index_tensor(&node, device),
            }
        });
        let edges = adj.edges();
        let src: Vec<usize> = edges.iter().map(|e| e.0).collect();
        let dst: Vec<usize> = edges.iter().map(|e| e.1).collect();
        let n = labels.len();
        LinkBatch {
            x: Tensor::from_data(TensorData::new(self.x.values.clone(), [self.num_nodes(), self.x.dim]), device),
            graph: GraphTensors::from_edges(&src, &dst, None, self.num_nodes(), device),
            targets: PreparedPairs::new(predictor_adj, pairs).to_tensors(device),
            labels: Tensor::from_data(TensorData::new(labels, [n]), device),
            num_pos: pos.len(),
            completion,
        }
    }
}

/// What a training batch holds besides the targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchOptions {
    /// Remove the batch's positive links from the graph before encoding (NCN's `maskinput`).
    pub remove_targets: bool,
    /// Add NCNC's completion candidates.
    pub completion: bool,
    /// Drop each directed edge of the predictor's adjacency with this probability (`--preedp`).
    pub predictor_edge_dropout: f64,
}

/// Training batches: the training edges shuffled per epoch, `batch_size` positives and as many
/// negatives per batch, uniform pairs that are not training edges (PyG's `negative_sampling`,
/// which NCN calls every epoch), drawn anew for every batch.
#[derive(Debug, Clone)]
pub struct LinkTrainSource {
    /// The task.
    pub task: Arc<LinkTask>,
    /// Positives per batch.
    pub batch_size: usize,
    /// What each batch holds.
    pub options: BatchOptions,
    /// Seed of the shuffles and negatives.
    pub seed: u64,
}

impl BatchSource<LinkBatch> for LinkTrainSource {
    fn num_batches(&self) -> usize {
        self.task.train.len().div_ceil(self.batch_size.max(1))
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<LinkBatch> {
        let train = &self.task.train;
        let order = epoch_order(train.len(), Some(self.seed), epoch);
        let bs = self.batch_size.max(1);
        let pos: Vec<(usize, usize)> = order.iter().skip(index * bs).take(bs).map(|&e| train[e]).collect();
        let mut rng = kiln_core::seed::rng(self.seed, 1_000_003 * (epoch as u64 + 1) + index as u64);
        let neg = sample_negatives(&self.task.adj, pos.len(), &mut rng)
            .map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        let adj = if self.options.remove_targets { self.task.adj.without(&pos) } else { self.task.adj.clone() };
        let predictor_adj = match self.options.predictor_edge_dropout {
            p if p > 0.0 => adj.drop_entries(p, &mut rng),
            _ => adj.clone(),
        };
        Ok(self.task.batch(&adj, &predictor_adj, &pos, &neg, self.options.completion, device))
    }
}
