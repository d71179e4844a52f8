//! Saving and loading a trained [`Apen`]: its [`ApenConfig`] as JSON (`apen.json`) and its
//! weights as burnpack (`model.bpk`) in one directory, which `kiln geom segment --checkpoint`
//! reads.

use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::CoreError;

use super::config::ApenConfig;
use super::model::Apen;
use crate::error::{GeomError, Result};

/// The configuration file inside an APEN checkpoint directory.
pub const CONFIG_FILE: &str = "apen.json";
/// The weights file inside an APEN checkpoint directory.
pub const WEIGHTS_FILE: &str = "model.bpk";

/// A checkpoint error naming `path`.
fn checkpoint_error(path: &Path, message: impl ToString) -> GeomError {
    GeomError::Core(CoreError::Checkpoint { path: path.to_path_buf(), message: message.to_string() })
}

impl Apen {
    /// Writes the model to `dir` (created when missing): `config` as `apen.json` and the weights
    /// as `model.bpk`. `config` must be the one the model was built from; its `fine_parts` is
    /// checked against the model's.
    pub fn save(&self, dir: &Path, config: &ApenConfig) -> Result<()> {
        if config.fine_parts != self.fine_parts {
            return Err(GeomError::Invalid(format!(
                "saving an APEN with {} fine parts under a config with {}",
                self.fine_parts, config.fine_parts
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| GeomError::io(dir, e))?;
        let cfg = dir.join(CONFIG_FILE);
        let json = serde_json::to_string_pretty(config).map_err(|e| checkpoint_error(&cfg, e))?;
        std::fs::write(&cfg, json).map_err(|e| GeomError::io(&cfg, e))?;
        let weights = dir.join(WEIGHTS_FILE);
        self.clone().save_file(&weights).map_err(|e| checkpoint_error(&weights, format!("{e:?}")))
    }

    /// Loads a model [`Apen::save`] wrote to `dir` onto `device`, with its configuration. A
    /// directory without `apen.json` or `model.bpk` is [`GeomError::MissingApenCheckpoint`]; an
    /// unreadable configuration, one that does not validate, or weights that do not fit it are
    /// errors naming the file.
    pub fn load(dir: &Path, device: &Device) -> Result<(Apen, ApenConfig)> {
        let (cfg, weights) = (dir.join(CONFIG_FILE), dir.join(WEIGHTS_FILE));
        if !cfg.is_file() || !weights.is_file() {
            return Err(GeomError::MissingApenCheckpoint { dir: dir.to_path_buf() });
        }
        let text = std::fs::read_to_string(&cfg).map_err(|e| GeomError::io(&cfg, e))?;
        let config: ApenConfig = serde_json::from_str(&text).map_err(|e| checkpoint_error(&cfg, e))?;
        let model = config.init(device).map_err(|e| checkpoint_error(&cfg, e))?;
        let model = model.try_load_file(&weights).map_err(|e| checkpoint_error(&weights, format!("{e:?}")))?;
        Ok((model, config))
    }
}
