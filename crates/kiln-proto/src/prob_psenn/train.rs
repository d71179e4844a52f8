//! Training Prob-PSENN on the engine: one Adam phase over the whole objective (Li et al.
//! train all four terms jointly from the start); each step draws its prototype sets from the
//! step's seed, so a resumed run samples what the uninterrupted one would have.

use kiln_core::train::{
    BatchSource, Phase, Report, StepContext, StepOutput, TrainModel, TrainPhase, Trainer, VectorBatch,
};
use serde::{Deserialize, Serialize};

use super::model::ProbPsenn;

/// A run of Prob-PSENN: epochs, Adam learning rate and batch size of one joint phase.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProbPsennTraining {
    /// Epochs. Li et al. (MNIST): 1500.
    pub epochs: usize,
    /// Adam learning rate. Li et al.: 0.002.
    pub lr: f64,
    /// Batch size. Li et al.: 250.
    pub batch_size: usize,
}

impl ProbPsennTraining {
    /// Li et al.'s MNIST schedule (`CAE_MNIST.py`): 1500 epochs of Adam at 0.002, batch 250
    /// (their elastic-deformation augmentation is not reproduced).
    pub fn paper() -> Self {
        Self { epochs: 1500, lr: 0.002, batch_size: 250 }
    }

    /// The CPU preset for the 8×8 digits: 120 epochs at 0.005, batch 64.
    pub fn small() -> Self {
        Self { epochs: 120, lr: 0.005, batch_size: 64 }
    }

    /// The phases of the run: one joint gradient phase.
    pub fn phases(&self) -> Vec<Phase<ProbPsenn>> {
        vec![Phase::train("joint", TrainPhase::new(self.epochs, self.lr))]
    }
}

impl TrainModel for ProbPsenn {
    type Batch = VectorBatch;
    type Stage = ();

    /// [`ProbPsenn::losses`] with the configuration's training samples (test samples in
    /// evaluation), drawn from the step's seed.
    fn step(&self, batch: VectorBatch, ctx: &StepContext) -> StepOutput {
        let samples = if ctx.training { self.config.train_samples } else { self.config.test_samples };
        self.losses(batch.features, batch.targets, samples, ctx.step_seed)
    }
}

/// Trains `model` with `trainer` (device, seed, run directory) through `training`'s phases on
/// `data` (vectors in `[0, 1]^n` with their classes).
///
/// # Errors
/// The engine's: a batch the source cannot build, a checkpoint that cannot be written.
pub fn train(
    model: ProbPsenn,
    training: &ProbPsennTraining,
    data: &dyn BatchSource<VectorBatch>,
    trainer: &Trainer,
) -> kiln_core::Result<(ProbPsenn, Report)> {
    trainer.fit(model, &training.phases(), data, None)
}
