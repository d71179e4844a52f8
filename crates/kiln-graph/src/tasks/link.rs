//! Link prediction as a product: NCN or NCNC trained on a graph's edges through the engine
//! (run directory, metrics log, checkpoints, resume) on NCN's leak-free split, with the
//! validation loss logged every epoch and Hits@K, MRR and AUC on the held-out test links (MRR
//! with each test link's own negatives, [`crate::link::RankingNegatives`]).

use std::sync::Arc;

use kiln_core::train::{Report, Trainer};
use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::graph::Graph;
use crate::link::{LinkMetrics, LinkSplit};
use crate::ncn::held_out::HeldOutSource;
use crate::ncn::{LinkBatch, LinkScorer, LinkTask, LinkTrainConfig, Ncn, NcnConfig, evaluate_link_model, link_phase};

/// A graph split for link prediction: the split and the training task built on it.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    /// Training edges (the message-passing graph), valid and test positives and negatives.
    pub split: LinkSplit,
    /// Node features and the training adjacency.
    pub task: Arc<LinkTask>,
}

impl LinkProblem {
    /// Splits the undirected edges of `graph` at random (fractions `valid` and `test`; NCN:
    /// 0.1 and 0.2) with `seed`. Errors without node features or when the training or test
    /// edges would be empty.
    pub fn new(graph: &Graph, valid: f64, test: f64, seed: u64) -> Result<Self> {
        let x = graph.x.clone().ok_or_else(|| GraphError::Invalid("link prediction needs node features".into()))?;
        let split = LinkSplit::new(graph, valid, test, seed)?;
        if split.train.is_empty() || split.test.is_empty() {
            return Err(GraphError::Invalid(format!(
                "{} edges are too few to split into training and test links ({} train, {} test)",
                graph.undirected_pairs().len(),
                split.train.len(),
                split.test.len()
            )));
        }
        let task = Arc::new(LinkTask { x, train: split.train.clone(), adj: split.train_adjacency() });
        Ok(Self { split, task })
    }

    /// The held-out validation links, when there are any.
    pub fn valid_source(&self, completion: bool) -> Option<HeldOutSource> {
        (!self.split.valid.is_empty()).then(|| {
            HeldOutSource::new(
                Arc::clone(&self.task),
                self.split.valid.clone(),
                self.split.valid_neg.clone(),
                completion,
            )
        })
    }

    /// The held-out test links.
    pub fn test_source(&self, completion: bool) -> HeldOutSource {
        HeldOutSource::new(Arc::clone(&self.task), self.split.test.clone(), self.split.test_neg.clone(), completion)
    }
}

/// How a link predictor trains and is evaluated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkTraining {
    /// Epochs, batch size, learning rates and seed (also the split's seed).
    pub train: LinkTrainConfig,
    /// Fraction of the edges held out for validation (NCN: 0.1).
    pub valid: f64,
    /// Fraction of the edges held out for the test (NCN: 0.2).
    pub test: f64,
    /// K of Hits@K.
    pub k: usize,
}

impl Default for LinkTraining {
    fn default() -> Self {
        Self { train: LinkTrainConfig::default(), valid: 0.1, test: 0.2, k: 50 }
    }
}

/// A held-out evaluation of a link predictor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LinkEvaluation {
    /// Mean loss over the held-out positives and negatives.
    pub loss: f64,
    /// Hits@K, MRR and AUC.
    pub metrics: LinkMetrics,
}

/// A trained link predictor with its problem, run and test evaluation.
#[derive(Debug)]
pub struct LinkOutcome {
    /// The model (evaluation mode).
    pub model: Ncn,
    /// The split it was trained on.
    pub problem: LinkProblem,
    /// The engine's report (incomplete when the run was halted).
    pub report: Report,
    /// Loss, Hits@K, MRR and AUC on the test links.
    pub test: LinkEvaluation,
}

/// Trains `config`'s NCN (or NCNC) on the training edges of `graph` with `trainer` (its run
/// directory, checkpoints, resume, progress and halting; seeded with `training.train.seed`),
/// logging the validation loss every epoch, then evaluates on the test links.
pub fn train_link_predictor(
    graph: &Graph,
    config: &NcnConfig,
    training: &LinkTraining,
    trainer: &Trainer,
) -> Result<LinkOutcome> {
    config.check()?;
    let seed = training.train.seed;
    let problem = LinkProblem::new(graph, training.valid, training.test, seed)?;
    if problem.task.x.dim != config.input {
        return Err(GraphError::Invalid(format!(
            "the graph has {} features per node; the model expects {}",
            problem.task.x.dim, config.input
        )));
    }
    let trainer = trainer.clone().with_seed(seed);
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, seed);
    let model = config.init(&device);
    let completion = model.batch_options().completion;
    let train = crate::ncn::link_train_source(&model, &problem.task, &training.train);
    let valid = problem.valid_source(completion);
    let valid: Option<&dyn kiln_core::train::BatchSource<LinkBatch>> = valid.as_ref().map(|v| v as _);
    let phases = [link_phase(&model, &training.train)];
    let (model, report) = trainer.fit(model, &phases, &train, valid)?;
    let test = evaluate_link_predictor(&model, &problem, training.k, &trainer)?;
    Ok(LinkOutcome { model, problem, report, test })
}

/// Loss, Hits@`k`, MRR and AUC of `model` on the problem's test links.
pub fn evaluate_link_predictor(
    model: &Ncn,
    problem: &LinkProblem,
    k: usize,
    trainer: &Trainer,
) -> Result<LinkEvaluation> {
    let source = problem.test_source(model.batch_options().completion);
    let loss = trainer.evaluate(model, &source)?.loss;
    let (pos, neg) = (&problem.split.test, &problem.split.test_neg);
    let ranking = &problem.split.test_ranking;
    let metrics = evaluate_link_model(model, &problem.task, pos, neg, ranking, k, trainer.device())?;
    Ok(LinkEvaluation { loss, metrics })
}
