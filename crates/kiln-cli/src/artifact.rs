//! The run directory, one format for every model:
//!
//! ```text
//! config.json     what rebuilds the run: options, the model's typed config, the data's facts
//! model.bpk       final weights (burnpack), written when the run completes
//! checkpoint/     the engine's checkpoints (model, optimiser, run state), for --resume
//! metrics.jsonl   one line per epoch
//! summary.json    the report and the held-out evaluation
//! ```
//! `kiln eval --checkpoint DIR` reads the model name from `config.json`, asks the registry for
//! its entry, and the entry rebuilds the model from the typed config and loads `model.bpk` (or,
//! for a halted run, the latest checkpoint).

use std::collections::BTreeMap;
use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::device::{DeviceSpec, select};
use kiln_core::train::{Cluster, Evaluation, Report, Trainer, checkpoint};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};
use crate::options::{TrainOptions, TrainRequest};

/// The run's configuration file.
pub const CONFIG_FILE: &str = "config.json";
/// The final weights.
pub const WEIGHTS_FILE: &str = "model.bpk";
/// The report and held-out evaluation.
pub const SUMMARY_FILE: &str = "summary.json";
/// The run-directory format this build writes (the `format` key of `config.json`; a file
/// without it is format 1). A newer format is refused rather than misread.
pub const FORMAT_VERSION: u64 = 1;

/// `config.json`: everything needed to rebuild a run's model and data. `C` is the model's
/// typed configuration (its architecture: what `init` builds), `D` what the data preparation
/// found or fitted (input shape, classes, normalisation, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig<C, D> {
    /// The options of the run (the model's registry name among them).
    pub options: TrainOptions,
    /// The model's configuration.
    pub config: C,
    /// Facts about the data.
    pub data: D,
}

/// What every `config.json` has, whatever the model.
#[derive(Deserialize)]
struct Header {
    #[serde(default = "first_format")]
    format: u64,
    options: HeaderOptions,
}

fn first_format() -> u64 {
    1
}

#[derive(Deserialize)]
struct HeaderOptions {
    model: String,
}

/// The outcome of a training run (`summary.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainSummary {
    /// The engine's report.
    pub report: Report,
    /// Held-out test evaluation: loss, loss terms and, for classifiers, accuracy and confusion.
    pub test: Evaluation,
    /// Further held-out metrics of the task (Hits@K, MRR and AUC of a link predictor).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, f64>,
}

/// The outcome of `kiln eval`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSummary {
    /// Held-out test evaluation.
    pub test: Evaluation,
    /// Further held-out metrics of the task.
    pub metrics: BTreeMap<String, f64>,
}

/// Writes `value` as pretty JSON.
pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let err = |message: String| CliError::Metadata { path: path.to_path_buf(), message };
    let text = serde_json::to_string_pretty(value).map_err(|e| err(e.to_string()))?;
    std::fs::write(path, text).map_err(|e| err(e.to_string()))
}

/// Reads JSON written by [`write_json`].
pub(crate) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let err = |message: String| CliError::Metadata { path: path.to_path_buf(), message };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| err(e.to_string()))
}

/// The registry name of the model of the run in `run_dir`.
///
/// # Errors
/// When `config.json` is missing or unreadable, or written in a newer format.
pub fn model_name(run_dir: &Path) -> Result<String> {
    Ok(read_recorded(&run_dir.join(CONFIG_FILE))?.0)
}

/// A run's `config.json` as JSON with its model name, refused when written in a newer format.
/// A file without a `format` key is format 1, and the returned JSON says so.
fn read_recorded(path: &Path) -> Result<(String, serde_json::Value)> {
    let mut value: serde_json::Value = read_json(path)?;
    let header: Header = serde_json::from_value(value.clone())
        .map_err(|e| CliError::Metadata { path: path.to_path_buf(), message: e.to_string() })?;
    if header.format > FORMAT_VERSION {
        return Err(CliError::NewerFormat {
            path: path.to_path_buf(),
            found: header.format,
            supported: FORMAT_VERSION,
        });
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("format".into(), header.format.into());
    }
    Ok((header.options.model, value))
}

/// `config` as the JSON object written to `config.json`, with the format key.
fn config_json<C: Serialize, D: Serialize>(path: &Path, config: &RunConfig<C, D>) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(config)
        .map_err(|e| CliError::Metadata { path: path.to_path_buf(), message: e.to_string() })?;
    if let Some(object) = value.as_object_mut() {
        object.insert("format".into(), FORMAT_VERSION.into());
    }
    Ok(value)
}

