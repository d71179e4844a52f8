//! Evaluation passes of the [`Trainer`]: no gradients, averages over a data source (its batches
//! built ahead on a worker thread unless prefetching is off).

use super::super::report::Evaluation;
use super::super::running::Running;
use super::super::step::{BatchSource, StepContext, TrainModel};
use super::Trainer;
use super::prefetch::with_batches;
use crate::error::Result;
use crate::seed::derive_seed;

impl Trainer {
    /// One pass over `data` without gradients in the model's default stage: mean loss, terms,
    /// accuracy, top-k, confusion.
    ///
    /// # Errors
    /// When the source cannot build a batch.
    pub fn evaluate<M: TrainModel>(&self, model: &M, data: &dyn BatchSource<M::Batch>) -> Result<Evaluation> {
        self.evaluate_at(model, data, &M::Stage::default(), 0, 0)
    }

    /// One pass over `data` without gradients in `stage` (the steps see `epoch` and
    /// `global_step` in their context).
    ///
    /// # Errors
    /// When the source cannot build a batch.
    pub fn evaluate_at<M: TrainModel>(
        &self,
        model: &M,
        data: &dyn BatchSource<M::Batch>,
        stage: &M::Stage,
        epoch: usize,
        global_step: u64,
    ) -> Result<Evaluation> {
        let model = model.valid();
        let mut running = Running::new(self.topk);
        let count = data.num_batches();
        with_batches(data, (0, count), (1, 0), &self.device, self.prefetch, |next_batch| {
            for index in 0..count {
                let ctx = StepContext {
                    stage: stage.clone(),
                    epoch,
                    global_step,
                    step_in_epoch: index,
                    step_seed: derive_seed(self.seed, global_step),
                    training: false,
                };
                running.add(model.step(next_batch()?, &ctx));
            }
            Ok(running.finish())
        })
    }
}
