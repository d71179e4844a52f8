//! Training APEN and the baselines on Kiln's engine: one typed phase of Adam on
//! [`super::loss::part_loss`]. APEN's steps also log the bound's two terms for
//! every partition (`uncert_l`, `merge_l`, see [`super::loss`]).

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::train::{BatchSource, Phase, Report, StepContext, StepOutput, TrainModel, TrainPhase, Trainer};

use super::baselines::{GlobalFa, PointNet};
use super::batch::ApenBatch;
use super::evaluate::Prediction;
use super::loss::{cross_merge_rate, part_loss, partition_uncertainty};
use super::model::Apen;
use crate::error::Result;

/// The stage of a part-segmentation phase (one kind: joint training of all terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartStage {
    /// All parameters on the whole loss.
    #[default]
    Joint,
}

/// Names of the logged bound terms of partitions 0–5.
const UNCERTAINTY: [&str; 6] = ["uncert_0", "uncert_1", "uncert_2", "uncert_3", "uncert_4", "uncert_5"];
const MERGE: [&str; 6] = ["merge_0", "merge_1", "merge_2", "merge_3", "merge_4", "merge_5"];

/// The step of any part segmenter: the loss and its terms.
fn prediction_step(p: Prediction, batch: &ApenBatch) -> StepOutput {
    let loss = part_loss(p.logits, p.class_logits, p.vectors, batch);
    StepOutput::loss(loss.total)
        .with_term("part_ce", loss.part_ce)
        .with_term("class_ce", loss.class_ce)
        .with_term("centre", loss.centre)
}

impl TrainModel for Apen {
    type Batch = ApenBatch;
    type Stage = PartStage;

    fn step(&self, batch: ApenBatch, _ctx: &StepContext<PartStage>) -> StepOutput {
        let out = self.forward(batch.points.clone(), batch.fine.clone());
        let device = batch.points.device();
        let mut step = prediction_step(
            Prediction { logits: out.logits, class_logits: out.class_logits, vectors: out.vectors },
            &batch,
        );
        for (l, z) in out.partitions.iter().enumerate().take(UNCERTAINTY.len()) {
            let merge = cross_merge_rate(z, &batch.parts) as f32;
            step = step
                .with_term(UNCERTAINTY[l], partition_uncertainty(z.clone().detach()))
                .with_term(MERGE[l], Tensor::from_data(TensorData::new(vec![merge], [1]), &device));
        }
        step
    }
}

impl TrainModel for PointNet {
    type Batch = ApenBatch;
    type Stage = PartStage;

    fn step(&self, batch: ApenBatch, _ctx: &StepContext<PartStage>) -> StepOutput {
        prediction_step(self.forward(batch.points.clone()), &batch)
    }
}

impl TrainModel for GlobalFa {
    type Batch = ApenBatch;
    type Stage = PartStage;

    fn step(&self, batch: ApenBatch, _ctx: &StepContext<PartStage>) -> StepOutput {
        prediction_step(self.forward(batch.points.clone()), &batch)
    }
}

/// Epochs, learning rate and step cap of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartSchedule {
    /// Epochs.
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Cap on steps per epoch (`None`: a full pass).
    pub max_steps_per_epoch: Option<usize>,
}

impl Default for PartSchedule {
    fn default() -> Self {
        Self { epochs: 10, lr: 2e-3, max_steps_per_epoch: None }
    }
}

impl PartSchedule {
    /// The run's phases: one `joint` phase.
    pub fn phases<M: TrainModel<Stage = PartStage>>(&self) -> Vec<Phase<M>> {
        let mut phase = TrainPhase::new(self.epochs, self.lr);
        if let Some(s) = self.max_steps_per_epoch {
            phase = phase.with_max_steps_per_epoch(s);
        }
        vec![Phase::train("joint", phase).in_stage(PartStage::Joint)]
    }
}

/// Trains `model` on `data` with seed `seed` (no run directory, no progress bar).
pub fn train<M: TrainModel<Batch = ApenBatch, Stage = PartStage>>(
    model: M,
    schedule: &PartSchedule,
    data: &dyn BatchSource<ApenBatch>,
    seed: u64,
    device: &Device,
) -> Result<(M, Report)> {
    let phases = schedule.phases::<M>();
    Ok(Trainer::new(device.clone()).with_seed(seed).with_progress(false).fit(model, &phases, data, None)?)
}
