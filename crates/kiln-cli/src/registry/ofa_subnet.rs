//! A subnet extracted from a `kiln search` run by `kiln extract` (`kiln_nas::ofa::Subnet`):
//! `kiln eval` rebuilds it from `config.json` (the supernet's configuration and the subnet)
//! and the run's weights. It is not trained by `kiln train`; `kiln search` and `kiln extract`
//! make it.

use std::path::Path;

use burn::prelude::Device;
use kiln_core::train::ImageBatch;

use super::ModelEntry;
use super::classify::eval_run;
use crate::artifact::{EvalSummary, TrainSummary};
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
        eval_run::<ImageBatch, SubnetRecord, _>(self.name(), run_dir, device, |record, device| {
            Ok(record.supernet.init(device).extract(&record.subnet))
        })
    }
}
