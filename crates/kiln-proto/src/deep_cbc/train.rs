//! Training deep CBC on the engine: classifier-only fine-tuning, then end to end (the two
//! classification phases of `cbcnet_executor.py`, after its out-of-scope pretraining).

use kiln_core::train::{Phase, TrainPhase, Trainable};
use serde::{Deserialize, Serialize};

use super::model::DeepCbc;

/// The phases of a deep CBC run, each Adam at a constant rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeepCbcTraining {
    /// Epochs training only the head (`epochs_fine_tune`; 0 skips the phase). Paper: 96.
    pub head_epochs: usize,
    /// Learning rate of the head-only phase (`lr_classifier_fine_tune`). Paper: 4.5e-4.
    pub head_lr: f64,
    /// Epochs end to end (`epochs_net`). Paper: 144.
    pub joint_epochs: usize,
    /// Learning rate end to end (`lr_net`). Paper: 2.25e-4.
    pub joint_lr: f64,
    /// Batch size. Paper: 40.
    pub batch_size: usize,
}

impl DeepCbcTraining {
    /// The paper's CUB setting (`cub_resnet_config_base.yaml`).
    pub fn paper() -> Self {
        Self { head_epochs: 96, head_lr: 4.5e-4, joint_epochs: 144, joint_lr: 2.25e-4, batch_size: 40 }
    }

    /// End to end only, `epochs` at `lr` (from random weights the head has nothing to
    /// fine-tune on), batch 64.
    pub fn small(epochs: usize, lr: f64) -> Self {
        Self { head_epochs: 0, head_lr: lr, joint_epochs: epochs, joint_lr: lr, batch_size: 64 }
    }

    /// The phases: `head` when `head_epochs > 0` (only `head.reasoning` trains; the pattern
    /// is not `head`, which the backbone CNN's unused classifier also matches), then `joint`.
    pub fn phases(&self) -> Vec<Phase<DeepCbc>> {
        let mut phases = Vec::new();
        if self.head_epochs > 0 {
            let head =
                TrainPhase::new(self.head_epochs, self.head_lr).with_trainable(Trainable::only(["head.reasoning"]));
            phases.push(Phase::train("head", head));
        }
        phases.push(Phase::train("joint", TrainPhase::new(self.joint_epochs, self.joint_lr)));
        phases
    }
}