/// The settings that differ between a recorded and a new `config.json`, as
/// `key: recorded → given` (nested keys joined by dots).
pub(crate) fn differences(
    recorded: &serde_json::Value,
    given: &serde_json::Value,
    prefix: &str,
    out: &mut Vec<String>,
) {
    match (recorded, given) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                let null = serde_json::Value::Null;
                differences(a.get(key).unwrap_or(&null), b.get(key).unwrap_or(&null), &name, out);
            }
        }
        (a, b) if a != b => out.push(format!("{prefix}: {a} → {b}")),
        _ => {}
    }
}

/// The run's `config.json` with the model's and the data's types.
pub fn read_config<C: DeserializeOwned, D: DeserializeOwned>(run_dir: &Path) -> Result<RunConfig<C, D>> {
    read_json(&run_dir.join(CONFIG_FILE))
}

/// Prepares `request.out` for a run of `config`: refuses to resume another model's run or a run
/// started with other settings (before anything in the directory is touched), removes final
/// weights an earlier run left, writes `config.json`, seeds `device`, and returns the trainer
/// (run directory, seed, resume, progress, halting).
pub fn start_run<C: Serialize, D: Serialize>(
    request: &TrainRequest,
    device: &Device,
    config: &RunConfig<C, D>,
) -> Result<Trainer> {
    let out = &request.out;
    let cluster = request.parallel.cluster()?;
    let path = out.join(CONFIG_FILE);
    let json = config_json(&path, config)?;
    if request.resume && path.exists() {
        let (existing, recorded) = read_recorded(&path)?;
        if existing != config.options.model {
            return Err(CliError::Usage(format!(
                "cannot resume {}: it holds a `{existing}` run, not `{}`",
                out.display(),
                config.options.model
            )));
        }
        let mut fields = Vec::new();
        differences(&recorded, &json, "", &mut fields);
        if !fields.is_empty() {
            return Err(CliError::ResumeMismatch { path, fields: fields.join(", ") });
        }
    }
    std::fs::create_dir_all(out).map_err(|e| kiln_core::CoreError::io(out, e))?;
    let weights = out.join(WEIGHTS_FILE);
    if weights.exists() {
        std::fs::remove_file(&weights).map_err(|e| kiln_core::CoreError::io(&weights, e))?;
    }
    write_json(&path, &json)?;
    device.seed(config.options.seed);
    let mut trainer = Trainer::new(device.clone())
        .with_run_dir(out)
        .with_seed(config.options.seed)
        .with_resume(request.resume)
        .with_progress(request.progress);
    let parallel = &request.parallel;
    if parallel.devices.len() > 1 {
        let devices =
            parallel.devices.iter().map(|d| Ok(select(d.parse::<DeviceSpec>()?)?)).collect::<Result<Vec<_>>>()?;
        trainer = trainer.with_devices(devices);
    }
    if let Some(cluster) = cluster {
        if request.progress {
            eprintln!("node {} of {}: joining the group at {}", cluster.rank, cluster.nodes, cluster.coordinator);
        }
        trainer = trainer.with_cluster(Cluster::join(&cluster)?);
    }
    Ok(match request.halt_after_epochs {
        Some(epochs) => trainer.with_halt_after_epochs(epochs),
        None => trainer,
    })
}

/// Ends a run: writes `model.bpk` when the run completed, and `summary.json`.
pub fn finish_run<M: Module>(
    request: &TrainRequest,
    model: &M,
    report: Report,
    test: Evaluation,
    metrics: BTreeMap<String, f64>,
) -> Result<TrainSummary> {
    if report.completed {
        let path = request.out.join(WEIGHTS_FILE);
        model
            .clone()
            .save_file(&path)
            .map_err(|e| kiln_core::CoreError::Checkpoint { path: path.clone(), message: format!("{e:?}") })?;
    }
    let summary = TrainSummary { report, test, metrics };
    write_json(&request.out.join(SUMMARY_FILE), &summary)?;
    Ok(summary)
}

/// Errors unless the data of a run (`spec`, as given to `--data`) still gives what the run
/// recorded about it.
pub fn check_data<D: PartialEq + std::fmt::Debug>(run_dir: &Path, spec: &str, recorded: &D, found: &D) -> Result<()> {
    if recorded == found {
        return Ok(());
    }
    Err(CliError::DataChanged {
        run: run_dir.to_path_buf(),
        message: format!("{spec} now gives {found:?}; the run recorded {recorded:?}"),
    })
}

/// Loads a run's weights into `model`: `model.bpk`, or the latest checkpoint of a halted run.
pub fn load_model<M: Module>(run_dir: &Path, model: M) -> Result<M> {
    Ok(checkpoint::load_weights(run_dir, model)?)
}
