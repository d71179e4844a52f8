//! Training and evaluating link predictors on the shared engine.
//!
//! Loss (NCN's): `L = −mean log σ(s⁺) − mean log σ(−s⁻)`, one negative per positive, a uniform
//! pair that is not a training edge, resampled every epoch. Adam, with the predictor at its own
//! learning rate (NCN tunes the encoder and predictor rates separately). Evaluation scores
//! held-out positives and negatives on the full training graph (no target removal) and reports
//! Hits@K and AUC against the shared negatives and MRR against each positive's own negatives,
//! as OGB computes them.

use std::sync::Arc;

use burn::prelude::{Device, Tensor};
use burn::tensor::activation::softplus;
use kiln_core::tensor::to_vec;
use kiln_core::train::{Phase, StepContext, StepOutput, TrainModel, TrainPhase, Trainer};

use super::batch::{BatchOptions, LinkBatch, LinkTask, LinkTrainSource};
use super::gae::Gae;
use super::model::Ncn;
use crate::error::Result;
use crate::link::{LinkMetrics, RankingNegatives};

/// `−mean_{pos} log σ(s) − mean_{neg} log σ(−s)`; positives come first in `logits`.
pub fn link_loss(logits: Tensor<1>, labels: Tensor<1>, num_pos: usize) -> Tensor<1> {
    let [p] = logits.dims();
    let num_neg = (p - num_pos).max(1) as f64;
    let pos = (softplus(logits.clone().neg(), 1.0) * labels.clone()).sum() / num_pos.max(1) as f64;
    let neg = (softplus(logits, 1.0) * (labels.neg() + 1.0)).sum() / num_neg;
    pos + neg
}

/// A model that scores the targets of a [`LinkBatch`].
pub trait LinkScorer {
    /// Logits `[P]` of the batch's targets.
    fn link_logits(&self, batch: &LinkBatch) -> Tensor<1>;

    /// What batches this model needs.
    fn batch_options(&self) -> BatchOptions;

    /// Module paths of the link predictor, trained at its own learning rate (none: one rate
    /// for the whole model).
    fn predictor_paths(&self) -> &'static [&'static str];
}

impl LinkScorer for Ncn {
    fn link_logits(&self, batch: &LinkBatch) -> Tensor<1> {
        let h = self.encode(batch.x.clone(), &batch.graph);
        self.score(&h, &batch.targets, batch.completion.as_ref())
    }

    fn batch_options(&self) -> BatchOptions {
        BatchOptions {
            remove_targets: self.masks_input(),
            completion: self.completes(),
            predictor_edge_dropout: self.predictor_edge_dropout(),
        }
    }

    fn predictor_paths(&self) -> &'static [&'static str] {
        // The official optimiser's second group: every parameter of the predictor.
        if self.has_xlin() {
            &["xlin", "cn_mlp", "ij_mlp", "out_mlp", "beta"]
        } else {
            &["cn_mlp", "ij_mlp", "out_mlp", "beta"]
        }
    }
}

impl LinkScorer for Gae {
    fn link_logits(&self, batch: &LinkBatch) -> Tensor<1> {
        let h = self.encode(batch.x.clone(), &batch.graph);
        self.score(&h, &batch.targets)
    }

    fn batch_options(&self) -> BatchOptions {
        BatchOptions { remove_targets: false, completion: false, predictor_edge_dropout: 0.0 }
    }

    fn predictor_paths(&self) -> &'static [&'static str] {
        &[]
    }
}

fn link_step(model: &impl LinkScorer, batch: LinkBatch) -> StepOutput {
    let logits = model.link_logits(&batch);
    StepOutput::loss(link_loss(logits, batch.labels, batch.num_pos))
}

impl TrainModel for Ncn {
    type Batch = LinkBatch;
    type Stage = ();

    fn step(&self, batch: LinkBatch, _ctx: &StepContext) -> StepOutput {
        link_step(self, batch)
    }
}

impl TrainModel for Gae {
    type Batch = LinkBatch;
    type Stage = ();

    fn step(&self, batch: LinkBatch, _ctx: &StepContext) -> StepOutput {
        link_step(self, batch)
    }
}

/// How a link predictor is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkTrainConfig {
    /// Epochs over the training edges.
    pub epochs: usize,
    /// Positive links per batch (NCN on Cora: 1152).
    pub batch_size: usize,
    /// Learning rate of the encoder (NCN on Cora: 0.0043).
    pub lr: f64,
    /// Learning rate of the predictor MLPs (NCN on Cora: 0.0024).
    pub predictor_lr: f64,
    /// Seed of shuffles, negatives and initialisation.
    pub seed: u64,
}

impl Default for LinkTrainConfig {
    fn default() -> Self {
        Self { epochs: 20, batch_size: 256, lr: 0.01, predictor_lr: 0.005, seed: 0 }
    }
}

/// The training batches of `model` over the task's training edges.
pub fn link_train_source(model: &impl LinkScorer, task: &Arc<LinkTask>, config: &LinkTrainConfig) -> LinkTrainSource {
    LinkTrainSource {
        task: Arc::clone(task),
        batch_size: config.batch_size,
        options: model.batch_options(),
        seed: config.seed,
    }
}

/// The single phase of link training of `model`: Adam at `config.lr`, its predictor (NCN's
/// `cn_mlp`, `ij_mlp`, `out_mlp`, `beta`) at `config.predictor_lr`.
pub fn link_phase<M: TrainModel + LinkScorer>(model: &M, config: &LinkTrainConfig) -> Phase<M> {
    let mut phase = TrainPhase::new(config.epochs, config.lr);
    for &path in model.predictor_paths() {
        phase = phase.with_group_lr(path, config.predictor_lr);
    }
    Phase::train("link", phase)
}

/// Trains `model` on the task's training edges through the kiln-core engine.
pub fn train_link_model<M>(model: M, task: &Arc<LinkTask>, config: &LinkTrainConfig, device: &Device) -> Result<M>
where
    M: TrainModel<Batch = LinkBatch> + LinkScorer,
{
    let source = link_train_source(&model, task, config);
    let phases = [link_phase(&model, config)];
    let (model, _report) = Trainer::new(device.clone()).with_seed(config.seed).fit(model, &phases, &source, None)?;
    Ok(model)
}

/// Scores `pairs` on the full training graph, in chunks of 2048.
pub fn score_pairs(model: &impl LinkScorer, task: &LinkTask, pairs: &[(usize, usize)], device: &Device) -> Vec<f32> {
    let completion = model.batch_options().completion;
    pairs
        .chunks(2048)
        .flat_map(|chunk| to_vec(model.link_logits(&task.batch(&task.adj, &task.adj, chunk, &[], completion, device))))
        .collect()
}

/// Hits@`k` and AUC of `model` on positives `pos` against the shared negatives `neg`, and MRR
/// against each positive's own negatives `ranking` (OGB's); errors unless `ranking` has a row
/// per positive.
pub fn evaluate_link_model(
    model: &impl LinkScorer,
    task: &LinkTask,
    pos: &[(usize, usize)],
    neg: &[(usize, usize)],
    ranking: &RankingNegatives,
    k: usize,
    device: &Device,
) -> Result<LinkMetrics> {
    let p = score_pairs(model, task, pos, device);
    let n = score_pairs(model, task, neg, device);
    let own = score_pairs(model, task, &ranking.pairs, device);
    LinkMetrics::compute(&p, &n, &own, ranking.per_positive, k)
}
