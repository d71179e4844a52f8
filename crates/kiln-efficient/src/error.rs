//! The errors of this crate: each names the value or file that is wrong.

use std::path::PathBuf;

/// What can go wrong in kiln-efficient.
#[derive(Debug, thiserror::Error)]
pub enum EfficientError {
    /// The parallel network was given a different number of hidden states than it has stages.
    #[error("UniPT expects {expected} hidden states (one per backbone stage), got {got}")]
    StageCount {
        /// Stages the network was built for.
        expected: usize,
        /// Hidden states given.
        got: usize,
    },
    /// A hidden state has the wrong channels, batch or grid.
    #[error("hidden state {index} has shape {got:?}: {reason}")]
    StageShape {
        /// Index of the hidden state (0 = shallowest).
        index: usize,
        /// Its shape `[batch, channels, height, width]`.
        got: [usize; 4],
        /// What was expected.
        reason: String,
    },
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

impl EfficientError {
    /// An [`EfficientError::InvalidConfig`].
    pub fn config(name: &'static str, value: impl ToString, reason: impl Into<String>) -> Self {
        Self::InvalidConfig { name, value: value.to_string(), reason: reason.into() }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, EfficientError>;
