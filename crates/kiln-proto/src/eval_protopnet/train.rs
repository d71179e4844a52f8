//! [`EvalProtoPNetSchedule`]: EvalProtoPNet's training schedule (hqhQAQ/EvalProtoPNet,
//! `main.py`, `scripts/train.sh`) as engine phases.
//!
//! Official, 12 epochs `e = 0..11`, Adam throughout, no push and no last-layer stage:
//! - warm-up `e = 0..4`: add-on layer 3e-3 (weight decay 1e-3), prototypes 3e-3, SA weights
//!   1e-6; backbone frozen; the loss without SDFA;
//! - joint `e = 5..11`: backbone 1e-4 and add-on layer 3e-3 (both weight decay 1e-3),
//!   prototypes 3e-3, SA weights 1e-6, `StepLR(step_size = 3, γ = 0.2)`; the loss with SDFA.
//!
//! Here: a warm-up phase ([`PrototypeStage::WarmUp`]) and a joint phase
//! ([`PrototypeStage::Joint`] round 1) under [`LrSchedule::Step`]. Deviations: the official
//! scheduler is stepped *before* every joint epoch, so its decays fall after joint epochs 2 and
//! 5; `LrSchedule::Step` decays after joint epochs 3 and 6. The dense last layer of the
//! ablation without SA is in no phase, as no official phase would train it.

use kiln_core::train::{LrSchedule, Phase, TrainPhase, Trainable};
use serde::{Deserialize, Serialize};

use super::model::EvalProtoPNet;
use crate::schedule::{JointRates, PrototypeStage, warm_up_phase};

/// Module path of SA's weights.
const SA_WEIGHTS: &str = "activation_weight";

/// Epochs and learning rates of an EvalProtoPNet run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalProtoPNetSchedule {
    /// Warm-up epochs (official: 5).
    pub warm_epochs: usize,
    /// Joint epochs (official: 7, epochs 5–11).
    pub joint_epochs: usize,
    /// Learning rate of the add-on layer and the prototypes (official: 3e-3).
    pub add_on_lr: f64,
    /// Learning rate of the backbone in the joint phase (official: 1e-4).
    pub features_lr: f64,
    /// Learning rate of SA's weights (official: 1e-6).
    pub sa_lr: f64,
    /// Weight decay of the backbone and add-on layer (official: 1e-3).
    pub weight_decay: f32,
    /// Joint StepLR period in epochs and factor (official: 3, 0.2).
    pub joint_step: (usize, f64),
}

impl Default for EvalProtoPNetSchedule {
    fn default() -> Self {
        Self::new()
    }
}

impl EvalProtoPNetSchedule {
    /// The official schedule: warm 5, joint 7 with decays every 3 epochs.
    pub fn new() -> Self {
        Self {
            warm_epochs: 5,
            joint_epochs: 7,
            add_on_lr: 3e-3,
            features_lr: 1e-4,
            sa_lr: 1e-6,
            weight_decay: 1e-3,
            joint_step: (3, 0.2),
        }
    }

    /// The CPU preset for a backbone trained from scratch (the paper's 1e-4 assumes an
    /// ImageNet backbone), as [`crate::ProtoPNetSchedule::small`]: warm 2, joint 12 with the
    /// backbone at 3e-3 and one decay by 0.2 after 10 epochs.
    pub fn small() -> Self {
        Self { warm_epochs: 2, joint_epochs: 12, features_lr: 3e-3, joint_step: (10, 0.2), ..Self::new() }
    }

    /// The warm-up and joint phases.
    pub fn phases(&self) -> Vec<Phase<EvalProtoPNet>> {
        let rates = JointRates { features: self.features_lr, add_on: self.add_on_lr, weight_decay: self.weight_decay };
        let (every, gamma) = self.joint_step;
        let warm = warm_up_phase(self.warm_epochs, self.add_on_lr, self.weight_decay);
        let joint = rates.phase(self.joint_epochs, LrSchedule::Step { every, gamma });
        vec![
            Phase::train("warm_up", self.with_sa_weights(warm)),
            Phase::train("joint", self.with_sa_weights(joint)).in_stage(PrototypeStage::Joint { round: 1 }),
        ]
    }

    /// `phase` with SA's weights trained too, at their own rate.
    fn with_sa_weights(&self, mut phase: TrainPhase) -> TrainPhase {
        if let Trainable::Only(paths) = &mut phase.trainable {
            paths.push(SA_WEIGHTS.into());
        }
        phase.with_group_lr(SA_WEIGHTS, self.sa_lr)
    }
}
