//! One training epoch of the [`Trainer`]: its steps (batches built ahead on a worker thread
//! unless prefetching is off, or one batch per replica device in data-parallel runs), then the
//! validation pass and the epoch's record.

use std::time::Instant;

use super::super::checkpoint::RunState;
use super::super::parallel::data_parallel_step;
use super::super::phase::{Phase, TrainPhase};
use super::super::progress::epoch_bar;
use super::super::report::EpochRecord;
use super::super::running::{Running, module_lr};
use super::super::step::{BatchSource, StepContext, TrainModel};
use super::Trainer;
use super::prefetch::with_batches;
use crate::error::{CoreError, Result};
use crate::seed::{DEVICE_SEED_STREAM, STEP_SEED_STREAM, derive_seed};

impl Trainer {
    /// Trains `model` for one epoch of `steps` optimiser steps and validates it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn train_epoch<M: TrainModel>(
        &self,
        model: M,
        optim: &mut burn::optim::ModuleOptimizer,
        tp: &TrainPhase,
        phase: &Phase<M>,
        steps: usize,
        state: &mut RunState,
        train: &dyn BatchSource<M::Batch>,
        valid: Option<&dyn BatchSource<M::Batch>>,
    ) -> Result<(M, EpochRecord)> {
        let start = Instant::now();
        let autodiff = self.device.clone().autodiff();
        autodiff.seed(derive_seed(self.seed, DEVICE_SEED_STREAM + state.global_epoch as u64));
        let bar = epoch_bar(self.progress, steps, &phase.name);
        let mut running = Running::new(self.topk);
        let total_steps = steps * tp.epochs;
        let single = self.replicas.is_empty();
        let grouped = self.cluster.is_some();
        let prefetch = self.prefetch && single;
        let epoch = state.global_epoch;
        let group = (self.replicas_in_group(), self.replica_offset());
        let (model, lr_factor) = with_batches(train, (epoch, steps), group, &autodiff, prefetch, |next_batch| {
            let mut model = model;
            let mut lr_factor = 1.0;
            for index in 0..steps {
                let step_in_phase = state.epochs_done * steps + index;
                lr_factor = tp.schedule.factor(step_in_phase, total_steps, state.epochs_done);
                let ctx = StepContext {
                    stage: phase.stage.clone(),
                    epoch: state.epochs_done,
                    global_step: state.global_step,
                    step_in_epoch: index,
                    step_seed: derive_seed(self.seed, STEP_SEED_STREAM + state.global_step),
                    training: true,
                };
                let lr = module_lr(tp, lr_factor);
                let scale = 1.0 / group.0 as f64;
                model = if single {
                    let (grads, output) = model.gradients(next_batch()?, &ctx, scale);
                    running.add(output);
                    let grads = if grouped { self.reduce_gradients(&model, &[grads])? } else { grads };
                    optim.step(lr, model, grads)
                } else {
                    let (grads, outputs) =
                        data_parallel_step(&self.replicas, &model, train, (epoch, index), group, &ctx)?;
                    outputs.into_iter().for_each(|o| running.add(o));
                    if grouped {
                        let sets: Vec<_> = grads.grads.into_iter().map(|(g, _)| g).collect();
                        let grads = self.reduce_gradients(&model, &sets)?;
                        optim.step(lr, model, grads)
                    } else {
                        optim.step_multi(lr, model, grads)
                    }
                }
                .after_optimizer_step();
                state.global_step += 1;
                bar.inc(1);
                if index % 10 == 0 {
                    bar.set_message(running.message());
                }
            }
            Ok::<_, CoreError>((model, lr_factor))
        })?;
        bar.finish_and_clear();
        // In a training group: node 0's buffers (batch-norm statistics) everywhere, so every
        // node validates, selects and stops alike.
        let model = self.sync_state(model)?;
        let valid_eval = valid
            .map(|v| self.evaluate_at(&model, v, &phase.stage, state.epochs_done, state.global_step))
            .transpose()?;
        state.epochs_done += 1;
        state.global_epoch += 1;
        let record = EpochRecord {
            phase: phase.name.clone(),
            epoch: state.epochs_done - 1,
            global_epoch: state.global_epoch,
            lr: tp.lr * lr_factor,
            train: running.finish().scalars(),
            valid: valid_eval.map(|e| e.scalars()),
            seconds: start.elapsed().as_secs_f64(),
        };
        Ok((model, record))
    }
}
