//! Link prediction on generated graphs where common neighbours matter: CN, Adamic–Adar, GCN
//! dot-product (GAE), NCN and NCNC (the official Cora options at width 64) on NCN's random
//! 70/10/20 split, with held-out edges removed from the message-passing graph; optionally with
//! only part of the training edges observed. Hits@K against the shared test negatives, MRR
//! against each test link's own negatives (OGB's).

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::seed::{derive_seed, permutation, seed_device};
use kiln_graph::Graph;
use kiln_graph::generate::{random_features, random_geometric, stochastic_block_model};
use kiln_graph::link::{Heuristic, LinkMetrics};
use kiln_graph::ncn::{GaeConfig, LinkTask, LinkTrainConfig, NcnConfig, evaluate_link_model, train_link_model};
use kiln_graph::tasks::LinkProblem;

/// A link predictor compared in the experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The methods of the table, in its order.
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

/// An SBM of `blocks` blocks of `size` nodes with expected within- and across-block degrees.
pub fn sbm_with_degrees(
    blocks: usize,
    size: usize,
    degree_in: f64,
    degree_out: f64,
    seed: u64,
) -> kiln_graph::Result<Graph> {
    let p_in = degree_in / (size as f64 - 1.0).max(1.0);
    let p_out = degree_out / ((blocks - 1).max(1) * size) as f64;
    stochastic_block_model(&vec![size; blocks], p_in, p_out, seed)
}

/// A generated graph for the link-prediction experiment.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    pub fn generate(self, dim: usize, seed: u64) -> kiln_graph::Result<Graph> {
        let g = match self {
            Self::Geometric { n, degree } => {
                random_geometric(n, (degree / (n as f64 * std::f64::consts::PI)).sqrt(), seed)?
            }
            Self::Sbm { blocks, size, degree_in, degree_out } => {
                sbm_with_degrees(blocks, size, degree_in, degree_out, seed)?
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
    /// Training schedule.
    pub train: LinkTrainConfig,
    /// K of Hits@K.
    pub k: usize,
}

impl Default for LinkRunConfig {
    fn default() -> Self {
        Self { feature_dim: 32, hidden: 64, train: LinkTrainConfig::default(), k: 50 }
    }
}

impl LinkRunConfig {
    /// NCN (or NCNC with `completion`) with the official Cora options at this width.
    pub fn ncn(&self, input: usize, completion: bool) -> NcnConfig {
        NcnConfig::small(input).with_hidden(self.hidden).with_completion(completion)
    }
}

/// `graph` split 70/10/20 with `seed`; with `keep`, only that fraction of the training edges
/// is observed (the rest are deleted from the graph and never seen): the incomplete-graph
/// setting of NCNC (§5).
pub fn link_problem(graph: &Graph, seed: u64, keep: Option<f64>) -> kiln_graph::Result<LinkProblem> {
    let mut problem = LinkProblem::new(graph, 0.1, 0.2, seed)?;
    let Some(keep) = keep else { return Ok(problem) };
    let order = permutation(problem.split.train.len(), derive_seed(seed, 41));
    let kept = ((problem.split.train.len() as f64) * keep.clamp(0.0, 1.0)).round() as usize;
    let mut train: Vec<(usize, usize)> = order.into_iter().take(kept).map(|i| problem.split.train[i]).collect();
    train.sort_unstable();
    problem.split.train = train;
    problem.task = Arc::new(LinkTask {
        x: problem.task.x.clone(),
        train: problem.split.train.clone(),
        adj: problem.split.train_adjacency(),
    });
    Ok(problem)
}

/// Trains (if needed) and evaluates `method` on the test edges.
pub fn run_link_method(
    problem: &LinkProblem,
    method: LinkMethod,
    config: &LinkRunConfig,
    device: &Device,
) -> kiln_graph::Result<LinkMetrics> {
    let (pos, neg, ranking) = (&problem.split.test, &problem.split.test_neg, &problem.split.test_ranking);
    let task = &problem.task;
    let input = task.x.dim;
    seed_device(device, config.train.seed);
    match method {
        LinkMethod::Heuristic(h) => {
            let score = |pairs: &[(usize, usize)]| h.score(&task.adj, pairs);
            LinkMetrics::compute(&score(pos), &score(neg), &score(&ranking.pairs), ranking.per_positive, config.k)
        }
        LinkMethod::Gae => {
            let model = GaeConfig::new(input).with_hidden(config.hidden).init(device);
            let model = train_link_model(model, task, &config.train, device)?;
            evaluate_link_model(&model, task, pos, neg, ranking, config.k, device)
        }
        LinkMethod::Ncn | LinkMethod::Ncnc => {
            let ncn = config.ncn(input, method == LinkMethod::Ncnc);
            ncn.check()?;
            let model = train_link_model(ncn.init(device), task, &config.train, device)?;
            evaluate_link_model(&model, task, pos, neg, ranking, config.k, device)
        }
    }
}
