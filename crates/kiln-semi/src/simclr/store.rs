//! What a SimCLR run directory holds, and reading it back: weights as burnpack, the
//! configuration that rebuilds the network as JSON. Errors name the file.
//!
//! ```text
//! pretrain run:           simclr.json (SimClrConfig), simclr.bpk (SimClr)
//! fine-tune / baseline /
//! distillation run:       classifier.json (ClassifierSpec), classifier.bpk (SimClrClassifier)
//! ```
//! The engine's `metrics.jsonl`, `report.json` and `checkpoint/` sit beside them.

use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::config::SimClrConfig;
use super::model::{SimClr, SimClrClassifier};
use crate::error::{Result, SemiError};

/// The pretrained network's weights in a pretrain run directory.
pub const PRETRAINED_WEIGHTS: &str = "simclr.bpk";
/// The pretrained network's configuration in a pretrain run directory.
pub const PRETRAINED_CONFIG: &str = "simclr.json";
/// A classifier's weights in a fine-tune, baseline or distillation run directory.
pub const CLASSIFIER_WEIGHTS: &str = "classifier.bpk";
/// A classifier's architecture in a fine-tune, baseline or distillation run directory.
pub const CLASSIFIER_SPEC: &str = "classifier.json";

/// What rebuilds a [`SimClrClassifier`]: the network it came from, the kept head layers, the
/// classes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassifierSpec {
    /// The SimCLR network (encoder and head sizes).
    pub model: SimClrConfig,
    /// Head layers kept before the linear classifier (`ft_proj_selector`).
    pub selector: usize,
    /// Number of classes.
    pub num_classes: usize,
}

fn file_error(path: &Path, message: impl Into<String>) -> SemiError {
    SemiError::File { path: path.to_path_buf(), message: message.into() }
}

/// Writes `value` as pretty JSON.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_string_pretty(value).map_err(|e| file_error(path, e.to_string()))?;
    std::fs::write(path, json).map_err(|e| file_error(path, e.to_string()))
}

/// Reads JSON written by [`write_json`].
///
/// # Errors
/// [`SemiError::File`] naming the file when it is missing or malformed.
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    if !path.is_file() {
        return Err(file_error(path, format!("missing: not a {what} run directory?")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| file_error(path, e.to_string()))
}

/// Saves `module`'s weights to `path` (burnpack).
pub fn save_weights<M: Module>(module: &M, path: &Path) -> Result<()> {
    module.clone().save_file(path).map_err(|e| file_error(path, format!("{e:?}")))
}

/// Loads weights saved by [`save_weights`] into `module` (same shapes).
///
/// # Errors
/// [`SemiError::File`] naming the file when it is missing or does not fit.
pub fn load_weights<M: Module>(module: M, path: &Path, what: &str) -> Result<M> {
    if !path.is_file() {
        return Err(file_error(path, format!("missing: not a {what} run directory?")));
    }
    module.try_load_file(path).map_err(|e| file_error(path, format!("{e:?}")))
}

/// Saves a pretrained network and its configuration into `run_dir`.
pub fn save_pretrained(model: &SimClr, config: &SimClrConfig, run_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(run_dir).map_err(|e| file_error(run_dir, e.to_string()))?;
    write_json(&run_dir.join(PRETRAINED_CONFIG), config)?;
    save_weights(model, &run_dir.join(PRETRAINED_WEIGHTS))
}

/// The pretrained network of a pretrain run directory, and its configuration.
///
/// # Errors
/// [`SemiError::File`] naming `simclr.json` or `simclr.bpk` when missing or unreadable.
pub fn load_pretrained(run_dir: &Path, device: &Device) -> Result<(SimClr, SimClrConfig)> {
    let config: SimClrConfig = read_json(&run_dir.join(PRETRAINED_CONFIG), "pretrain")?;
    let model = config.init(device)?;
    let model = load_weights(model, &run_dir.join(PRETRAINED_WEIGHTS), "pretrain")?;
    Ok((model, config))
}

/// Saves a classifier and its spec into `run_dir`.
pub fn save_classifier(model: &SimClrClassifier, spec: &ClassifierSpec, run_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(run_dir).map_err(|e| file_error(run_dir, e.to_string()))?;
    write_json(&run_dir.join(CLASSIFIER_SPEC), spec)?;
    save_weights(model, &run_dir.join(CLASSIFIER_WEIGHTS))
}

/// The classifier of a fine-tune, baseline or distillation run directory, and its spec.
///
/// # Errors
/// [`SemiError::File`] naming `classifier.json` or `classifier.bpk` when missing or unreadable.
pub fn load_classifier(run_dir: &Path, device: &Device) -> Result<(SimClrClassifier, ClassifierSpec)> {
    let spec: ClassifierSpec = read_json(&run_dir.join(CLASSIFIER_SPEC), "fine-tune")?;
    let model = SimClrClassifier::random(&spec.model, spec.selector, spec.num_classes, device)?;
    let model = load_weights(model, &run_dir.join(CLASSIFIER_WEIGHTS), "fine-tune")?;
    Ok((model, spec))
}
