//! The BSP-Net training schedule on Kiln's engine: a continuous phase, then a hard phase
//! (§3.4: "we first train with the continuous loss, then fine-tune with the hard one").
//! The official code uses Adam with lr 1e-4 and β₁ = 0.5; the scaled-down runs here use a
//! larger rate.

use burn::prelude::Device;
use kiln_core::train::{BatchSource, OptimizerConfig, Phase, TrainPhase, Trainer};

use super::model::{BspBatch, BspNet, BspStage};
use crate::error::Result;

/// Epochs and optimiser of the two phases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BspSchedule {
    /// Epochs of the continuous phase (phase 0).
    pub continuous_epochs: usize,
    /// Epochs of the hard phase (phase 1).
    pub hard_epochs: usize,
    /// Learning rate of the continuous phase.
    pub lr: f64,
    /// Learning rate of the hard phase.
    pub hard_lr: f64,
    /// Learning rate of the union weights W in the continuous phase. W starts near 0 and `L_W`
    /// pulls it to 1; a W that grows faster than the convexes sharpen saturates `S⁺` and the
    /// run collapses to an empty shape, so keep it ≤ `lr`.
    pub w_lr: f64,
    /// Adam β₁ (0.5 in the official code).
    pub beta1: f32,
}

impl Default for BspSchedule {
    fn default() -> Self {
        Self { continuous_epochs: 20, hard_epochs: 10, lr: 1e-3, hard_lr: 2e-4, w_lr: 1e-3, beta1: 0.5 }
    }
}

impl BspSchedule {
    /// The run's phases: `continuous` then `hard`, in their [`BspStage`]s (the stage selects the
    /// model's forward pass).
    pub fn phases(&self) -> Vec<Phase<BspNet>> {
        let adam = OptimizerConfig::Adam { beta1: self.beta1, beta2: 0.999, epsilon: 1e-8, weight_decay: 0.0 };
        vec![
            Phase::train(
                "continuous",
                TrainPhase::new(self.continuous_epochs, self.lr)
                    .with_optimizer(adam)
                    .with_group_lr("union_w", self.w_lr),
            )
            .in_stage(BspStage::Continuous),
            Phase::train("hard", TrainPhase::new(self.hard_epochs, self.hard_lr).with_optimizer(adam))
                .in_stage(BspStage::Hard),
        ]
    }

    /// Only the continuous phase.
    pub fn continuous_only(&self) -> Vec<Phase<BspNet>> {
        self.phases().into_iter().filter(|p| p.stage == BspStage::Continuous).collect()
    }

    /// Only the hard phase.
    pub fn hard_only(&self) -> Vec<Phase<BspNet>> {
        self.phases().into_iter().skip(1).collect()
    }
}

/// Trains `model` through `phases` on `data` with seed `seed` (no run directory).
pub fn train(
    model: BspNet,
    phases: &[Phase<BspNet>],
    data: &dyn BatchSource<BspBatch>,
    seed: u64,
    device: &Device,
) -> Result<BspNet> {
    let (model, _) = Trainer::new(device.clone()).with_seed(seed).fit(model, phases, data, None)?;
    Ok(model)
}
