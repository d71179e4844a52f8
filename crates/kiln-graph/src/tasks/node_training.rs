//! Node classification as a product: a two-layer GCN, GraphSAGE, GAT or GIN trained full-batch
//! on a graph's training nodes through the engine (run directory, metrics log, checkpoints,
//! resume), validated every epoch and evaluated on the held-out test nodes.

use std::sync::Arc;

use kiln_core::train::{BatchSource, Evaluation, OptimizerConfig, Phase, Report, TrainPhase, Trainer};
use serde::{Deserialize, Serialize};

use super::node::{NodeBatch, NodeClassifier, NodeClassifierConfig, NodeSource};
use super::node_split::NodeSplit;
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// How a node classifier trains: full-batch Adam with an L2 penalty (Kipf & Welling: 200
/// epochs, learning rate 0.01, weight decay 5e-4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NodeTraining {
    /// Epochs (one optimiser step each).
    pub epochs: usize,
    /// Learning rate.
    pub lr: f64,
    /// L2 penalty.
    pub weight_decay: f32,
    /// Seed of the initialisation and dropout.
    pub seed: u64,
}

impl Default for NodeTraining {
    fn default() -> Self {
        Self { epochs: 200, lr: 0.01, weight_decay: 5e-4, seed: 0 }
    }
}

impl NodeTraining {
    /// GAT's schedule on Cora (Veličković et al. 2018, §3.3; PyG's `examples/gat.py`): Adam at
    /// 0.005 with weight decay 5e-4, 200 epochs (the paper stops early with patience 100).
    pub fn gat() -> Self {
        Self { epochs: 200, lr: 0.005, weight_decay: 5e-4, seed: 0 }
    }

    /// The run's single phase.
    pub fn phases(&self) -> Vec<Phase<NodeClassifier>> {
        let phase =
            TrainPhase::new(self.epochs, self.lr).with_optimizer(OptimizerConfig::adam_with_decay(self.weight_decay));
        vec![Phase::train("node", phase)]
    }
}

/// A trained node classifier with its run and its test evaluation.
#[derive(Debug)]
pub struct NodeOutcome {
    /// The model (evaluation mode).
    pub model: NodeClassifier,
    /// The engine's report (incomplete when the run was halted).
    pub report: Report,
    /// Loss, accuracy and confusion matrix on the split's test nodes.
    pub test: Evaluation,
}

/// Errors unless `graph` has features of width `config.input` and labels below `config.classes`.
pub fn check_node_graph(graph: &Graph, config: &NodeClassifierConfig) -> Result<()> {
    let x = graph.x.as_ref().ok_or_else(|| GraphError::Invalid("node classification needs node features".into()))?;
    if x.dim != config.input {
        return Err(GraphError::Invalid(format!(
            "the graph has {} features per node; the classifier expects {}",
            x.dim, config.input
        )));
    }
    let y = graph.y.as_ref().ok_or_else(|| GraphError::Invalid("node classification needs node labels".into()))?;
    if let Some(&label) = y.iter().find(|&&label| label >= config.classes) {
        return Err(GraphError::Invalid(format!(
            "label {label} is not below the classifier's {} classes",
            config.classes
        )));
    }
    Ok(())
}

/// Trains `config`'s classifier on `graph`'s `split.train` nodes with `trainer` (its run
/// directory, checkpoints, resume, progress and halting; seeded with `training.seed`),
/// validating on `split.valid` after every epoch when it is not empty, then evaluates on
/// `split.test`.
pub fn train_node_classifier(
    graph: &Arc<Graph>,
    split: &NodeSplit,
    config: &NodeClassifierConfig,
    training: &NodeTraining,
    trainer: &Trainer,
) -> Result<NodeOutcome> {
    check_node_graph(graph, config)?;
    split.check(graph.num_nodes)?;
    let trainer = trainer.clone().with_seed(training.seed);
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, training.seed);
    let model = config.init(&device);
    let train = NodeSource::new(Arc::clone(graph), split.train.clone())?;
    let valid =
        if split.valid.is_empty() { None } else { Some(NodeSource::new(Arc::clone(graph), split.valid.clone())?) };
    let valid: Option<&dyn BatchSource<NodeBatch>> = valid.as_ref().map(|v| v as _);
    let (model, report) = trainer.fit(model, &training.phases(), &train, valid)?;
    let test = evaluate_node_classifier(&model, graph, &split.test, &trainer)?;
    Ok(NodeOutcome { model, report, test })
}

/// Loss, accuracy and confusion matrix of `model` on `nodes` of `graph`.
pub fn evaluate_node_classifier(
    model: &NodeClassifier,
    graph: &Arc<Graph>,
    nodes: &[usize],
    trainer: &Trainer,
) -> Result<Evaluation> {
    let source = NodeSource::new(Arc::clone(graph), nodes.to_vec())?;
    Ok(trainer.evaluate(model, &source)?)
}
