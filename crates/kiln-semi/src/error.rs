//! The errors of this crate: each names the value, file or record that is wrong.

use std::path::PathBuf;

/// What can go wrong in kiln-semi.
#[derive(Debug, thiserror::Error)]
pub enum SemiError {
    /// A configuration value is out of range.
    #[error("invalid `{name}` = {value}: {reason}")]
    InvalidConfig {
        /// The field.
        name: &'static str,
        /// Its value.
        value: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The labelled fraction leaves a class without an example, or is outside (0, 1].
    #[error("label fraction {fraction} keeps {labelled} labelled examples for {classes} classes: {reason}")]
    LabelFraction {
        /// The requested fraction.
        fraction: f64,
        /// Labelled examples it keeps.
        labelled: usize,
        /// Classes in the data.
        classes: usize,
        /// Why it cannot be used.
        reason: String,
    },
    /// Tensors of mismatched shapes were given to a loss or layer.
    #[error("{what}: {reason}")]
    Shape {
        /// The operation.
        what: &'static str,
        /// The mismatch.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An error of the training engine or the experiment kit.
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
    /// An error of the data layer.
    #[error(transparent)]
    Data(#[from] kiln_data::DataError),
}

impl SemiError {
    /// A [`SemiError::InvalidConfig`].
    pub fn config(name: &'static str, value: impl ToString, reason: impl Into<String>) -> Self {
        Self::InvalidConfig { name, value: value.to_string(), reason: reason.into() }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, SemiError>;
