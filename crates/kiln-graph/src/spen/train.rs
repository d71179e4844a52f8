//! SPEN graph classification on the kiln-core engine: shuffled mini-batches of graphs, their
//! ego-nets built on the host, cross-entropy, AdamW with StepLR(30, 0.1).

use std::sync::Arc;

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::classification_step;
use kiln_core::seed::epoch_order;
use kiln_core::train::{BatchSource, Evaluation, LrSchedule, OptimizerConfig, Phase, Report, StepContext};
use kiln_core::train::{StepOutput, TrainModel, TrainPhase, Trainer};

use super::config::SpenConfig;
use super::model::Spen;
use super::subgraphs::{EgoTensors, check_hops};
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// A mini-batch of graphs as ego-nets, with their classes.
#[derive(Debug, Clone)]
pub struct SpenBatch {
    /// The ego-nets of the batch's disjoint union.
    pub ego: EgoTensors,
    /// Class of each graph `[B]`.
    pub targets: Tensor<1, Int>,
}

impl TrainModel for Spen {
    type Batch = SpenBatch;
    type Stage = ();

    fn step(&self, batch: SpenBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(&batch.ego), batch.targets)
    }
}

/// Shuffled (or ordered) mini-batches of labelled graphs with node features of width `input`,
/// as `hops`-hop ego-nets.
#[derive(Debug, Clone)]
pub struct SpenSource {
    /// The graphs and their classes.
    pub graphs: Arc<Vec<(Graph, usize)>>,
    /// Node feature width F.
    pub input: usize,
    /// Graphs per batch.
    pub batch_size: usize,
    /// Shuffle every epoch (training) or keep the order (evaluation).
    pub shuffle: bool,
    /// Seed of the shuffles.
    pub seed: u64,
    /// Radius k of the ego-nets (≥ 1; [`SpenSource::new`] sets 1).
    pub hops: usize,
}

impl SpenSource {
    /// A source over `graphs`; errors when one has no nodes or features of another width.
    pub fn new(graphs: Arc<Vec<(Graph, usize)>>, input: usize, batch_size: usize) -> Result<Self> {
        for (i, (g, _)) in graphs.iter().enumerate() {
            let width = g.x.as_ref().map_or(1, |x| x.dim);
            if g.num_nodes == 0 || width != input {
                return Err(GraphError::Invalid(format!(
                    "graph {i}: {} nodes, features of width {width}; SPEN expects nodes and width {input}",
                    g.num_nodes
                )));
            }
        }
        Ok(Self { graphs, input, batch_size: batch_size.max(1), shuffle: false, seed: 0, hops: 1 })
    }

    /// The source with `hops`-hop ego-nets; errors when `hops` is 0.
    pub fn with_hops(self, hops: usize) -> Result<Self> {
        check_hops(hops)?;
        Ok(Self { hops, ..self })
    }

    /// The source shuffled every epoch with `seed`.
    pub fn shuffled(self, seed: u64) -> Self {
        Self { shuffle: true, seed, ..self }
    }
}

impl BatchSource<SpenBatch> for SpenSource {
    fn num_batches(&self) -> usize {
        self.graphs.len().div_ceil(self.batch_size.max(1))
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<SpenBatch> {
        let order = epoch_order(self.graphs.len(), self.shuffle.then_some(self.seed), epoch);
        let bs = self.batch_size.max(1);
        let chosen: Vec<usize> = order.into_iter().skip(index * bs).take(bs).collect();
        let parts: Vec<Graph> = chosen.iter().map(|&i| self.graphs[i].0.clone()).collect();
        let merged = Graph::batch(&parts).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        let ego = EgoTensors::with_hops(&merged, self.input, self.hops, device)
            .map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        let labels: Vec<i64> = chosen.iter().map(|&i| self.graphs[i].1 as i64).collect();
        Ok(SpenBatch { ego, targets: Tensor::from_data(TensorData::new(labels, [chosen.len()]), device) })
    }
}

/// How SPEN trains (the official trainer): AdamW without weight decay, StepLR(30, 0.1), batches
/// of 4. The learning rate is MUTAG's 0.0015 (`LEARNING_RATES` of the authors' `config.py`),
/// and 50 epochs (`CHOSEN_EPOCH`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpenTraining {
    /// Epochs.
    pub epochs: usize,
    /// Learning rate.
    pub lr: f64,
    /// Decoupled weight decay.
    pub weight_decay: f32,
    /// Graphs per batch.
    pub batch_size: usize,
    /// The rate is multiplied by `gamma` every `step_every` epochs.
    pub step_every: usize,
    /// StepLR's factor.
    pub gamma: f64,
    /// Seed of the initialisation, dropout and shuffles.
    pub seed: u64,
}

impl Default for SpenTraining {
    fn default() -> Self {
        Self { epochs: 50, lr: 0.0015, weight_decay: 0.0, batch_size: 4, step_every: 30, gamma: 0.1, seed: 0 }
    }
}

impl SpenTraining {
    /// The run's single phase.
    pub fn phases(&self) -> Vec<Phase<Spen>> {
        let phase = TrainPhase::new(self.epochs, self.lr)
            .with_optimizer(OptimizerConfig::AdamW { weight_decay: self.weight_decay })
            .with_schedule(LrSchedule::Step { every: self.step_every, gamma: self.gamma });
        vec![Phase::train("spen", phase)]
    }
}

/// A trained SPEN model with its run and test evaluation.
#[derive(Debug)]
pub struct SpenOutcome {
    /// The model.
    pub model: Spen,
    /// The engine's report.
    pub report: Report,
    /// Loss, accuracy and confusion matrix on the test graphs.
    pub test: Evaluation,
}

/// Trains `config`'s model on `train` (shuffled batches) and evaluates it on `test`, both as
/// `config.hops`-hop ego-nets.
pub fn train_spen(
    train: &Arc<Vec<(Graph, usize)>>,
    test: &Arc<Vec<(Graph, usize)>>,
    config: &SpenConfig,
    training: &SpenTraining,
    trainer: &Trainer,
) -> Result<SpenOutcome> {
    let trainer = trainer.clone().with_seed(training.seed);
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, training.seed);
    let model = config.init(&device)?;
    let source = SpenSource::new(Arc::clone(train), config.input, training.batch_size)?
        .with_hops(config.hops)?
        .shuffled(training.seed);
    let test = SpenSource::new(Arc::clone(test), config.input, training.batch_size)?.with_hops(config.hops)?;
    let (model, report) = trainer.fit(model, &training.phases(), &source, None)?;
    let test = trainer.evaluate(&model, &test)?;
    Ok(SpenOutcome { model, report, test })
}
