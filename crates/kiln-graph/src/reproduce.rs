//! The family's experiments, shared by `examples/reproduce_graph.rs` and the tests.
//!
//! - Link prediction on generated graphs where common neighbours matter (a random geometric
//!   graph and an SBM), for CN, Adamic–Adar, GCN dot-product (GAE), NCN and NCNC, on a random
//!   split (NCN's 70/10/20 protocol; held-out edges removed from the message-passing graph).
//! - Node classification with GCN, GraphSAGE, GAT and GIN on a contextual SBM.

use std::sync::Arc;

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::generate::{random_features, random_geometric, stochastic_block_model};
use crate::graph::Graph;
use crate::link::{Heuristic, LinkMetrics, LinkSplit};
use crate::ncn::{GaeConfig, LinkTask, LinkTrainConfig, NcnConfig, evaluate_link_model, train_link_model};

/// A link predictor compared in the experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkMethod {
    /// A heuristic score.
    Heuristic(Heuristic),
    /// GCN encoder, dot-product decoder.
    Gae,
    /// Neural Common Neighbor.
    Ncn,
    /// NCN with completion.
    Ncnc,
}

impl LinkMethod {
    /// The methods of the reproduce table.
    pub const ALL: [LinkMethod; 5] = [
        LinkMethod::Heuristic(Heuristic::CommonNeighbors),
        LinkMethod::Heuristic(Heuristic::AdamicAdar),
        LinkMethod::Gae,
        LinkMethod::Ncn,
        LinkMethod::Ncnc,
    ];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Heuristic(h) => h.name(),
            Self::Gae => "GCN dot-product (GAE)",
            Self::Ncn => "NCN",
            Self::Ncnc => "NCNC",
        }
    }
}

/// A generated graph for the link-prediction experiment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum LinkGraph {
    /// Random geometric graph on `n` nodes with expected degree `degree`.
    Geometric {
        /// Nodes.
        n: usize,
        /// Expected degree `n π r²`.
        degree: f64,
    },
    /// SBM with `blocks` blocks of `size` nodes and expected within/across degrees.
    Sbm {
        /// Blocks.
        blocks: usize,
        /// Nodes per block.
        size: usize,
        /// Expected neighbours inside the block.
        degree_in: f64,
        /// Expected neighbours in other blocks.
        degree_out: f64,
    },
}

impl LinkGraph {
    /// Generates the graph with `dim` random node features (the setting is featureless: the
    /// structure alone must predict links).
    pub fn generate(self, dim: usize, seed: u64) -> Result<Graph> {
        let g = match self {
            Self::Geometric { n, degree } => {
                random_geometric(n, (degree / (n as f64 * std::f64::consts::PI)).sqrt(), seed)?
            }
            Self::Sbm { blocks, size, degree_in, degree_out } => {
                let p_in = degree_in / (size as f64 - 1.0).max(1.0);
                let p_out = degree_out / ((blocks - 1).max(1) * size) as f64;
                stochastic_block_model(&vec![size; blocks], p_in, p_out, seed)?
            }
        };
        random_features(Graph { x: None, ..g }, dim, seed)
    }

    /// Display name.
    pub fn name(self) -> String {
        match self {
            Self::Geometric { n, degree } => format!("random geometric (n = {n}, mean degree {degree})"),
            Self::Sbm { blocks, size, degree_in, degree_out } => {
                format!("SBM ({blocks} × {size} nodes, degree {degree_in} in / {degree_out} out)")
            }
        }
    }
}

/// Settings of one link-prediction run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkRunConfig {
    /// Random node-feature width.
    pub feature_dim: usize,
    /// Hidden width of GAE and NCN.
    pub hidden: usize,
    /// Parameter-free propagations of the NCN/NCNC encoder (the paper: 1 on Planetoid).
    pub mp_layers: usize,
    /// Training schedule.
    pub train: LinkTrainConfig,
    /// K of Hits@K.
    pub k: usize,
}

impl Default for LinkRunConfig {
    fn default() -> Self {
        Self { feature_dim: 32, hidden: 64, mp_layers: 1, train: LinkTrainConfig::default(), k: 50 }
    }
}

/// A split graph ready for the methods.
pub struct LinkData {
    /// The split.
    pub split: LinkSplit,
    /// The training task (features and training adjacency).
    pub task: Arc<LinkTask>,
}

impl LinkData {
    /// Splits `graph` 70/10/20 with `seed`.
    pub fn new(graph: &Graph, seed: u64) -> Result<Self> {
        let split = LinkSplit::new(graph, 0.1, 0.2, seed)?;
        let x = graph.x.clone().ok_or_else(|| GraphError::Invalid("link data needs node features".into()))?;
        let task = Arc::new(LinkTask { x, train: split.train.clone(), adj: split.train_adjacency() });
        Ok(Self { split, task })
    }

