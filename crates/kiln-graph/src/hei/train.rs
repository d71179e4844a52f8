//! HEI on the kiln-core engine: full-graph batches, a warm-up phase ([`HeiPhase::Warmup`])
//! then the invariant phase, AdamW for the backbone and Adam (lr 1e-3, no decay) for the
//! environment network as a parameter group; Full/High/Low test accuracy.

use std::sync::Arc;

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::train::{BatchSource, Evaluation, OptimizerConfig, Phase, Report, Selection, TrainPhase, Trainer};
use rand::Rng;

use super::config::{HeiConfig, HeiObjective};
use super::data::{node_homophily, split_by_homophily};
use super::environment::standardize;
use super::model::{Hei, HeiBatch};
use super::penalty::HeiPhase;
use crate::error::{GraphError, Result};
use crate::graph::Graph;
use crate::message_passing::index_tensor;
use crate::tasks::NodeSplit;

/// One full-graph batch per epoch over `nodes`.
#[derive(Debug, Clone)]
pub struct HeiSource {
    /// The graph (features and labels).
    pub graph: Arc<Graph>,
    /// Standardised `z`, one per node.
    pub z: Arc<Vec<f32>>,
    /// Random environment of every node (the ablation), `None` otherwise.
    pub random_env: Option<Arc<Vec<usize>>>,
    /// Environments K (width of the one-hot random memberships).
    pub environments: usize,
    /// The counted nodes.
    pub nodes: Vec<usize>,
}

impl BatchSource<HeiBatch> for HeiSource {
    fn num_batches(&self) -> usize {
        1
    }

    fn batch(&self, _epoch: usize, _index: usize, device: &Device) -> kiln_core::Result<HeiBatch> {
        let g = &self.graph;
        let n = g.num_nodes;
        let x = g.x.as_ref().map_or_else(
            || Tensor::zeros([n, 1], device),
            |x| Tensor::from_data(TensorData::new(x.values.clone(), [n, x.dim]), device),
        );
        let graph = g.to_tensors(device);
        let normalized = graph.gcn_norm(true);
        let z = Tensor::from_data(TensorData::new(self.z.as_ref().clone(), [n, 1]), device);
        let random_q = self.random_env.as_ref().map(|env| {
            let k = self.environments;
            let mut q = vec![0.0f32; n * k];
            for (v, &e) in env.iter().enumerate() {
                q[v * k + e] = 1.0;
            }
            Tensor::from_data(TensorData::new(q, [n, k]), device)
        });
        let y = g.y.as_deref().unwrap_or_default();
        let labels: Vec<i64> = self.nodes.iter().map(|&v| y.get(v).map_or(0, |&c| c as i64)).collect();
        Ok(HeiBatch {
            x,
            graph,
            normalized,
            z,
            random_q,
            nodes: index_tensor(&self.nodes, device),
            targets: Tensor::from_data(TensorData::new(labels, [self.nodes.len()]), device),
        })
    }
}

/// The run's phases: `warmup_epochs` in [`HeiPhase::Warmup`], the rest in
/// [`HeiPhase::Invariant`]; AdamW (lr, weight decay) with the environment network as a group
/// at `env_lr` without decay (Adam). ERM runs all epochs in the invariant phase (λ unused).
pub fn hei_phases(config: &HeiConfig) -> Vec<Phase<Hei>> {
    let phase = |epochs: usize| {
        let phase = TrainPhase::new(epochs, config.lr)
            .with_optimizer(OptimizerConfig::AdamW { weight_decay: config.weight_decay as f32 });
        // Only HEI has an environment network to put in its own group.
        if config.objective == HeiObjective::Hei { phase.with_group("environments", config.env_lr, 0.0) } else { phase }
    };
    let warmup = if config.objective == HeiObjective::Erm { 0 } else { config.warmup_epochs };
    let mut phases = Vec::new();
    if warmup > 0 {
        phases.push(Phase::train("warmup", phase(warmup)).in_stage(HeiPhase::Warmup));
    }
    phases.push(Phase::train("invariant", phase(config.epochs - warmup)).in_stage(HeiPhase::Invariant));
    phases
}

/// A trained HEI model with its run and test accuracy on Full, High- and Low-homophily nodes.
#[derive(Debug)]
pub struct HeiOutcome {
    /// The model.
    pub model: Hei,
    /// The engine's report.
    pub report: Report,
    /// All test nodes.
    pub full: Evaluation,
    /// Test nodes at or above the median true homophily.
    pub high: Evaluation,
    /// Test nodes below it.
    pub low: Evaluation,
}

impl HeiOutcome {
    /// `(Full, High, Low)` accuracy.
    pub fn accuracies(&self) -> (f64, f64, f64) {
        let acc = |e: &Evaluation| e.accuracy().unwrap_or(0.0);
        (acc(&self.full), acc(&self.high), acc(&self.low))
    }
}

/// Trains `config` on `split.train` of `graph` (undirected, with `x` and `y`), seeded, keeping
/// the epoch of best validation accuracy and stopping after `config.patience` epochs without
/// improvement (the last epoch when the split has no validation nodes), and evaluates on the
/// test nodes split at the median homophily.
pub fn train_hei(
    graph: &Arc<Graph>,
    split: &NodeSplit,
    config: &HeiConfig,
    seed: u64,
    trainer: &Trainer,
) -> Result<HeiOutcome> {
    config.validate()?;
    split.check(graph.num_nodes)?;
    let x = graph.x.as_ref().ok_or_else(|| GraphError::Invalid("HEI needs node features".into()))?;
    if split.train.is_empty() || split.test.is_empty() {
        return Err(GraphError::Invalid("HEI needs training and test nodes".into()));
    }
    let mut trainer = trainer.clone().with_seed(seed);
    if !split.valid.is_empty() {
        trainer = trainer.with_selection(Selection::max("accuracy").with_patience(config.patience));
    }
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, seed);
    let z = Arc::new(standardize(&config.neighbour_pattern.estimate(graph, x)?, &split.train)?);
    let random_env = (config.objective == HeiObjective::RandomEnvironments).then(|| {
        let mut rng = kiln_core::seed::rng(seed, 302);
        Arc::new((0..graph.num_nodes).map(|_| rng.random_range(0..config.environments)).collect::<Vec<_>>())
    });
    let source = |nodes: &[usize]| HeiSource {
        graph: Arc::clone(graph),
        z: Arc::clone(&z),
        random_env: random_env.clone(),
        environments: config.environments,
        nodes: nodes.to_vec(),
    };
    let model = Hei::new(config, graph.num_nodes, x.dim, &device)?;
    let valid = (!split.valid.is_empty()).then(|| source(&split.valid));
    let valid: Option<&dyn BatchSource<HeiBatch>> = valid.as_ref().map(|v| v as _);
    let (model, report) = trainer.fit(model, &hei_phases(config), &source(&split.train), valid)?;
    let (high, low) = split_by_homophily(&node_homophily(graph)?, &split.test)?;
    let full = trainer.evaluate(&model, &source(&split.test))?;
    let high = trainer.evaluate(&model, &source(&high))?;
    let low = trainer.evaluate(&model, &source(&low))?;
    Ok(HeiOutcome { model, report, full, high, low })
}
