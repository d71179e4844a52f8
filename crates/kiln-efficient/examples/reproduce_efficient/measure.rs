//! Memory and time of one training step per method.

use std::time::Instant;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::nn::ResNet;
use kiln_core::train::{BatchSource, ImageBatch, OptimizerConfig, TrainModel, Trainable};
use kiln_efficient::adapter::AdapterResNet;
use kiln_efficient::memory::{adam_state_bytes, grad_bytes, param_bytes, training_device, training_step};
use kiln_efficient::task::{INPUT, TASK_CLASSES};
use kiln_efficient::transfer::{TransferMethod, with_new_head};
use kiln_efficient::unipt::{UniPtClassifier, UniPtConfig};

use kiln_testkit::process_peak_bytes_during as peak_during;

/// What one method costs per step.
#[derive(Debug, Clone, Copy)]
pub struct StepCost {
    /// Peak bytes live during one step above those live before it.
    pub step_peak: usize,
    /// `step_peak` minus the gradients: activations and workspace.
    pub activations: usize,
    /// Parameters, gradients and Adam state.
    pub state: usize,
    /// Trainable parameters.
    pub trainable: usize,
    /// Median seconds per step over the timed steps.
    pub seconds: f64,
}

fn cost<M: TrainModel<Batch = ImageBatch, Stage = ()>>(
    model: M,
    trainable: Trainable,
    trainable_params: usize,
    data: &dyn BatchSource<ImageBatch>,
    device: &Device,
) -> Result<StepCost, Box<dyn std::error::Error>> {
    let ad = training_device(device);
    let total_params = param_bytes(&model);
    let mut model = trainable.apply(model)?.train();
    let mut optim = OptimizerConfig::adam().init();
    // Warm-up: the optimiser's state exists before the measured step.
    (model, _) = training_step(model, data.batch(0, 0, &ad)?, &mut optim, 1e-3, ());
    let batch = data.batch(0, 1, &ad)?;
    let ((m, _), step_peak) = peak_during(|| training_step(model, batch, &mut optim, 1e-3, ()));
    model = m;
    let mut times = Vec::new();
    for i in 0..5 {
        let batch = data.batch(0, 2 + i % data.num_batches().saturating_sub(2).max(1), &ad)?;
        let start = Instant::now();
        (model, _) = training_step(model, batch, &mut optim, 1e-3, ());
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let grads = grad_bytes(trainable_params);
    Ok(StepCost {
        step_peak,
        activations: step_peak.saturating_sub(grads),
        state: total_params + grads + adam_state_bytes(trainable_params),
        trainable: trainable_params,
        seconds: times[times.len() / 2],
    })
}

/// The step cost of `method` on `pretrained`.
pub fn step_cost(
    method: TransferMethod,
    pretrained: &ResNet,
    unipt_out_dim: usize,
    data: &dyn BatchSource<ImageBatch>,
    device: &Device,
) -> Result<StepCost, Box<dyn std::error::Error>> {
    match method {
        TransferMethod::FullFineTune => {
            let model = with_new_head(pretrained, TASK_CLASSES, device);
            let n = model.num_params();
            cost(model, Trainable::All, n, data, device)
        }
        TransferMethod::LinearProbe => {
            let model = with_new_head(pretrained, TASK_CLASSES, device);
            let n = model.head.num_params();
            cost(model, Trainable::only(["head"]), n, data, device)
        }
        TransferMethod::Adapter => {
            let model = AdapterResNet::new(pretrained.clone(), INPUT, TASK_CLASSES, device)?;
            let n = model.trainable_params();
            cost(model, AdapterResNet::trainable(), n, data, device)
        }
        TransferMethod::UniPt => {
            let model = UniPtClassifier::new(
                pretrained.clone().into(),
                INPUT,
                |c| UniPtConfig::small(c, unipt_out_dim),
                TASK_CLASSES,
                device,
            )?;
            let n = model.trainable_params();
            cost(model, UniPtClassifier::trainable(), n, data, device)
        }
    }
}