    /// The same split with only a fraction `keep` of the training edges observed (the rest are
    /// deleted from the graph and never seen): the incomplete-graph setting of NCNC (§5).
    pub fn incomplete(graph: &Graph, seed: u64, keep: f64) -> Result<Self> {
        let mut data = Self::new(graph, seed)?;
        let order = kiln_core::seed::permutation(data.split.train.len(), kiln_core::seed::derive_seed(seed, 41));
        let kept = ((data.split.train.len() as f64) * keep.clamp(0.0, 1.0)).round() as usize;
        let mut train: Vec<(usize, usize)> = order.into_iter().take(kept).map(|i| data.split.train[i]).collect();
        train.sort_unstable();
        data.split.train = train;
        data.task = Arc::new(LinkTask {
            x: data.task.x.clone(),
            train: data.split.train.clone(),
            adj: data.split.train_adjacency(),
        });
        Ok(data)
    }
}

/// Trains (if needed) and evaluates `method` on the test edges.
pub fn run_link_method(
    data: &LinkData,
    method: LinkMethod,
    config: &LinkRunConfig,
    device: &Device,
) -> Result<LinkMetrics> {
    let (pos, neg) = (&data.split.test, &data.split.test_neg);
    let input = data.task.x.dim;
    kiln_core::seed::seed_device(device, config.train.seed);
    Ok(match method {
        LinkMethod::Heuristic(h) => {
            let p = h.score(&data.task.adj, pos);
            let n = h.score(&data.task.adj, neg);
            LinkMetrics::compute(&p, &n, config.k)
        }
        LinkMethod::Gae => {
            let model = GaeConfig::new(input).with_hidden(config.hidden).init(device);
            let model = train_link_model(model, &data.task, &config.train, device)?;
            evaluate_link_model(&model, &data.task, pos, neg, config.k, device)
        }
        LinkMethod::Ncn | LinkMethod::Ncnc => {
            let model = NcnConfig::new(input)
                .with_hidden(config.hidden)
                .with_mp_layers(config.mp_layers)
                .with_completion(method == LinkMethod::Ncnc)
                .init(device);
            let model = train_link_model(model, &data.task, &config.train, device)?;
            evaluate_link_model(&model, &data.task, pos, neg, config.k, device)
        }
    })
}

/// A contextual SBM for node classification: `blocks` classes of `size` nodes, expected
/// degrees `degree_in` / `degree_out`, Gaussian class features of width `dim` and norm `signal`.
pub fn node_classification_graph(
    blocks: usize,
    size: usize,
    degree_in: f64,
    degree_out: f64,
    dim: usize,
    signal: f32,
    seed: u64,
) -> Result<Graph> {
    let p_in = degree_in / (size as f64 - 1.0).max(1.0);
    let p_out = degree_out / ((blocks - 1).max(1) * size) as f64;
    let g = stochastic_block_model(&vec![size; blocks], p_in, p_out, seed)?;
    crate::generate::class_features(g, dim, signal, seed)
}

/// A Planetoid-style split: `per_class` labelled training nodes per class, the rest for test.
pub fn planetoid_split(graph: &Graph, per_class: usize, seed: u64) -> Result<(Vec<usize>, Vec<usize>)> {
    let y = graph.y.as_ref().ok_or_else(|| GraphError::Invalid("the split needs labels".into()))?;
    let order = kiln_core::seed::permutation(graph.num_nodes, kiln_core::seed::derive_seed(seed, 31));
    let classes = y.iter().max().map_or(0, |m| m + 1);
    let mut taken = vec![0; classes];
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for v in order {
        if taken[y[v]] < per_class {
            taken[y[v]] += 1;
            train.push(v);
        } else {
            test.push(v);
        }
    }
    Ok((train, test))
}

/// Trains a two-layer `kind` classifier on `train` for `epochs` (Adam, lr 0.01, weight decay
/// 5e-4, Kipf & Welling's settings) and returns the accuracy on `test`.
pub fn run_node_classification(
    graph: &Arc<Graph>,
    kind: crate::layers::LayerKind,
    train: &[usize],
    test: &[usize],
    epochs: usize,
    seed: u64,
    device: &Device,
) -> Result<f64> {
    use crate::tasks::{NodeClassifierConfig, NodeSource, node_accuracy};
    use kiln_core::train::{OptimizerConfig, Phase, TrainPhase, Trainer};
    let input = graph.x.as_ref().map_or(0, |x| x.dim);
    let classes = graph.y.as_ref().and_then(|y| y.iter().max()).map_or(1, |m| m + 1);
    kiln_core::seed::seed_device(device, seed);
    let model = NodeClassifierConfig::new(kind, input, classes).init(device);
    let source = NodeSource::new(Arc::clone(graph), train.to_vec())?;
    let phase = TrainPhase::new(epochs, 0.01).with_optimizer(OptimizerConfig::adam_with_decay(5e-4));
    let (model, _) =
        Trainer::new(device.clone()).with_seed(seed).fit(model, &[Phase::train("node", phase)], &source, None)?;
    Ok(node_accuracy(&model, &NodeSource::new(Arc::clone(graph), test.to_vec())?, device))
}
