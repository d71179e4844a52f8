//! The error type of `kiln-graph`: malformed graphs and malformed files, each naming where.

use std::path::PathBuf;

/// Everything that can go wrong in `kiln-graph`.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// A node id is not below the number of nodes.
    #[error("node id {id} out of range: the graph has {num_nodes} nodes")]
    NodeOutOfRange {
        /// The offending id.
        id: usize,
        /// Number of nodes.
        num_nodes: usize,
    },
    /// Two per-node or per-edge arrays disagree in length.
    #[error("length mismatch: {what} has {found} entries, expected {expected}")]
    LengthMismatch {
        /// Which array.
        what: &'static str,
        /// Its length.
        found: usize,
        /// The length it should have.
        expected: usize,
    },
    /// A configuration or argument is out of range.
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file a format needs beside the one given is missing.
    #[error("{path}: missing companion file ({what})")]
    MissingFile {
        /// The missing file.
        path: PathBuf,
        /// What it should have held.
        what: &'static str,
    },
    /// A field could not be parsed as a number.
    #[error("{path}:{line}: field {field} `{value}` is not a {expected}")]
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 1-based field number.
        field: usize,
        /// The text found.
        value: String,
        /// What was expected ("integer", "number").
        expected: &'static str,
    },
    /// A row has the wrong number of fields.
    #[error("{path}:{line}: expected {expected} fields, found {found}")]
    Ragged {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Fields expected.
        expected: String,
        /// Fields found.
        found: usize,
    },
    /// An id in a file refers to something that does not exist.
    #[error("{path}:{line}: id `{id}` out of range ({message})")]
    IdOutOfRange {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The id as written.
        id: String,
        /// What range was expected.
        message: String,
    },
    /// An error from the training engine.
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
}

impl GraphError {
    /// A [`GraphError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}

/// `Result` with [`GraphError`].
pub type Result<T> = std::result::Result<T, GraphError>;
