//! The contract between a model and the engine: a model turns a batch into named loss terms.

use std::fmt::Debug;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::{Device, Int, Tensor};

use crate::error::{CoreError, Result};

/// What the engine tells a model about the current step.
///
/// `S` is the model's [`TrainModel::Stage`]: the typed kind of the current phase (OFA's elastic
/// dimensions, BSP-Net's continuous or hard phase). Models branch on the stage, never on a
/// phase's name, which is only a label for logs and checkpoints.
#[derive(Debug, Clone)]
pub struct StepContext<S = ()> {
    /// The kind of the current phase.
    pub stage: S,
    /// Epoch within the phase (0-based).
    pub epoch: usize,
    /// Optimiser steps taken in the whole run so far.
    pub global_step: u64,
    /// Index of this step within its epoch (0-based; in evaluation, the batch's index). It
    /// restarts every epoch, unlike `global_step`: ST-ProtoPNet alternates its objectives by
    /// it (the official `for i, batch in enumerate(loader): if i % 2 == 0`).
    pub step_in_epoch: usize,
    /// A seed unique to this step, derived from the run's seed (e.g. to sample a subnet).
    pub step_seed: u64,
    /// `true` while training, `false` in evaluation.
    pub training: bool,
}

/// The output of one step.
#[derive(Debug, Clone)]
pub struct StepOutput {
    /// The scalar the optimiser minimises, shape `[1]`.
    pub loss: Tensor<1>,
    /// Named loss terms (cross-entropy, cluster cost, ...), each shape `[1]`; logged, not
    /// optimised directly.
    pub terms: Vec<(&'static str, Tensor<1>)>,
    /// Class scores `[batch, classes]`, for accuracy and the confusion matrix.
    pub logits: Option<Tensor<2>>,
    /// True classes `[batch]`.
    pub targets: Option<Tensor<1, Int>>,
}

impl StepOutput {
    /// An output with only a loss.
    pub fn loss(loss: Tensor<1>) -> Self {
        Self { loss, terms: Vec::new(), logits: None, targets: None }
    }

    /// A classification output: the loss with the logits and targets it came from.
    pub fn classification(loss: Tensor<1>, logits: Tensor<2>, targets: Tensor<1, Int>) -> Self {
        Self { loss, terms: Vec::new(), logits: Some(logits), targets: Some(targets) }
    }

    /// Adds a named term.
    pub fn with_term(mut self, name: &'static str, value: Tensor<1>) -> Self {
        self.terms.push((name, value));
        self
    }
}

/// A model the engine can train.
pub trait TrainModel: Module + 'static {
    /// What one step consumes. `Send`: the engine builds the next batch on a worker thread
    /// while the current step runs ([`Trainer::with_prefetch`](super::Trainer::with_prefetch)).
    type Batch: Send;

    /// The typed kind of a phase, as this model understands it: `()` for a model that trains
    /// the same way in every phase; an enum for one whose steps differ by phase (OFA's
    /// progressive-shrinking stages, BSP-Net's continuous and hard phases). The default value
    /// is the stage used for evaluation outside a run.
    type Stage: Clone + Debug + Default + Send + Sync + 'static;

    /// Computes the loss (and optionally logits) for one batch. Called with autodiff while
    /// training and without it in evaluation (`ctx.training` says which).
    fn step(&self, batch: Self::Batch, ctx: &StepContext<Self::Stage>) -> StepOutput;

    /// The gradients of one training step of `batch`, of the loss multiplied by `scale` (1 on
    /// one device; `1/k` on each of `k` data-parallel replicas), and the step's output (its
    /// loss unscaled). Default: [`step`](Self::step), then backpropagation through the graph
    /// autodiff recorded. A model with its own backward overrides it: reversible networks
    /// rebuild their activations from the outputs instead of storing them (RevCol).
    fn gradients(&self, batch: Self::Batch, ctx: &StepContext<Self::Stage>, scale: f64) -> (GradientsParams, StepOutput)
    where
        Self: Sized,
    {
        let output = self.step(batch, ctx);
        let loss = if scale == 1.0 { output.loss.clone() } else { output.loss.clone() * scale };
        (GradientsParams::from_grads(loss.backward(), self), output)
    }

    /// Called after every optimiser step, e.g. to re-project parameters onto a constraint set
    /// (ST-ProtoPNet renormalises its prototypes to unit length). Default: unchanged.
    fn after_optimizer_step(self) -> Self
    where
        Self: Sized,
    {
        self
    }
}

/// A source of batches: a data loader, an endless stream of prior samples, a set of target
/// links. Batches are addressed by `(epoch, index)` so that a run is reproducible and a resumed
/// run sees exactly the batches the uninterrupted run would have seen.
pub trait BatchSource<B>: Send + Sync {
    /// Batches in one epoch.
    fn num_batches(&self) -> usize;

    /// Batch `index` of `epoch`, with its tensors on `device`. A source that cannot build the
    /// batch (a failed draw, a feature width that does not match) returns the error, and
    /// [`Trainer::fit`](super::Trainer::fit) stops with it.
    fn batch(&self, epoch: usize, index: usize, device: &Device) -> Result<B>;
}

/// Batch `index` of `epoch`, with the position added to an error that lacks it.
pub(super) fn fetch<B>(source: &dyn BatchSource<B>, epoch: usize, index: usize, device: &Device) -> Result<B> {
    source.batch(epoch, index, device).map_err(|e| match e {
        CoreError::Batch { .. } => e,
        other => CoreError::batch(epoch, index, other),
    })
}
