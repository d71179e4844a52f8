//! Training: minimise the masked cross-entropy of the target pointers (§2.3: maximise
//! `Σ log p(C^P | P; θ)` over the training pairs), `L = −Σ_{b,i} m_{b,i} log p(C_i | C_<i, P)
//! / Σ m`, with each parameter's gradient clipped to L2 norm 2.0 (§4).
//!
//! [`fit`] runs its own loop over a [`BatchSource`] because kiln-core's engine has no gradient
//! clipping; [`PointerNet`] also implements [`TrainModel`] (teacher forcing, no clipping) so
//! it can run on the engine's [`Trainer`](kiln_core::train::Trainer).

use burn::module::Module;
use burn::optim::grad_clipping::GradientClipping;
use burn::optim::{AdamConfig, GradientsParams, SgdConfig};
use burn::prelude::Device;
use kiln_core::seed::{derive_seed, rng};
use kiln_core::train::{BatchSource, StepContext, StepOutput, TrainModel};
use serde::{Deserialize, Serialize};

use super::model::{Feed, PointerNet};
use super::task::PointerBatch;
use crate::batch::masked_cross_entropy;
use crate::decode::TeacherForcing;
use crate::error::{Result, SeqError};

/// The optimiser of a [`PointerTrainConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PointerOptimizer {
    /// Plain SGD (the paper: learning rate 1.0).
    Sgd,
    /// Adam (β = 0.9, 0.999), the CPU preset's faster route.
    Adam,
}

/// A training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointerTrainConfig {
    /// Passes over the training examples.
    pub epochs: usize,
    /// Examples per optimiser step.
    pub batch_size: usize,
    /// Learning rate of the first epoch.
    pub lr: f64,
    /// Factor on the learning rate after every epoch (epoch e trains at `lr · lr_decay^e`);
    /// 1.0 keeps it constant, as the paper.
    #[serde(default = "constant_lr")]
    pub lr_decay: f64,
    /// The optimiser.
    pub optimizer: PointerOptimizer,
    /// L2 norm each parameter's gradient is clipped to (0: no clipping).
    pub clip_norm: f32,
    /// Teacher-forcing ratio over the steps.
    pub teacher_forcing: TeacherForcing,
    /// Seed of the teacher-forcing draws.
    pub seed: u64,
}

impl PointerTrainConfig {
    /// The paper's settings (§4): SGD with learning rate 1.0, batch 128, gradient norm clipped
    /// to 2.0, teacher forcing; one epoch over the (paper: 1M) examples.
    pub fn new() -> Self {
        Self {
            epochs: 1,
            batch_size: 128,
            lr: 1.0,
            lr_decay: 1.0,
            optimizer: PointerOptimizer::Sgd,
            clip_norm: 2.0,
            teacher_forcing: TeacherForcing::Constant(1.0),
            seed: 0,
        }
    }

    /// The CPU preset: Adam at 1e-3, batch 128, clip 2.0, teacher forcing.
    pub fn small() -> Self {
        Self { lr: 1e-3, optimizer: PointerOptimizer::Adam, ..Self::new() }
    }

    /// The same run for `epochs` passes.
    pub fn with_epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }

    /// The same run with another seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

fn constant_lr() -> f64 {
    1.0
}

impl Default for PointerTrainConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl TrainModel for PointerNet {
    type Batch = PointerBatch;
    type Stage = ();

    fn step(&self, batch: PointerBatch, _ctx: &StepContext) -> StepOutput {
        let lp = self.forward(&batch);
        StepOutput::loss(masked_cross_entropy(lp, batch.targets, batch.target_mask))
    }
}

/// The masked cross-entropy of `batch`'s targets with the decoder fed as `feed`, shape `[1]`.
pub fn loss(model: &PointerNet, batch: &PointerBatch, feed: &Feed) -> burn::prelude::Tensor<1> {
    let lp = model.forward_fed(batch, feed);
    masked_cross_entropy(lp, batch.targets.clone(), batch.target_mask.clone())
}

/// Trains `model` on `data` (batches built on `device` with autodiff). Returns the model in
/// evaluation mode and the mean training loss of each epoch.
///
/// # Errors
/// [`SeqError::Config`] for a non-positive learning rate, a batch the source cannot build, a
/// loss that cannot be read, or a non-finite loss (training diverged).
pub fn fit(
    model: PointerNet,
    data: &dyn BatchSource<PointerBatch>,
    config: &PointerTrainConfig,
    device: &Device,
) -> Result<(PointerNet, Vec<f32>)> {
    if config.lr.is_nan() || config.lr <= 0.0 {
        return Err(SeqError::Config { field: "lr", value: config.lr.to_string(), reason: "must be positive" });
    }
    if !(config.lr_decay > 0.0 && config.lr_decay <= 1.0) {
        return Err(SeqError::Config {
            field: "lr_decay",
            value: config.lr_decay.to_string(),
            reason: "must lie in (0, 1]",
        });
    }
    let mut optim = match config.optimizer {
        PointerOptimizer::Sgd => SgdConfig::new().init(),
        PointerOptimizer::Adam => AdamConfig::new().init(),
    };
    if config.clip_norm > 0.0 {
        optim = optim.with_grad_clipping(GradientClipping::Norm(config.clip_norm));
    }
    let autodiff = device.clone().autodiff();
    let mut model = model.fork(&autodiff).train();
    let mut losses = Vec::with_capacity(config.epochs);
    let mut step = 0u64;
    for epoch in 0..config.epochs {
        let lr = config.lr * config.lr_decay.powi(epoch as i32);
        let (mut sum, mut count) = (0.0f32, 0usize);
        for index in 0..data.num_batches() {
            let batch = data.batch(epoch, index, &autodiff)?;
            let [b, l] = batch.targets.dims();
            let mut r = rng(derive_seed(config.seed, step), 7);
            let flags = config.teacher_forcing.draw(step, b * l, &mut r);
            let feed = if flags.iter().all(|&f| f) { Feed::Target } else { Feed::Mixed(flags) };
            let loss = loss(&model, &batch, &feed);
            let value = kiln_core::tensor::try_to_vec(loss.clone().detach())?.first().copied().unwrap_or(f32::NAN);
            if !value.is_finite() {
                return Err(SeqError::NonFinite { what: format!("training loss at step {step}"), index: 0, value });
            }
            sum += value;
            count += 1;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(lr, model, grads);
            step += 1;
        }
        losses.push(sum / count.max(1) as f32);
    }
    Ok((model.valid(), losses))
}
