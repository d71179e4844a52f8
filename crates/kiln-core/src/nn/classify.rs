//! The shared models as classifiers the engine can train: cross-entropy on their logits,
//! `L = −(1/B) Σ_b log softmax(f(x_b))_{y_b}`.

use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::{Int, Tensor};

use super::{Cnn, Mlp, ResNet};
use crate::train::{ImageBatch, StepContext, StepOutput, TrainModel, VectorBatch};

/// Mean cross-entropy of `logits` `[batch, classes]` against `targets` `[batch]`.
pub fn cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    CrossEntropyLossConfig::new().init(&logits.device()).forward(logits, targets)
}

/// A classification step: logits, cross-entropy, and both for the metrics.
pub fn classification_step(logits: Tensor<2>, targets: Tensor<1, Int>) -> StepOutput {
    let loss = cross_entropy(logits.clone(), targets.clone());
    StepOutput::classification(loss, logits, targets)
}

impl TrainModel for Mlp {
    type Batch = VectorBatch;
    type Stage = ();

    fn step(&self, batch: VectorBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.features), batch.targets)
    }
}

impl TrainModel for Cnn {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.images), batch.targets)
    }
}

impl TrainModel for ResNet {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.images), batch.targets)
    }
}
