//! LATTE node classification on the kiln-core engine: full-graph batches over nodes of the
//! target type, cross-entropy on their logits, Adam with weight decay, Micro/Macro-F1.

use std::sync::Arc;

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::nn::classification_step;
use kiln_core::train::{
    BatchSource, DeviceCache, Evaluation, OptimizerConfig, Phase, Report, StepContext, StepOutput, TrainModel,
};
use kiln_core::train::{Selection, TrainPhase, Trainer};
use rand::Rng;

use super::config::LatteConfig;
use super::model::Latte;
use crate::error::{GraphError, Result};
use crate::hetero::HeteroGraph;
use crate::message_passing::{GraphTensors, index_tensor};
use crate::tasks::NodeSplit;

/// The whole typed graph on a device with the target nodes whose loss counts.
#[derive(Debug, Clone)]
pub struct LatteBatch {
    /// The graph on the host (the joins of higher layers are built from it).
    pub graph: Arc<HeteroGraph>,
    /// Features per type (`None`: featureless).
    pub x: Vec<Option<Tensor<2>>>,
    /// The graph's relations on the device.
    pub relations: Vec<GraphTensors>,
    /// The counted nodes of the target type, `[M]`.
    pub nodes: Tensor<1, Int>,
    /// Their labels, `[M]`.
    pub targets: Tensor<1, Int>,
    /// Sampled negatives per graph relation (LATTE-2proximity), `None` without.
    pub negatives: Option<Vec<GraphTensors>>,
}

impl TrainModel for Latte {
    type Batch = LatteBatch;
    type Stage = ();

    fn step(&self, batch: LatteBatch, _ctx: &StepContext) -> StepOutput {
        let out = self.forward_with_negatives(&batch.graph, &batch.x, &batch.relations, batch.negatives.as_deref());
        let step = classification_step(out.logits.select(0, batch.nodes), batch.targets);
        match out.proximity {
            Some(p) => {
                let ce = step.loss.clone();
                StepOutput { loss: step.loss + p.clone(), ..step }
                    .with_term("cross_entropy", ce)
                    .with_term("proximity", p)
            }
            None => step,
        }
    }
}

/// One full-graph batch per epoch over `nodes` of the target type. Everything but the
/// negatives is resident on the device: uploaded at the first batch on a device, cloned (the
/// clones share the device buffers) in later epochs; the negatives are drawn for each epoch.
/// The fields are read at that first batch: to change the graph, target or nodes, build a new
/// source (a clone starts with no tensors).
#[derive(Debug, Clone)]
pub struct LatteSource {
    /// The typed graph (the target type labelled).
    pub graph: Arc<HeteroGraph>,
    /// The classified type.
    pub target: usize,
    /// The nodes of this set (within the target type).
    pub nodes: Vec<usize>,
    /// Negatives per edge drawn for the proximity loss (0: none).
    pub negatives: usize,
    /// Seed of the negatives (epoch `e` draws from stream `e`).
    pub seed: u64,
    /// The batch without negatives, per device.
    resident: DeviceCache<LatteBatch>,
}

impl LatteSource {
    /// A source over `nodes` of type `target`; errors unless they exist and have a label.
    pub fn new(graph: Arc<HeteroGraph>, target: usize, nodes: Vec<usize>) -> Result<Self> {
        let ty = graph.node_types.get(target).ok_or_else(|| GraphError::Invalid(format!("no node type {target}")))?;
        let y = ty.y.as_ref().ok_or_else(|| GraphError::Invalid(format!("node type `{}` has no labels", ty.name)))?;
        for &v in &nodes {
            if v >= ty.count {
                return Err(GraphError::NodeOutOfRange { id: v, num_nodes: ty.count });
            }
            if y.get(v).is_none_or(Vec::is_empty) {
                return Err(GraphError::Invalid(format!("node {v} of `{}` has no label", ty.name)));
            }
        }
        Ok(Self { graph, target, nodes, negatives: 0, seed: 0, resident: DeviceCache::new() })
    }

    /// The source drawing `negatives` corrupted edges per edge of every relation each epoch
    /// (a uniformly random source of the relation's source type, the target kept), seeded.
    pub fn with_negatives(self, negatives: usize, seed: u64) -> Self {
        Self { negatives, seed, ..self }
    }

    /// The negatives of `epoch` on `device`, one [`GraphTensors`] per relation.
    pub fn sample_negatives(&self, epoch: usize, device: &Device) -> Vec<GraphTensors> {
        let mut rng = kiln_core::seed::rng(self.seed, 7919 + epoch as u64);
        let g = &self.graph;
        g.relations
            .iter()
            .map(|r| {
                let count = g.node_types[r.src_type].count;
                let (mut src, mut dst) = (Vec::new(), Vec::new());
                for _ in 0..self.negatives {
                    for &d in &r.dst {
                        src.push(rng.random_range(0..count.max(1)));
                        dst.push(d);
                    }
                }
                GraphTensors::from_edges(&src, &dst, None, g.node_types[r.dst_type].count, device)
            })
            .collect()
    }
}

impl BatchSource<LatteBatch> for LatteSource {
    fn num_batches(&self) -> usize {
        1
    }

