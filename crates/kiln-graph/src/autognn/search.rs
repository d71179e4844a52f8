//! The search loop (Auto-GNN §4): the conservative explorer keeps the `k` best architectures
//! found so far with their trained weights; each step the controller ([`Controller`]) changes
//! one action class of one of them (drawn uniformly), the child inherits the parent's
//! homogeneous layers ([`inherit`]) and trains for fewer epochs when it did, and its
//! validation gain over the parent is the controller's reward. Random search at an equal
//! number of trained architectures is the baseline ([`AutoGnn::random_baseline`]).
//!
//! Both return a kiln-nas [`SearchTrace`] with one objective, the validation accuracy
//! (maximised, reference 0), whose hypervolume curve is the best accuracy so far.

use std::collections::HashSet;
use std::time::Instant;

use burn::prelude::Device;
use kiln_nas::search::{
    Evaluator, Objective, Problem, RandomConfig, SearchError, SearchSpace, SearchTrace, random_search,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::config::AutoGnnConfig;
use super::controller::Controller;
use super::data::AutoGnnTask;
use super::model::{AutoGnnModel, train_child};
use super::sharing::inherit;

/// Random stream of the parent draws and the first architecture.
const STREAM: u64 = 0x4147_4E4E;

/// Proposals tried before a child already evaluated is accepted again.
const RETRIES: usize = 10;

/// One trained architecture of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildRecord {
    /// Its encoding.
    pub encoding: Vec<usize>,
    /// The evaluation it was derived from (`None`: the first, random architecture).
    pub parent: Option<usize>,
    /// The gene (action class) changed from the parent.
    pub gene: Option<usize>,
    /// Which layers inherited the parent's weights.
    pub inherited: Vec<bool>,
    /// Epochs trained.
    pub epochs: usize,
    /// Best validation accuracy.
    pub accuracy: f64,
    /// The controller's reward, `accuracy − parent's accuracy`.
    pub reward: Option<f64>,
    /// Wall-clock seconds of its training.
    pub seconds: f64,
}

/// The result of [`AutoGnn::search`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoGnnSearch {
    /// Every child in order, as a kiln-nas trace (objective: validation accuracy).
    pub trace: SearchTrace,
    /// Every child with its lineage.
    pub children: Vec<ChildRecord>,
}

impl AutoGnnSearch {
    /// Index of the child of best validation accuracy (the first on ties).
    pub fn best(&self) -> Option<usize> {
        (0..self.children.len())
            .reduce(|a, b| if self.children[b].accuracy > self.children[a].accuracy { b } else { a })
    }

    /// The best validation accuracy (0 when empty).
    pub fn best_accuracy(&self) -> f64 {
        self.best().map_or(0.0, |i| self.children[i].accuracy)
    }
}

/// The search problem: validation accuracy over the space's encodings, reference 0.
fn problem(space: SearchSpace) -> Result<Problem, SearchError> {
    Problem::new(space, vec![Objective::maximize("valid_accuracy")], vec![0.0])
}

/// A failed child as a search error.
fn failed(encoding: &[usize], e: impl ToString) -> SearchError {
    SearchError::Evaluation { encoding: encoding.to_vec(), message: e.to_string() }
}

/// Auto-GNN's reinforced conservative search.
#[derive(Debug)]
pub struct AutoGnn {
    config: AutoGnnConfig,
    device: Device,
}

impl AutoGnn {
    /// A search with `config` on the flex (CPU) device.
    pub fn new(config: AutoGnnConfig) -> Self {
        Self { config, device: Device::flex() }
    }

