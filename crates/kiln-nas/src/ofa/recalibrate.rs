//! Batch-norm recalibration (OFA §3.3, `set_running_statistics`): running statistics shared by
//! every subnet during training describe none of them, so before a subnet is evaluated its BN
//! statistics are re-estimated on a few training batches, as a cumulative average (momentum
//! `1/(i+1)` at batch `i`).

use burn::module::{Module, RunningState};
use burn::nn::BatchNorm;
use burn::prelude::{Device, Tensor};
use kiln_core::train::{BatchSource, ImageBatch};

use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;

fn reset(norm: &mut BatchNorm, momentum: f64) {
    norm.momentum = momentum;
    let mean = norm.running_mean.value();
    norm.running_mean = RunningState::new(mean.zeros_like());
    norm.running_var = RunningState::new(norm.running_var.value().ones_like());
}

impl OfaSupernet {
    fn norms_mut(&mut self) -> Vec<&mut BatchNorm> {
        let mut norms = vec![&mut self.stem_norm];
        for block in self.units.iter_mut().flatten() {
            norms.push(&mut block.expand_norm);
            norms.push(&mut block.depthwise_norm);
            norms.push(&mut block.project_norm);
        }
        norms
    }

    /// The supernet (in evaluation mode) with its BN statistics re-estimated for `cfg` on the
    /// first `batches` batches of `data`.
    ///
    /// # Errors
    /// When the source cannot build a batch.
    pub fn recalibrate_bn(
        &self,
        cfg: &SubnetConfig,
        data: &dyn BatchSource<ImageBatch>,
        batches: usize,
        device: &Device,
    ) -> kiln_core::Result<Self> {
        let mut model = self.clone().valid();
        let momenta: Vec<f64> = model.norms_mut().iter().map(|n| n.momentum).collect();
        for norm in model.norms_mut() {
            reset(norm, 1.0);
        }
        // Training-mode BN (flags on through `train`) with no parameter tracked (`no_grad`), so
        // no gradient graph is built; burn still registers the untracked operations, which the
        // sweep below releases.
        let mut model = model.train().no_grad();
        let autodiff = device.clone().autodiff();
        for i in 0..batches.min(data.num_batches()) {
            for norm in model.norms_mut() {
                norm.momentum = 1.0 / (i as f64 + 1.0);
            }
            let batch = data.batch(0, i, &autodiff)?;
            let _: Tensor<2> = model.forward_subnet(cfg, batch.images);
        }
        for (norm, momentum) in model.norms_mut().into_iter().zip(momenta) {
            norm.momentum = momentum;
        }
        let recalibrated = model.valid();
        drop(model);
        // burn keeps untracked forward passes in its graph until a backward pass sweeps them.
        kiln_core::device::sweep_autodiff_graph(device);
        Ok(recalibrated)
    }
}