    fn batch(&self, epoch: usize, _index: usize, device: &Device) -> kiln_core::Result<LatteBatch> {
        let resident = self.resident.get_or_build(device, || {
            let g = &self.graph;
            let x = g
                .node_types
                .iter()
                .map(|t| {
                    t.x.as_ref().map(|x| Tensor::from_data(TensorData::new(x.values.clone(), [t.count, x.dim]), device))
                })
                .collect();
            let y = g.node_types[self.target].y.as_deref().unwrap_or_default();
            let labels: Vec<i64> =
                self.nodes.iter().map(|&v| y.get(v).and_then(|l| l.first()).map_or(0, |&c| c as i64)).collect();
            LatteBatch {
                graph: Arc::clone(g),
                x,
                relations: g.relation_tensors(device),
                nodes: index_tensor(&self.nodes, device),
                targets: Tensor::from_data(TensorData::new(labels, [self.nodes.len()]), device),
                negatives: None,
            }
        });
        Ok(LatteBatch { negatives: (self.negatives > 0).then(|| self.sample_negatives(epoch, device)), ..resident })
    }
}

/// How LATTE trains: full-batch Adam (the paper: lr 1e-3, weight decay 1e-2, at most 250 epochs,
/// early stopping with patience 10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatteTraining {
    /// Epochs (one optimiser step each).
    pub epochs: usize,
    /// Learning rate.
    pub lr: f64,
    /// Weight decay.
    pub weight_decay: f32,
    /// Seed of the initialisation and dropout.
    pub seed: u64,
    /// Early stopping: epochs without a lower validation loss before the run stops, the
    /// best epoch's model kept (needs validation nodes); `None` trains every epoch. Default: 10
    /// (the issue's; the official monitor is taken to be the validation loss, Lightning's usual
    /// `val_loss`, unverified).
    pub patience: Option<usize>,
}

impl Default for LatteTraining {
    fn default() -> Self {
        Self { epochs: 250, lr: 1e-3, weight_decay: 1e-2, seed: 0, patience: Some(10) }
    }
}

impl LatteTraining {
    /// The run's single phase.
    pub fn phases(&self) -> Vec<Phase<Latte>> {
        let phase =
            TrainPhase::new(self.epochs, self.lr).with_optimizer(OptimizerConfig::adam_with_decay(self.weight_decay));
        vec![Phase::train("latte", phase)]
    }
}

/// A trained LATTE model with its run and test evaluation.
#[derive(Debug)]
pub struct LatteOutcome {
    /// The model.
    pub model: Latte,
    /// The engine's report.
    pub report: Report,
    /// Loss, accuracy (Micro-F1) and confusion matrix on the test nodes.
    pub test: Evaluation,
}

/// Trains `config`'s model on `split.train` (nodes of `config.target`), validating on
/// `split.valid` when not empty (then with early stopping on the validation loss when
/// `training.patience` is set, the best epoch's model kept), and evaluates on `split.test`.
pub fn train_latte(
    graph: &Arc<HeteroGraph>,
    split: &NodeSplit,
    config: &LatteConfig,
    training: &LatteTraining,
    trainer: &Trainer,
) -> Result<LatteOutcome> {
    let mut trainer = trainer.clone().with_seed(training.seed);
    if let (Some(patience), false) = (training.patience, split.valid.is_empty()) {
        trainer = trainer.with_selection(Selection::min("loss").with_patience(patience));
    }
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, training.seed);
    let model = config.init(graph, &device)?;
    let source = |nodes: &[usize]| LatteSource::new(Arc::clone(graph), config.target, nodes.to_vec());
    let train = source(&split.train)?.with_negatives(model.negatives(), training.seed);
    let valid = if split.valid.is_empty() { None } else { Some(source(&split.valid)?) };
    let valid: Option<&dyn BatchSource<LatteBatch>> = valid.as_ref().map(|v| v as _);
    let (model, report) = trainer.fit(model, &training.phases(), &train, valid)?;
    let test = trainer.evaluate(&model, &source(&split.test)?)?;
    Ok(LatteOutcome { model, report, test })
}

/// Macro-F1 from a confusion matrix (`confusion[target][predicted]`): the mean over classes
/// that occur (as target or prediction) of `2 TP / (2 TP + FP + FN)`. Micro-F1 of single-label
/// classification is the accuracy.
pub fn macro_f1(metrics: &ClassificationMetrics) -> f64 {
    let m = &metrics.confusion;
    let k = m.len();
    let mut scores = Vec::new();
    for c in 0..k {
        let tp = m[c].get(c).copied().unwrap_or(0) as f64;
        let fn_: f64 = m[c].iter().sum::<u64>() as f64 - tp;
        let fp: f64 = (0..k).map(|r| m[r].get(c).copied().unwrap_or(0)).sum::<u64>() as f64 - tp;
        if tp + fn_ + fp > 0.0 {
            scores.push(2.0 * tp / (2.0 * tp + fp + fn_));
        }
    }
    if scores.is_empty() { 0.0 } else { scores.iter().sum::<f64>() / scores.len() as f64 }
}

/// Mean relation-level attention `β` of the target type in each layer: `(relation name, mean β)`
/// for every relation into the type, then `("self", mean β)`. Evaluation-mode forward on
/// `source`'s batch.
pub fn mean_beta(model: &Latte, source: &LatteSource, device: &Device) -> Result<Vec<Vec<(String, f32)>>> {
    let batch = source.batch(0, 0, device)?;
    let out = model.forward(&batch.graph, &batch.x, &batch.relations);
    let t = model.target();
    let mut result = Vec::new();
    for (layer, relations) in out.layers.iter().zip(&out.relations) {
        let means = kiln_core::tensor::try_to_vec(layer.beta[t].clone().mean_dim(0))?;
        let names = relations.iter().filter(|r| r.dst_type == t).map(|r| r.name.clone()).chain(["self".to_string()]);
        result.push(names.zip(means).collect());
    }
    Ok(result)
}
