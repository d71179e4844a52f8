//! Training RBF networks on the engine: the objective is the phase's typed stage (enlaight's
//! `RBF` cross-entropy or `RobustRBF`'s robust loss), the components' `[0, 1]` constraint the
//! engine's `after_optimizer_step` hook.

use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{Phase, StepContext, StepOutput, TrainModel, TrainPhase, VectorBatch};
use serde::{Deserialize, Serialize};

use super::model::Rbf;
use crate::cbc::clip_unit;
use crate::cbc::loss::robust_loss;

/// What an RBF phase optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RbfObjective {
    /// enlaight `RBF`'s default: cross-entropy on the class scores.
    #[default]
    CrossEntropy,
    /// enlaight `RobustRBF`: `ReLU(robust_margin − robustness)`.
    Robust,
}

/// A run of an RBF network: one phase of Adam at a constant rate (enlaight's shallow setting).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RbfTraining {
    /// Epochs. Paper: 40.
    pub epochs: usize,
    /// Adam learning rate. Paper: 5e-3.
    pub lr: f64,
    /// Batch size. Paper: 128.
    pub batch_size: usize,
    /// The objective.
    pub objective: RbfObjective,
}

impl RbfTraining {
    /// The paper's shallow setting (`base_script.py`): 40 epochs of Adam 5e-3, batch 128.
    pub fn paper(objective: RbfObjective) -> Self {
        Self { epochs: 40, lr: 5e-3, batch_size: 128, objective }
    }

    /// The phases of the run: one gradient phase in the objective's stage.
    pub fn phases(&self) -> Vec<Phase<Rbf>> {
        let name = match self.objective {
            RbfObjective::CrossEntropy => "cross-entropy",
            RbfObjective::Robust => "robust",
        };
        vec![Phase::train(name, TrainPhase::new(self.epochs, self.lr)).in_stage(self.objective)]
    }
}

impl Rbf {
    /// The loss of `objective` on a batch, with the class scores and both losses' values as
    /// named terms (`cross_entropy`, `robust_loss`, `mean_robustness`).
    pub fn losses(&self, x: Tensor<2>, targets: Tensor<1, Int>, objective: RbfObjective) -> StepOutput {
        let scores = self.class_scores(self.detections(x.clone()));
        let robustness = self.robustness(x, targets.clone());
        let robust = robust_loss(robustness.clone(), self.robust_margin);
        let entropy = cross_entropy(scores.clone(), targets.clone());
        let loss = match objective {
            RbfObjective::CrossEntropy => entropy.clone(),
            RbfObjective::Robust => robust.clone(),
        };
        StepOutput::classification(loss, scores, targets)
            .with_term("cross_entropy", entropy.detach())
            .with_term("robust_loss", robust.detach())
            .with_term("mean_robustness", robustness.detach().mean())
    }
}

impl TrainModel for Rbf {
    type Batch = VectorBatch;
    type Stage = RbfObjective;

    fn step(&self, batch: VectorBatch, ctx: &StepContext<RbfObjective>) -> StepOutput {
        self.losses(batch.features, batch.targets, ctx.stage)
    }

    /// Components back into `[0, 1]` (enlaight's `Components` clip constraint).
    fn after_optimizer_step(mut self) -> Self {
        self.components = clip_unit(self.components);
        self
    }
}
