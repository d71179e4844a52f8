//! A subnet extracted from a `kiln search` run by `kiln extract` (`kiln_nas::ofa::Subnet`):
//! `kiln eval` rebuilds it from `config.json` (the supernet's configuration and the subnet)
//! and the run's weights. It is not trained by `kiln train`; `kiln search` and `kiln extract`
//! make it.

use std::collections::BTreeMap;
use std::path::Path;

use burn::prelude::Device;
use kiln_core::train::{ImageBatch, Trainer};

use super::ModelEntry;
use crate::artifact::{self, EvalSummary, RunConfig, TrainSummary};
use crate::classify_data::{ClassifyData, Input, reload};
use crate::error::{CliError, Result};
use crate::extract::{SUBNET_MODEL, SubnetRecord};
use crate::options::{Task, TrainRequest};

/// The registry entry of an extracted OFA subnet.
pub struct OfaSubnetEntry;

impl ModelEntry for OfaSubnetEntry {
    fn name(&self) -> &'static str {
        SUBNET_MODEL
    }

    fn about(&self) -> &'static str {
        "a Once-for-All subnet exported by `kiln extract` from a `kiln search` run (not trained by `kiln train`)"
    }

    fn task(&self) -> Task {
        Task::Classify
    }

    fn train(&self, _request: &TrainRequest, _device: &Device) -> Result<TrainSummary> {
        Err(CliError::Usage(format!(
            "--model {SUBNET_MODEL} is made by `kiln search` then `kiln extract --run DIR --pick N --out RUN`"
        )))
    }

    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary> {
        let run: RunConfig<SubnetRecord, ClassifyData> = artifact::read_config(run_dir)?;
        let options = &run.options;
        let prepared = reload(&options.data, options.task.classify()?, options.seed, &run.data, run_dir)?;
        let model = run.config.supernet.init(device).extract(&run.config.subnet);
        let model = artifact::load_model(run_dir, model)?;
        let sources = ImageBatch::sources(self.name(), prepared, options.batch_size, options.seed)?;
        let trainer = Trainer::new(device.clone()).with_seed(options.seed);
        Ok(EvalSummary { test: trainer.evaluate(&model, sources.test.as_ref())?, metrics: BTreeMap::new() })
    }
}
