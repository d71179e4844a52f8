//! A network customised by `kiln customize` from an NN-Factory (`kiln_nas::nn_factory::CustomNet`):
//! `kiln eval` rebuilds it from `config.json` (its shape and task) and the run's weights, and
//! evaluates it on the test images of the task's classes, relabelled to the network's outputs
//! (see [`crate::factory`]). It is not trained by `kiln train`; `kiln factory train` and
//! `kiln customize` make it.

use std::path::Path;

use burn::prelude::Device;
use kiln_core::train::Trainer;

use super::ModelEntry;
use crate::artifact::{self, EvalSummary, RunConfig, TrainSummary};
use crate::classify_data::ClassifyData;
use crate::error::{CliError, Result};
use crate::factory::{CUSTOM_MODEL, CustomRecord, cost_metrics, custom_test_data};
use crate::options::{Task, TrainRequest};

/// The registry entry of a customised NN-Factory network.
pub struct FactoryCustomEntry;

impl ModelEntry for FactoryCustomEntry {
    fn name(&self) -> &'static str {
        CUSTOM_MODEL
    }

    fn about(&self) -> &'static str {
        "a network customised by `kiln customize` from an NN-Factory (not trained by `kiln train`)"
    }

    fn task(&self) -> Task {
        Task::Classify
    }

    fn train(&self, _request: &TrainRequest, _device: &Device) -> Result<TrainSummary> {
        Err(CliError::Usage(format!(
            "--model {CUSTOM_MODEL} is made by `kiln factory train` then `kiln customize --checkpoint DIR --classes C --macs M --out RUN`"
        )))
    }

    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary> {
        let run: RunConfig<CustomRecord, ClassifyData> = artifact::read_config(run_dir)?;
        let test = custom_test_data(&run, run_dir)?;
        let model = artifact::load_model(run_dir, run.config.spec.init(device))?;
        let trainer = Trainer::new(device.clone()).with_seed(run.options.seed);
        let metrics = cost_metrics(&model, &run.config.spec);
        Ok(EvalSummary { test: trainer.evaluate(&model, &test)?, metrics })
    }
}
