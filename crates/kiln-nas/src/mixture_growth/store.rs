//! Saving and loading a MixtureGrowth network (seed, grown or from scratch): weights as
//! burnpack, what rebuilds the network as JSON. Errors name the file.
//!
//! ```text
//! dir/network.json   (NetworkSpec: the configuration and the form)
//! dir/network.bpk    (TemplateWrn)
//! ```

use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::MixtureGrowthError;
use super::config::MixtureGrowthConfig;
use super::grow::GrowInit;
use super::model::{NetworkForm, TemplateWrn};
use super::train::MixtureGrowth;

/// The network's weights in a directory.
pub const NETWORK_WEIGHTS: &str = "network.bpk";
/// What rebuilds the network, in a directory.
pub const NETWORK_SPEC: &str = "network.json";

/// What rebuilds a [`TemplateWrn`] before its weights are loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSpec {
    /// The configuration it was built from.
    pub config: MixtureGrowthConfig,
    /// Seed, scratch or grown.
    pub form: NetworkForm,
}

fn file_error(path: &Path, message: impl ToString) -> MixtureGrowthError {
    MixtureGrowthError::File { path: path.to_path_buf(), message: message.to_string() }
}

impl MixtureGrowthConfig {
    /// A randomly initialised network of `form` (the skeleton weights are loaded into).
    ///
    /// # Errors
    /// [`MixtureGrowthError::InvalidConfig`] for an invalid configuration.
    pub fn init_form(&self, form: NetworkForm, device: &Device) -> Result<TemplateWrn, MixtureGrowthError> {
        match form {
            NetworkForm::Seed => self.init_seed(device),
            NetworkForm::Scratch => self.init_scratch(device),
            NetworkForm::Grown => {
                let (a, b) = (self.init_seed(device)?, self.init_seed(device)?);
                MixtureGrowth::grow([&a, &b], GrowInit::Zero)
            }
        }
    }
}

/// Writes `network` and its spec into `dir` (created if missing).
///
/// # Errors
/// [`MixtureGrowthError::File`] naming the file that could not be written.
pub fn save_network(network: &TemplateWrn, config: &MixtureGrowthConfig, dir: &Path) -> Result<(), MixtureGrowthError> {
    std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    let spec = NetworkSpec { config: config.clone(), form: network.form };
    let spec_path = dir.join(NETWORK_SPEC);
    let json = serde_json::to_string_pretty(&spec).map_err(|e| file_error(&spec_path, e))?;
    std::fs::write(&spec_path, json).map_err(|e| file_error(&spec_path, e))?;
    let weights = dir.join(NETWORK_WEIGHTS);
    network.clone().save_file(&weights).map_err(|e| file_error(&weights, format!("{e:?}")))
}

/// Reads a network written by [`save_network`].
///
/// # Errors
/// [`MixtureGrowthError::File`] naming `network.json` or `network.bpk` when missing, malformed
/// or not matching; [`MixtureGrowthError::InvalidConfig`] for a stored invalid configuration.
pub fn load_network(dir: &Path, device: &Device) -> Result<(TemplateWrn, NetworkSpec), MixtureGrowthError> {
    let spec_path = dir.join(NETWORK_SPEC);
    let text = std::fs::read_to_string(&spec_path).map_err(|e| file_error(&spec_path, e))?;
    let spec: NetworkSpec = serde_json::from_str(&text).map_err(|e| file_error(&spec_path, e))?;
    let skeleton = spec.config.init_form(spec.form, device)?;
    let weights = dir.join(NETWORK_WEIGHTS);
    if !weights.is_file() {
        return Err(file_error(&weights, "missing"));
    }
    let network = skeleton.try_load_file(&weights).map_err(|e| file_error(&weights, format!("{e:?}")))?;
    Ok((network, spec))
}
