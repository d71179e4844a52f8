//! Saving and loading a trained [`ProteinRpn`]: its [`ProteinRpnConfig`] as JSON
//! (`protein_rpn.json`) and its weights as burnpack (`model.bpk`) in one directory, which
//! `kiln protein sites --checkpoint` reads.

use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::CoreError;

use super::config::ProteinRpnConfig;
use super::model::ProteinRpn;
use crate::error::{GraphError, Result};

/// The configuration file inside a ProteinRPN checkpoint directory.
pub const CONFIG_FILE: &str = "protein_rpn.json";
/// The weights file inside a ProteinRPN checkpoint directory.
pub const WEIGHTS_FILE: &str = "model.bpk";

fn checkpoint_error(path: &Path, message: impl ToString) -> GraphError {
    GraphError::Core(CoreError::Checkpoint { path: path.to_path_buf(), message: message.to_string() })
}

impl ProteinRpn {
    /// Writes the model to `dir` (created when missing): `config`, the one it was built from,
    /// as `protein_rpn.json` and the weights as `model.bpk`.
    pub fn save(&self, dir: &Path, config: &ProteinRpnConfig) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| checkpoint_error(dir, e))?;
        let cfg = dir.join(CONFIG_FILE);
        let json = serde_json::to_string_pretty(config).map_err(|e| checkpoint_error(&cfg, e))?;
        std::fs::write(&cfg, json).map_err(|e| checkpoint_error(&cfg, e))?;
        let weights = dir.join(WEIGHTS_FILE);
        self.clone().save_file(&weights).map_err(|e| checkpoint_error(&weights, format!("{e:?}")))
    }

    /// Loads a model [`ProteinRpn::save`] wrote to `dir` onto `device`, with its configuration.
    /// A missing file, an unreadable or invalid configuration, or weights that do not fit it
    /// are errors naming the file.
    pub fn load(dir: &Path, device: &Device) -> Result<(ProteinRpn, ProteinRpnConfig)> {
        let (cfg, weights) = (dir.join(CONFIG_FILE), dir.join(WEIGHTS_FILE));
        for file in [&cfg, &weights] {
            if !file.is_file() {
                return Err(checkpoint_error(
                    file,
                    "missing: a ProteinRPN checkpoint holds protein_rpn.json and model.bpk (`kiln protein train` writes them)",
                ));
            }
        }
        let text = std::fs::read_to_string(&cfg).map_err(|e| checkpoint_error(&cfg, e))?;
        let config: ProteinRpnConfig = serde_json::from_str(&text).map_err(|e| checkpoint_error(&cfg, e))?;
        let model = config.init(device).map_err(|e| checkpoint_error(&cfg, e))?;
        let model = model.try_load_file(&weights).map_err(|e| checkpoint_error(&weights, format!("{e:?}")))?;
        Ok((model, config))
    }
}
