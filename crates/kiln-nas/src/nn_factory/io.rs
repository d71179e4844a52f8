//! Save and load of a factory (`config.json` + `factory.bpk`, supernet and assembler in one
//! burnpack record), so `kiln customize --checkpoint DIR` is a thin layer.

use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::config::FactoryConfig;
use super::error::FactoryError;
use super::train::NnFactory;

/// What `config.json` holds: the settings and the input normalisation used in training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactoryManifest {
    /// The factory's settings.
    pub config: FactoryConfig,
    /// Per-channel means of the training images (empty when not recorded).
    #[serde(default)]
    pub mean: Vec<f32>,
    /// Per-channel standard deviations of the training images (empty when not recorded).
    #[serde(default)]
    pub std: Vec<f32>,
}

pub(crate) fn read_json<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, FactoryError> {
    let path = dir.join(name);
    if !path.is_file() {
        return Err(FactoryError::MissingCheckpoint { path: dir.to_path_buf(), what: name.into() });
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| FactoryError::MismatchedCheckpoint { path: path.clone(), message: e.to_string() })?;
    serde_json::from_str(&text).map_err(|e| FactoryError::MismatchedCheckpoint { path, message: e.to_string() })
}

impl NnFactory {
    /// Writes `dir/config.json` (the manifest) and `dir/factory.bpk` (the weights).
    ///
    /// # Errors
    /// [`FactoryError::Write`] naming the file.
    pub fn save(&self, dir: &Path, mean: &[f32], std: &[f32]) -> Result<(), FactoryError> {
        let write = |path: &Path, e: String| FactoryError::Write { path: path.to_path_buf(), message: e };
        std::fs::create_dir_all(dir).map_err(|e| write(dir, e.to_string()))?;
        let manifest = FactoryManifest { config: self.config.clone(), mean: mean.to_vec(), std: std.to_vec() };
        let json_path = dir.join("config.json");
        let json = serde_json::to_string_pretty(&manifest).map_err(|e| write(&json_path, e.to_string()))?;
        std::fs::write(&json_path, json).map_err(|e| write(&json_path, e.to_string()))?;
        let model = dir.join("factory.bpk");
        self.clone().save_file(&model).map_err(|e| write(&model, format!("{e:?}")))
    }

    /// Loads what [`save`](Self::save) wrote onto `device`.
    ///
    /// # Errors
    /// [`FactoryError::MissingCheckpoint`] for a missing directory or file,
    /// [`FactoryError::MismatchedCheckpoint`] for a manifest that does not parse or validate
    /// or weights that do not fit it.
    pub fn load(dir: &Path, device: &Device) -> Result<(NnFactory, FactoryManifest), FactoryError> {
        let manifest: FactoryManifest = read_json(dir, "config.json")?;
        let model = dir.join("factory.bpk");
        if !model.is_file() {
            return Err(FactoryError::MissingCheckpoint { path: dir.to_path_buf(), what: "factory.bpk".into() });
        }
        let mismatch = |message: String| FactoryError::MismatchedCheckpoint { path: model.clone(), message };
        let factory = manifest.config.init(device).map_err(|e| mismatch(e.to_string()))?;
        let factory = factory.try_load_file(&model).map_err(|e| mismatch(format!("{e:?}")))?;
        Ok((factory, manifest))
    }
}
