//! What `kiln train`, `kiln graph train|link`, `kiln eval` and `kiln explain` call: the model's
//! registry entry, found by name.

use std::path::Path;

use burn::prelude::Device;

use crate::artifact::RunConfig;
pub use crate::artifact::{EvalSummary, TrainSummary};
use crate::error::Result;
pub use crate::options::{TrainOptions, TrainRequest};
use crate::registry::{
    self, ExplainOutput, ExplainRequest, InterpretabilityRequest, RobustReport, RobustRequest, UncertaintyReport,
    UncertaintyRequest,
};
use kiln_proto::interpretability::InterpretabilityReport;

/// Trains the run `request` describes with its model's entry.
pub fn train(request: &TrainRequest, device: &Device) -> Result<TrainSummary> {
    let options = &request.options;
    registry::find(&options.model, options.task.task())?.train(request, device)
}

/// Evaluates the run in `run_dir` (any model) on its held-out test data.
pub fn eval(run_dir: &Path, device: &Device) -> Result<EvalSummary> {
    registry::find_run(run_dir)?.eval(run_dir, device)
}

/// What `kiln eval` measures beyond the held-out evaluation, as given on the command line
/// (each flag is checked against the run's model).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalRequest {
    /// `--certify`: comma-separated L2 radii on pixels.
    pub certify: Option<String>,
    /// `--attack`: the attack run at each radius (`pgd`).
    pub attack: Option<String>,
    /// `--uncertainty`: mean total, aleatoric and epistemic uncertainty on the test split.
    pub uncertainty: bool,
    /// `--samples`: sampled prototype sets of `--uncertainty` (default
    /// [`registry::uncertainty::DEFAULT_SAMPLES`]).
    pub samples: Option<usize>,
    /// `--ood`: the out-of-distribution set `--uncertainty` is compared with (`procedural`).
    pub ood: Option<String>,
    /// `--interpretability`: consistency and stability of the prototypes on part annotations.
    pub interpretability: bool,
}

/// The outcome of `kiln eval` with its flags.
#[derive(Debug, Clone)]
pub struct EvalOutcome {
    /// The held-out evaluation.
    pub summary: EvalSummary,
    /// Clean, certified and attacked accuracy per radius, when `--certify` was given.
    pub robustness: Option<RobustReport>,
    /// The uncertainty decomposition, when `--uncertainty` was given.
    pub uncertainty: Option<UncertaintyReport>,
    /// Consistency and stability with their chance levels, when `--interpretability` was given.
    pub interpretability: Option<InterpretabilityReport>,
}

/// Evaluates the run in `run_dir` as [`eval`] does, and its robustness, uncertainty and
/// interpretability as `request` asks. The flags are checked against the run's model before anything is evaluated.
///
/// # Errors
/// [`crate::CliError::RobustFlag`], [`crate::CliError::UncertaintyFlag`] and
/// [`crate::CliError::InterpretabilityFlag`] for flags that do not fit the run, and what
/// [`eval`] returns.
pub fn eval_with(run_dir: &Path, device: &Device, request: &EvalRequest) -> Result<EvalOutcome> {
    let entry = registry::find_run(run_dir)?;
    let robust =
        RobustRequest::parse(entry.name(), request.certify.as_deref(), request.attack.as_deref(), entry.certifies())?;
    let uncertain = UncertaintyRequest::parse(
        entry.name(),
        request.uncertainty,
        request.samples,
        request.ood.as_deref(),
        entry.has_uncertainty(),
    )?;
    let parts = match request.interpretability {
        false => None,
        true => {
            let run: RunConfig<serde_json::Value, serde_json::Value> = crate::artifact::read_config(run_dir)?;
            InterpretabilityRequest::parse(entry.name(), true, entry.has_prototypes(), &run.options.data)?
        }
    };
    let summary = entry.eval(run_dir, device)?;
    let robustness = robust.map(|r| entry.robustness(run_dir, device, &r)).transpose()?;
    let uncertainty = uncertain.map(|u| entry.uncertainty(run_dir, device, &u)).transpose()?;
    let interpretability = parts.map(|p| entry.interpretability(run_dir, device, &p)).transpose()?;
    Ok(EvalOutcome { summary, robustness, uncertainty, interpretability })
}

/// Explains a prediction of the run in `run_dir`; errors when its model cannot explain itself.
pub fn explain(run_dir: &Path, device: &Device, request: &ExplainRequest) -> Result<ExplainOutput> {
    let entry = registry::find_run(run_dir)?;
    if request.characteristics && !(entry.has_prototypes() && entry.explainer().is_some()) {
        return Err(registry::no_prototypes(entry.name()).into());
    }
    let explainer = entry.explainer().ok_or_else(|| registry::cannot_explain(entry.name()))?;
    explainer.explain(run_dir, device, request)
}
