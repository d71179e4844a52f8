//! Saving and loading a network's weights (burnpack) with errors naming the file: one place
//! for RevCol and the UniPT classifier.

use std::path::Path;

use burn::module::Module;

use crate::error::{EfficientError, Result};

/// Saves `module`'s weights to `path`.
///
/// # Errors
/// [`EfficientError::File`] naming the file.
pub fn save<M: Module>(module: &M, path: &Path) -> Result<()> {
    module
        .clone()
        .save_file(path)
        .map_err(|e| EfficientError::File { path: path.to_path_buf(), message: format!("{e:?}") })
}

/// Loads weights saved by [`save`] into `module` (same shapes). burn may read the tensors lazily
/// from the file: keep it until the module has been used.
///
/// # Errors
/// [`EfficientError::File`] naming the file.
pub fn load<M: Module>(module: M, path: &Path) -> Result<M> {
    module.try_load_file(path).map_err(|e| EfficientError::File { path: path.to_path_buf(), message: format!("{e:?}") })
}
