//! `TrainModel::gradients`: the engine takes a step's gradients from the model, so a model with
//! its own backward (a reversible network) is trained by it unchanged.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::Device;
use kiln_core::nn::Mlp;
use kiln_core::train::{OptimizerConfig, Phase, StepContext, StepOutput, TrainModel, TrainPhase, Trainer, VectorBatch};

use crate::common::{Blobs, mlp, params};

/// An MLP whose backward multiplies the loss by `factor` before backpropagating.
#[derive(Module, Debug)]
struct Scaled {
    inner: Mlp,
    factor: f64,
}

impl TrainModel for Scaled {
    type Batch = VectorBatch;
    type Stage = ();

    fn step(&self, batch: VectorBatch, ctx: &StepContext) -> StepOutput {
        self.inner.step(batch, ctx)
    }

    fn gradients(&self, batch: VectorBatch, ctx: &StepContext, scale: f64) -> (GradientsParams, StepOutput) {
        let output = self.step(batch, ctx);
        let grads = GradientsParams::from_grads((output.loss.clone() * (scale * self.factor)).backward(), self);
        (grads, output)
    }
}

fn sgd(lr: f64) -> Vec<Phase<Scaled>> {
    let phase = TrainPhase::new(1, lr).with_optimizer(OptimizerConfig::Sgd { momentum: 0.0, weight_decay: 0.0 });
    vec![Phase::train("sgd", phase)]
}

#[test]
fn the_engine_trains_with_the_models_own_gradients() {
    let device = Device::flex();
    let data = Blobs::new(64, 1, true);
    // One initialisation for every run (burn's RNG is shared with the tests running beside).
    let init = mlp(&device, 5);
    let fit = |factor: f64, lr: f64| {
        let model = Scaled { inner: init.clone(), factor };
        let (model, _) = Trainer::new(device.clone()).with_seed(2).fit(model, &sgd(lr), &data, None).unwrap();
        params(&model.inner)
    };
    let start = params(&init);
    assert_eq!(fit(0.0, 0.1), start, "zero gradients from the model: nothing moves");
    // Plain SGD: doubling the gradient is doubling the rate.
    let (doubled, faster) = (fit(2.0, 0.05), fit(1.0, 0.1));
    for (a, b) in doubled.iter().flatten().zip(faster.iter().flatten()) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
    assert_ne!(faster, start);
}
