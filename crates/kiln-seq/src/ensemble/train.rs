//! Training: each subnet is a [`TrainModel`] minimising the mean cross-entropy
//! `L = −(1/B) Σ_b log softmax(f(x_b))_{y_b}`, trained on its own by the kiln-core
//! [`Trainer`] (Adam, cosine schedule); the ensemble is the four trained subnets.

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_core::nn::classification_step;
use kiln_core::seed::{derive_seed, seed_device};
use kiln_core::train::{
    LrSchedule, OptimizerConfig, Phase, Report, StepContext, StepOutput, TrainModel, TrainPhase, Trainer,
};

use super::attention::AttentionNet;
use super::body_part::BodyPartNet;
use super::config::EnsembleConfig;
use super::data::{SkeletonBatch, SkeletonSource};
use super::frame_diff::FrameDiffNet;
use super::fusion::{Ensemble, SubnetKind};
use super::two_stream::TwoStreamNet;
use crate::error::{Result, SeqError};

macro_rules! classifier {
    ($($model:ty),+) => {$(
        impl TrainModel for $model {
            type Batch = SkeletonBatch;
            type Stage = ();

            fn step(&self, batch: SkeletonBatch, _ctx: &StepContext) -> StepOutput {
                classification_step(self.forward(batch.x), batch.targets)
            }
        }
    )+};
}

classifier!(TwoStreamNet, BodyPartNet, AttentionNet, FrameDiffNet);

/// Where and how the four subnets are trained.
#[derive(Debug, Clone)]
pub struct EnsembleRun {
    /// The device (autodiff is added by the engine).
    pub device: Device,
    /// The run's seed: subnet `k` is initialised and trained with `derive_seed(seed, k)`.
    pub seed: u64,
    /// Parent of each subnet's run directory (`<dir>/<subnet>`), for logs and checkpoints.
    pub run_dir: Option<PathBuf>,
    /// Progress bars on stderr.
    pub progress: bool,
}

impl EnsembleRun {
    /// A run on `device` with `seed`, without run directory or progress.
    pub fn new(device: Device, seed: u64) -> Self {
        Self { device, seed, run_dir: None, progress: false }
    }

    /// The engine for subnet `kind`.
    pub fn trainer(&self, kind: SubnetKind) -> Trainer {
        let mut trainer =
            Trainer::new(self.device.clone()).with_seed(self.subnet_seed(kind)).with_progress(self.progress);
        if let Some(dir) = &self.run_dir {
            trainer = trainer.with_run_dir(subnet_dir(dir, kind));
        }
        trainer
    }

    /// The seed of subnet `kind`.
    pub fn subnet_seed(&self, kind: SubnetKind) -> u64 {
        // Lossless: the index is below 4.
        derive_seed(self.seed, 0xE45E_0000 + SubnetKind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u64)
    }
}

/// The phase every subnet trains in: `epochs` of Adam (with L2 decay) at `lr`, cosine-annealed
/// to 1 % of it.
pub fn training_phase<M: TrainModel>(config: &EnsembleConfig) -> Phase<M> {
    let t = &config.train;
    Phase::train(
        "train",
        TrainPhase::new(t.epochs, t.lr)
            .with_optimizer(OptimizerConfig::adam_with_decay(t.weight_decay))
            .with_schedule(LrSchedule::Cosine { min_factor: 0.01 }),
    )
}

fn check_data(config: &EnsembleConfig, data: &SkeletonSource) -> Result<()> {
    if data.joints() != config.joints {
        return Err(SeqError::Shape {
            what: "joints of the skeleton data".into(),
            expected: config.joints.to_string(),
            found: data.joints().to_string(),
        });
    }
    if let Some(&label) = data.labels().iter().find(|&&l| l >= config.classes) {
        return Err(SeqError::Shape {
            what: "class of a skeleton sample".into(),
            expected: format!("below {}", config.classes),
            found: label.to_string(),
        });
    }
    Ok(())
}

fn fit<M: TrainModel<Batch = SkeletonBatch, Stage = ()>>(
    model: M,
    config: &EnsembleConfig,
    train: &SkeletonSource,
    valid: Option<&SkeletonSource>,
    trainer: &Trainer,
) -> Result<(M, Report)> {
    let valid = valid.map(|v| v as &dyn kiln_core::train::BatchSource<SkeletonBatch>);
    Ok(trainer.fit(model, &[training_phase(config)], train, valid)?)
}

/// Trains the four subnets of `ensemble` one after the other, each independently with its own
/// seed and engine run; returns the trained ensemble and each subnet's report (in
/// [`SubnetKind::ALL`] order). `train` is shuffled with the run's seed.
///
/// # Errors
/// [`SeqError::Config`] for an invalid configuration; [`SeqError::Shape`] when the data's
/// joints or classes do not fit the configuration; engine errors.
pub fn train_ensemble(
    config: &EnsembleConfig,
    train: &SkeletonSource,
    valid: Option<&SkeletonSource>,
    run: &EnsembleRun,
) -> Result<(Ensemble, Vec<Report>)> {
    config.validate()?;
    check_data(config, train)?;
    if let Some(v) = valid {
        check_data(config, v)?;
    }
    let train = train.clone().with_batch_size(config.train.batch_size).with_shuffle(derive_seed(run.seed, 0x5A));
    let device = &run.device;
    let mut reports = Vec::with_capacity(4);
    let init = |kind: SubnetKind| seed_device(device, run.subnet_seed(kind));

    init(SubnetKind::TwoStream);
    let (two_stream, r) =
        fit(TwoStreamNet::new(config, device), config, &train, valid, &run.trainer(SubnetKind::TwoStream))?;
    reports.push(r);
    init(SubnetKind::BodyPart);
    let (body_part, r) =
        fit(BodyPartNet::new(config, device), config, &train, valid, &run.trainer(SubnetKind::BodyPart))?;
    reports.push(r);
    init(SubnetKind::Attention);
    let (attention, r) =
        fit(AttentionNet::new(config, device), config, &train, valid, &run.trainer(SubnetKind::Attention))?;
    reports.push(r);
    init(SubnetKind::FrameDiff);
    let (frame_diff, r) =
        fit(FrameDiffNet::new(config, device), config, &train, valid, &run.trainer(SubnetKind::FrameDiff))?;
    reports.push(r);
    Ok((Ensemble { two_stream, body_part, attention, frame_diff }, reports))
}

/// The run directory of subnet `kind` under `dir`.
pub fn subnet_dir(dir: &Path, kind: SubnetKind) -> PathBuf {
    dir.join(kind.name().replace(' ', "_"))
}
