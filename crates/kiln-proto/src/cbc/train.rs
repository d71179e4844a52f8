//! Training stable CBC on the engine: the objective is the phase's typed stage, the
//! `[0, 1]` constraints are the engine's `after_optimizer_step` hook.

use kiln_core::train::{Phase, StepContext, StepOutput, TrainModel, TrainPhase, VectorBatch};
use serde::{Deserialize, Serialize};

use super::model::{StableCbc, clip_unit};

/// What a stable CBC phase optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CbcObjective {
    /// Robust stable CBC: `ReLU(robust_margin − robustness)` (Theorem 1).
    #[default]
    Robust,
    /// The baseline: `ReLU(s⁻ − s⁺ + margin)` on class scores.
    Margin,
}

/// A run of stable CBC: one phase of Adam at a constant rate (enlaight's shallow setting).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CbcTraining {
    /// Epochs. Paper: 40.
    pub epochs: usize,
    /// Adam learning rate. Paper: 5e-3.
    pub lr: f64,
    /// Batch size. Paper: 128.
    pub batch_size: usize,
    /// The objective.
    pub objective: CbcObjective,
}

impl CbcTraining {
    /// The paper's shallow setting (`base_script.py`): 40 epochs of Adam 5e-3, batch 128.
    pub fn paper(objective: CbcObjective) -> Self {
        Self { epochs: 40, lr: 5e-3, batch_size: 128, objective }
    }

    /// The phases of the run: one gradient phase in the objective's stage.
    pub fn phases(&self) -> Vec<Phase<StableCbc>> {
        let name = match self.objective {
            CbcObjective::Robust => "robust",
            CbcObjective::Margin => "margin",
        };
        vec![Phase::train(name, TrainPhase::new(self.epochs, self.lr)).in_stage(self.objective)]
    }
}

impl TrainModel for StableCbc {
    type Batch = VectorBatch;
    type Stage = CbcObjective;

    fn step(&self, batch: VectorBatch, ctx: &StepContext<CbcObjective>) -> StepOutput {
        self.losses(batch.features, batch.targets, ctx.stage)
    }

    /// Components and requiredness back into `[0, 1]` (enlaight clips after each step).
    fn after_optimizer_step(mut self) -> Self {
        self.components = clip_unit(self.components);
        self.requiredness = clip_unit(self.requiredness);
        self
    }
}
