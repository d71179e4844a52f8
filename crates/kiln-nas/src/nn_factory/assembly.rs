//! Customisation (NN-Factory §3.3, reconstructed): given a task and a MAC budget, one forward
//! of the assembler at the budget's density `s = budget / MACs(full)` gives gate logits `z`;
//! `K` candidate assemblies are the thresholded gates `1[z > 0]` snapped to `s`
//! ([`snap_to_density`]) and `K − 1` draws `g ~ Bernoulli(σ(z))`; each is brought within the
//! budget by switching off its lowest-logit modules (never a layer's last one), and the
//! candidate with the best accuracy (then lowest task cross-entropy) on a few validation
//! images of the task is returned.

use burn::prelude::{Int, Tensor, TensorData};
use burn::tensor::activation::log_softmax;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::assembler::scenario_rows;
use super::config::FactoryConfig;
use super::custom::{CustomNet, CustomSpec, custom_spec, extract};
use super::error::FactoryError;
use super::gates::{Gates, full_macs, smallest_macs};
use super::supernet::select_classes;
use super::task::Task;
use super::train::NnFactory;
use crate::macs::Cost;
use kiln_core::train::ImageBatch;

/// One assembly: a task, the active modules and their analytic cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assembly {
    /// The task (head order).
    pub task: Task,
    /// The active modules.
    pub gates: Gates,
    /// MACs and parameters of the extracted network.
    pub cost: Cost,
    /// Accuracy on the validation images it was chosen on, when it was chosen on some.
    pub validation_accuracy: Option<f64>,
}

impl Assembly {
    /// An assembly of `gates` for `task`, its cost computed from `config`.
    ///
    /// # Errors
    /// When the gates do not fit `config` or a class is out of range.
    pub fn new(task: Task, gates: Gates, config: &FactoryConfig) -> Result<Self, FactoryError> {
        gates.check(config)?;
        task.check(config.num_classes)?;
        let cost = gates.cost(config, task.len());
        Ok(Self { task, gates, cost, validation_accuracy: None })
    }
}

/// Switches off the active module with the lowest `score[l][m]` (in a layer with more than
/// one) until the assembly costs at most `macs`.
///
/// # Errors
/// [`FactoryError::BudgetTooSmall`] when even one module per layer costs more.
pub fn fit_budget(
    mut gates: Gates,
    score: &[Vec<f32>],
    config: &FactoryConfig,
    task_classes: usize,
    macs: u64,
) -> Result<Gates, FactoryError> {
    let smallest = smallest_macs(config, task_classes);
    if macs < smallest {
        return Err(FactoryError::BudgetTooSmall { macs, smallest });
    }
    while gates.cost(config, task_classes).macs > macs {
        let counts = gates.counts();
        let weakest = gates
            .active
            .iter()
            .enumerate()
            .filter(|(l, _)| counts[*l] > 1)
            .flat_map(|(l, layer)| layer.iter().enumerate().filter(|(_, a)| **a).map(move |(m, _)| (l, m)))
            .min_by(|a, b| score[a.0][a.1].total_cmp(&score[b.0][b.1]));
        match weakest {
            Some((l, m)) => gates.active[l][m] = false,
            None => break,
        }
    }
    Ok(gates)
}

/// Moves `gates` toward density `target` (`MACs / MACs(full)` with a head of `task_classes`
/// classes) one module at a time: below the target it switches on the off module with the
/// highest `score[l][m]` whose addition brings the density closer, above it switches off the
/// lowest-scored active one (never a layer's last) that does; it stops when no single switch
/// helps. The result is within half the smallest available step of the target (one module of
/// a middle layer is ~0.05–0.08 of the density in [`FactoryConfig::small`], one of the first
/// or last layer less), where thresholded gates alone move in those coarse steps.
pub fn snap_to_density(
    mut gates: Gates,
    score: &[Vec<f32>],
    config: &FactoryConfig,
    task_classes: usize,
    target: f64,
) -> Gates {
    let full = full_macs(config, task_classes) as f64;
    let error = |g: &Gates| g.cost(config, task_classes).macs as f64 / full - target;
    loop {
        let e = error(&gates);
        let counts = gates.counts();
        // Candidates in preference order: the best-scored off module first when growing, the
        // worst-scored removable one first when shrinking.
        let mut moves: Vec<(usize, usize)> = gates
            .active
            .iter()
            .enumerate()
            .flat_map(|(l, layer)| layer.iter().enumerate().map(move |(m, &a)| (l, m, a)))
            .filter(|&(l, _, a)| if e < 0.0 { !a } else { a && counts[l] > 1 })
            .map(|(l, m, _)| (l, m))
            .collect();
        moves.sort_by(|a, b| score[a.0][a.1].total_cmp(&score[b.0][b.1]));
        if e < 0.0 {
            moves.reverse();
        }
        let better = moves.into_iter().find(|&(l, m)| {
            let mut next = gates.clone();
            next.active[l][m] = !next.active[l][m];
            error(&next).abs() < e.abs()
        });
        match better {
            Some((l, m)) => gates.active[l][m] = !gates.active[l][m],
            None => return gates,
        }
    }
}

