//! Data parallelism over several devices: one fork of the model per device, each on its own
//! batch in its own thread; the gradients are summed (scaled by `1/k`) through burn's
//! `MultiGradientsParams` and applied by the optimiser's `step_multi` on the main device.

use burn::optim::{GradientsParams, MultiGradientsParams};
use burn::prelude::Device;

use super::step::{BatchSource, StepContext, StepOutput, TrainModel, fetch};
use crate::error::Result;

/// One step on every replica device: batches `index·stride + offset + d` of the epoch (`stride`
/// the replicas of the whole group, `offset` this process's first; `stride = k`, `offset = 0`
/// alone), forward and backward in parallel threads, gradients scaled by `1/stride`.
pub(super) fn data_parallel_step<M: TrainModel>(
    replicas: &[Device],
    model: &M,
    train: &dyn BatchSource<M::Batch>,
    (epoch, index): (usize, usize),
    (stride, offset): (usize, usize),
    ctx: &StepContext<M::Stage>,
) -> Result<(MultiGradientsParams, Vec<StepOutput>)> {
    let k = replicas.len();
    let scale = 1.0 / stride as f64;
    let results: Vec<Result<(GradientsParams, Device, StepOutput)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = replicas
            .iter()
            .enumerate()
            .map(|(d, device)| {
                let autodiff = device.clone().autodiff();
                let replica = model.clone().fork(&autodiff);
                scope.spawn(move || {
                    let batch = fetch(train, epoch, index * stride + offset + d, &autodiff)?;
                    let (grads, output) = replica.gradients(batch, ctx, scale);
                    Ok((grads, autodiff, output))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut multi = MultiGradientsParams::default();
    let mut outputs = Vec::with_capacity(k);
    for result in results {
        let (grads, device, output) = result?;
        multi.grads.push((grads, device));
        outputs.push(output);
    }
    Ok((multi, outputs))
}
