//! Measurement helpers: parameter and optimiser-state sizes, and one training step driven by
//! hand (so a caller can wrap exactly one step in a heap counter and a clock).
//!
//! The counting itself needs a global allocator, which only a binary may install; the reproduce
//! program (`examples/reproduce_efficient`) installs one and subtracts what these helpers say
//! the parameters, gradients and Adam state occupy.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::Device;
use kiln_core::train::{StepContext, TrainModel};

/// Bytes of one `f32`.
pub const F32_BYTES: usize = 4;

/// Bytes of every parameter of `module` as `f32`.
pub fn param_bytes<M: Module>(module: &M) -> usize {
    module.num_params() * F32_BYTES
}

/// Bytes of the gradients of `trainable` parameters (one `f32` each).
pub fn grad_bytes(trainable: usize) -> usize {
    trainable * F32_BYTES
}

/// Bytes of Adam's state for `trainable` parameters: first and second moments.
pub fn adam_state_bytes(trainable: usize) -> usize {
    2 * trainable * F32_BYTES
}

/// One optimiser step of `model` (already in training mode on an autodiff device, its frozen
/// parameters frozen) on `batch`: forward, backward, update. Returns the updated model and the
/// loss.
pub fn training_step<M: TrainModel>(
    model: M,
    batch: M::Batch,
    optim: &mut ModuleOptimizer,
    lr: f64,
    stage: M::Stage,
) -> (M, f32) {
    let ctx = StepContext { stage, epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: true };
    let output = model.step(batch, &ctx);
    let loss = output.loss.clone().into_scalar::<f32>();
    let grads = GradientsParams::from_grads(output.loss.backward(), &model);
    (optim.step(lr, model, grads), loss)
}

/// The autodiff device a training step runs on, for a plain `device`.
pub fn training_device(device: &Device) -> Device {
    device.clone().inner().autodiff()
}

/// What a device's allocator holds, from burn's `Device::memory_pool_usage()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceMemory {
    /// Bytes of live allocations (padding excluded).
    pub in_use: u64,
    /// Bytes reserved on the device: at least `in_use`, plus pages held for reuse.
    pub reserved: u64,
}

/// The allocator usage of `device` once its queued work has finished: what a GPU holds for
/// the process. `None` on a backend that does not report one (the host backends, whose heap the
/// reproduce program counts with its own allocator) or when the device fails to synchronise.
pub fn device_memory(device: &Device) -> Option<DeviceMemory> {
    device.sync().ok()?;
    device.memory_pool_usage().map(|u| DeviceMemory { in_use: u.bytes_in_use, reserved: u.bytes_reserved })
}