/// Customises the factory for tasks and budgets ([`Assembler::assemble`]).
pub struct Assembler<'a> {
    factory: &'a NnFactory,
    validation: Option<ImageBatch>,
    candidates: usize,
    seed: u64,
}

impl<'a> Assembler<'a> {
    /// Customisation with `factory`; without validation images only the thresholded gates
    /// are considered.
    pub fn new(factory: &'a NnFactory) -> Self {
        Self { factory, validation: None, candidates: factory.config.candidates.max(1), seed: 0 }
    }

    /// Validation images (normalised as in training, global class labels); those of the task's
    /// classes rank the candidates.
    pub fn with_validation(mut self, batch: ImageBatch) -> Self {
        self.validation = Some(batch);
        self
    }

    /// Number of candidates `K` (at least 1).
    pub fn with_candidates(mut self, k: usize) -> Self {
        self.candidates = k.max(1);
        self
    }

    /// Seed of the candidate draws.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The assembler's gate logits `[layers][modules]` for `task` at density `s`.
    ///
    /// # Errors
    /// A failed device read.
    pub fn logits(&self, task: &Task, density: f32) -> Result<Vec<Vec<f32>>, FactoryError> {
        let config = &self.factory.config;
        let device = self.factory.supernet.head.weight.device();
        let rows = scenario_rows(&[task], &[density], config.num_classes, &device);
        let z = kiln_core::tensor::try_to_vec(self.factory.assembler.forward(rows))?;
        Ok(z.chunks(config.modules).map(<[f32]>::to_vec).collect())
    }

    /// The assembler's gates for `task` at density `s`: `1[z > 0]` with each layer's largest
    /// logit kept on (as in training), then [`snap_to_density`] toward `s` by logit order.
    ///
    /// # Errors
    /// A bad task or a failed device read.
    pub fn gates(&self, task: &Task, density: f32) -> Result<Gates, FactoryError> {
        let config = &self.factory.config;
        task.check(config.num_classes)?;
        let z = self.logits(task, density)?;
        let gates = keep_largest(thresholded(&z), &z);
        Ok(snap_to_density(gates, &z, config, task.len(), f64::from(density)))
    }

