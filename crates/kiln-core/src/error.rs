//! The error type of `kiln-core`.

use std::path::PathBuf;

/// Everything that can go wrong in `kiln-core`.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A device string could not be parsed.
    #[error("unknown device `{0}`: expected auto, cpu, flex, ndarray, wgpu[:N] or cuda[:N]")]
    UnknownDevice(String),
    /// The requested backend was not compiled into this build.
    #[error("device `{device}` needs the `{feature}` feature: rebuild with `--features {feature}`")]
    BackendNotCompiled {
        /// The device that was asked for.
        device: String,
        /// The cargo feature that enables it.
        feature: &'static str,
    },
    /// The backend is compiled but no such device is present.
    #[error("device `{device}` is not present on this machine ({found} found)")]
    DeviceNotPresent {
        /// The device that was asked for.
        device: String,
        /// How many devices of that backend were found.
        found: usize,
    },
    /// A configuration value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A checkpoint could not be written or read.
    #[error("checkpoint {path}: {message}")]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A batch source could not build a batch (a failed prior draw, a malformed graph).
    #[error("batch {index} of epoch {epoch}: {source}")]
    Batch {
        /// Epoch of the batch.
        epoch: usize,
        /// Index of the batch within the epoch.
        index: usize,
        /// What the source reported.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A [`Trainable`](crate::train::Trainable) pattern matches no parameter of the model.
    #[error("trainable pattern `{pattern}` matches no parameter; the model's top-level modules are: {modules}")]
    UnmatchedPattern {
        /// The pattern.
        pattern: String,
        /// The model's top-level module names, comma separated.
        modules: String,
    },
    /// Reading a tensor back to the host failed.
    #[error("reading a tensor to the host failed: {0}")]
    TensorRead(String),
    /// A node of a training group failed, timed out, or does not fit the group
    /// ([`Cluster`](crate::train::Cluster)).
    #[error("training group: {0}")]
    Cluster(String),
    /// A phase action (a non-gradient step such as ProtoPNet's push) failed.
    #[error("phase `{phase}` failed: {message}")]
    Phase {
        /// The phase's name.
        phase: String,
        /// What went wrong.
        message: String,
    },
}

impl CoreError {
    /// An [`CoreError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}

impl CoreError {
    /// A [`CoreError::Batch`] wrapping any error of a batch source.
    pub fn batch(epoch: usize, index: usize, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Batch { epoch, index, source: source.into() }
    }
}

/// `Result` with [`CoreError`].
pub type Result<T> = std::result::Result<T, CoreError>;