    /// The same search on `device`.
    pub fn with_device(mut self, device: Device) -> Self {
        self.device = device;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &AutoGnnConfig {
        &self.config
    }

    /// Builds and trains encoding `enc` (from scratch, or inheriting from `parent`).
    fn train(
        &self,
        task: &AutoGnnTask,
        enc: &[usize],
        parent: Option<&AutoGnnModel>,
        seed: u64,
    ) -> Result<(AutoGnnModel, Vec<bool>, usize, f64), SearchError> {
        let arch = self.config.space.decode(enc, task.classes)?;
        let child = &self.config.child;
        let model = arch.init(task.input(), child, &self.device);
        let (model, inherited) = match parent {
            Some(p) if self.config.share => inherit(model, p),
            _ => {
                let n = model.layers.len();
                (model, vec![false; n])
            }
        };
        let epochs = if inherited.iter().any(|&i| i) { child.inherit_epochs } else { child.epochs };
        let (model, acc) = train_child(model, &task.graph, &task.split, child, epochs, seed, &self.device)
            .map_err(|e| failed(enc, e))?;
        Ok((model, inherited, epochs, acc))
    }

    /// Trains `budget` children: a random first architecture, then one-step mutations of the
    /// top-`k` proposed by the controller.
    ///
    /// # Errors
    /// [`SearchError::EmptySpace`] (or `ZeroChoices`) for an empty space, `InvalidConfig` for a
    /// zero budget or `top_k`, `Evaluation` when a child cannot be trained.
    pub fn search(&self, task: &AutoGnnTask, budget: usize) -> Result<AutoGnnSearch, SearchError> {
        let space = self.config.space.search_space()?;
        if budget == 0 || self.config.top_k == 0 {
            return Err(SearchError::InvalidConfig("the budget and top_k must be positive".into()));
        }
        let problem = problem(space.clone())?;
        let seed = self.config.seed;
        let mut rng = kiln_core::seed::rng(seed, STREAM);
        let mut controller = Controller::new(space.clone(), &self.config, &self.device);
        let mut children: Vec<ChildRecord> = Vec::with_capacity(budget);
        let mut seen = HashSet::new();
        // The conservative explorer: (accuracy, child index, trained model), best first.
        let mut top: Vec<(f64, usize, AutoGnnModel)> = Vec::new();
        for t in 0..budget {
            let child_seed = kiln_core::seed::derive_seed(seed, t as u64);
            let start = Instant::now();
            let (record, model) = if top.is_empty() {
                let enc = space.sample(&mut rng);
                let (model, inherited, epochs, accuracy) = self.train(task, &enc, None, child_seed)?;
                let seconds = start.elapsed().as_secs_f64();
                let record = ChildRecord {
                    encoding: enc,
                    parent: None,
                    gene: None,
                    inherited,
                    epochs,
                    accuracy,
                    reward: None,
                    seconds,
                };
                (record, model)
            } else {
                let (parent_acc, parent_idx, parent_model) = &top[rng.random_range(0..top.len())];
                let parent_enc = children[*parent_idx].encoding.clone();
                let mut proposal = controller.propose(&parent_enc)?;
                for _ in 0..RETRIES {
                    if !seen.contains(&proposal.child) {
                        break;
                    }
                    proposal = controller.propose(&parent_enc)?;
                }
                let (model, inherited, epochs, accuracy) =
                    self.train(task, &proposal.child, Some(parent_model), child_seed)?;
                let reward = accuracy - parent_acc;
                controller.reinforce(&parent_enc, &proposal, reward);
                let seconds = start.elapsed().as_secs_f64();
                let record = ChildRecord {
                    encoding: proposal.child,
                    parent: Some(*parent_idx),
                    gene: Some(proposal.gene),
                    inherited,
                    epochs,
                    accuracy,
                    reward: Some(reward),
                    seconds,
                };
                (record, model)
            };
            seen.insert(record.encoding.clone());
            let pos = top.iter().position(|(a, _, _)| record.accuracy > *a).unwrap_or(top.len());
            if pos < self.config.top_k {
                top.insert(pos, (record.accuracy, t, model));
                top.truncate(self.config.top_k);
            }
            children.push(record);
        }
        let evaluations = children.iter().map(|c| (c.encoding.clone(), vec![c.accuracy])).collect();
        Ok(AutoGnnSearch { trace: SearchTrace::from_evaluations(&problem, evaluations)?, children })
    }

    /// Random search over the same space at `budget` architectures, each trained from scratch
    /// for `child.epochs` (kiln-nas's [`random_search`]).
    ///
    /// # Errors
    /// As [`Self::search`].
    pub fn random_baseline(&self, task: &AutoGnnTask, budget: usize) -> Result<SearchTrace, SearchError> {
        let problem = problem(self.config.space.search_space()?)?;
        let mut count = 0u64;
        let mut eval = ChildEvaluator { search: self, task, count: &mut count };
        random_search(&problem, &mut eval, &RandomConfig { budget, seed: self.config.seed })
    }
}

/// Trains an encoding from scratch and returns its validation accuracy.
struct ChildEvaluator<'a> {
    search: &'a AutoGnn,
    task: &'a AutoGnnTask,
    count: &'a mut u64,
}

impl Evaluator for ChildEvaluator<'_> {
    fn evaluate(&mut self, enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        let seed = kiln_core::seed::derive_seed(self.search.config.seed, *self.count);
        *self.count += 1;
        let (_, _, _, acc) = self.search.train(self.task, enc, None, seed)?;
        Ok(vec![acc])
    }
}