    /// The best assembly for `task` within `macs` MACs. Without validation images of the
    /// task's classes it is the thresholded gates cut to the budget (`validation_accuracy`
    /// `None`).
    ///
    /// # Errors
    /// A bad task ([`Task::check`]), [`FactoryError::BudgetTooSmall`], or a failed device read.
    pub fn assemble(&self, task: &Task, macs: u64) -> Result<Assembly, FactoryError> {
        let config = &self.factory.config;
        task.check(config.num_classes)?;
        let smallest = smallest_macs(config, task.len());
        if macs < smallest {
            return Err(FactoryError::BudgetTooSmall { macs, smallest });
        }
        let density = (macs as f64 / full_macs(config, task.len()) as f64).min(1.0) as f32;
        let z = self.logits(task, density)?;
        let mut rng = kiln_core::seed::rng(self.seed, 3);
        // Candidates: the snapped thresholded gates, then K − 1 Bernoulli(σ(z)) draws (duplicates
        // after the budget cut are scored once).
        let snapped = snap_to_density(keep_largest(thresholded(&z), &z), &z, config, task.len(), f64::from(density));
        let mut candidates = vec![snapped];
        let k = if self.validation.is_some() { self.candidates } else { 1 };
        while candidates.len() < k {
            let sigmoid = |v: f32| 1.0 / (1.0 + (-v).exp());
            let draw = z.iter().map(|l| l.iter().map(|&v| rng.random::<f32>() < sigmoid(v)).collect()).collect();
            candidates.push(Gates { active: draw });
        }
        let mut assemblies = Vec::with_capacity(candidates.len());
        for gates in candidates {
            let gates = fit_budget(keep_largest(gates, &z), &z, config, task.len(), macs)?;
            if assemblies.iter().all(|a: &Assembly| a.gates != gates) {
                assemblies.push(Assembly::new(task.clone(), gates, config)?);
            }
        }
        let rows = match &self.validation {
            Some(batch) => task_rows(batch, task)?,
            None => None,
        };
        let Some(rows) = rows else {
            return assemblies.into_iter().next().ok_or_else(|| FactoryError::InvalidAssembly("no candidate".into()));
        };
        let scores = self.score(&assemblies, &rows)?;
        let mut best: Option<(Assembly, (f64, f64))> = None;
        for (mut assembly, (accuracy, ce)) in assemblies.into_iter().zip(scores) {
            assembly.validation_accuracy = Some(accuracy);
            let score = (accuracy, -ce);
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((assembly, score));
            }
        }
        best.map(|(a, _)| a).ok_or_else(|| FactoryError::InvalidAssembly("no candidate".into()))
    }

    /// Accuracy and mean task cross-entropy of each assembly in the gated supernet on the task
    /// rows, all candidates in one batched forward.
    fn score(
        &self,
        assemblies: &[Assembly],
        (images, local): &(Tensor<4>, Tensor<1, Int>),
    ) -> Result<Vec<(f64, f64)>, FactoryError> {
        let [n, c, h, w] = images.dims();
        let k = assemblies.len();
        let device = images.device();
        let gates = Tensor::cat(assemblies.iter().map(|a| a.gates.to_tensor(n, &device)).collect(), 0);
        let x = images.clone().unsqueeze_dim::<5>(0).repeat_dim(0, k).reshape([k * n, c, h, w]);
        let Some(task) = assemblies.first().map(|a| &a.task) else { return Ok(Vec::new()) };
        let logits = select_classes(self.factory.supernet.forward_gated(x, gates), task.classes());
        let targets = local.clone().unsqueeze_dim::<2>(0).repeat_dim(0, k).reshape([k * n]);
        let log_p = log_softmax(logits.clone(), 1);
        let picked = log_p.gather(1, targets.clone().reshape([k * n, 1])).reshape([k, n]);
        let ce = kiln_core::tensor::try_to_vec(picked.neg().mean_dim(1).reshape([k]))?;
        let hit = logits.argmax(1).reshape([k * n]).equal(targets).float().reshape([k, n]);
        let accuracy = kiln_core::tensor::try_to_vec(hit.mean_dim(1).reshape([k]))?;
        Ok(accuracy.into_iter().zip(ce).map(|(a, e)| (f64::from(a), f64::from(e))).collect())
    }

    /// Extracts `assembly` from the factory's supernet, with its shape for saving.
    ///
    /// # Errors
    /// When the assembly does not fit the factory.
    pub fn extract(&self, assembly: &Assembly) -> Result<(CustomNet, CustomSpec), FactoryError> {
        let config = &self.factory.config;
        Ok((extract(&self.factory.supernet, config, assembly)?, custom_spec(config, assembly)))
    }
}

/// `1[z > 0]` per module.
fn thresholded(z: &[Vec<f32>]) -> Gates {
    Gates { active: z.iter().map(|l| l.iter().map(|&v| v > 0.0).collect()).collect() }
}

/// Switches on the largest-logit module of every layer left without one.
fn keep_largest(mut gates: Gates, z: &[Vec<f32>]) -> Gates {
    for (l, layer) in gates.active.iter_mut().enumerate() {
        if !layer.iter().any(|&a| a) {
            let top = (0..layer.len()).max_by(|&a, &b| z[l][a].total_cmp(&z[l][b])).unwrap_or(0);
            layer[top] = true;
        }
    }
    gates
}

/// The rows of `batch` whose class is in `task`, with task-local labels; `None` when there are
/// none.
///
/// # Errors
/// A failed device read.
pub fn task_rows(batch: &ImageBatch, task: &Task) -> Result<Option<(Tensor<4>, Tensor<1, Int>)>, FactoryError> {
    let targets = batch
        .targets
        .clone()
        .into_data()
        .convert::<i64>()
        .try_into_vec::<i64>()
        .map_err(|e| kiln_core::CoreError::TensorRead(format!("{e:?}")))?;
    let (rows, local): (Vec<i64>, Vec<i64>) = targets
        .iter()
        .enumerate()
        .filter_map(|(i, &t)| task.local(t.max(0) as usize).map(|l| (i as i64, l as i64)))
        .unzip();
    if rows.is_empty() {
        return Ok(None);
    }
    let device = batch.images.device();
    let n = rows.len();
    let idx = Tensor::<1, Int>::from_data(TensorData::new(rows, [n]), &device);
    Ok(Some((batch.images.clone().select(0, idx), Tensor::<1, Int>::from_data(TensorData::new(local, [n]), &device))))
}
