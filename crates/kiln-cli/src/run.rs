//! What `kiln train`, `kiln graph train|link`, `kiln eval` and `kiln explain` call: the model's
//! registry entry, found by name.

use std::path::Path;

use burn::prelude::Device;

pub(crate) use crate::artifact::write_json;
pub use crate::artifact::{EvalSummary, TrainSummary};
use crate::error::Result;
pub use crate::options::{TrainOptions, TrainRequest};
use crate::registry::{self, ExplainOutput, ExplainRequest};

/// Trains the run `request` describes with its model's entry.
pub fn train(request: &TrainRequest, device: &Device) -> Result<TrainSummary> {
    let options = &request.options;
    registry::find(&options.model, options.task.task())?.train(request, device)
}

/// Evaluates the run in `run_dir` (any model) on its held-out test data.
pub fn eval(run_dir: &Path, device: &Device) -> Result<EvalSummary> {
    registry::find_run(run_dir)?.eval(run_dir, device)
}

/// Explains a prediction of the run in `run_dir`; errors when its model cannot explain itself.
pub fn explain(run_dir: &Path, device: &Device, request: &ExplainRequest) -> Result<ExplainOutput> {
    let entry = registry::find_run(run_dir)?;
    let explainer = entry.explainer().ok_or_else(|| registry::cannot_explain(entry.name()))?;
    explainer.explain(run_dir, device, request)
}
