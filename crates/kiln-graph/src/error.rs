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
    /// A file is not UTF-8 text.
    #[error("{path}:{line}: not UTF-8 text")]
    NotText {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
    },
    /// A file has no data lines (only blanks and comments, or nothing).
    #[error("{path}: no {what}: the file has no data lines")]
    Empty {
        /// The file.
        path: PathBuf,
        /// What it should have held ("edges", "papers", ...).
        what: &'static str,
    },
    /// A number parsed but is not finite (`nan`, `inf`, or beyond `f32`, such as `1e40`).
    #[error("{path}:{line}: field {field} `{value}` is not a finite number")]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 1-based field number.
        field: usize,
        /// The text found.
        value: String,
    },
    /// An edge appears twice with different weights (and no rule to combine them was chosen).
    #[error(
        "{path}:{line}: edge {from} {to} has weight {weight}, but line {first_line} gave it {first_weight}; \
         a repeated edge must repeat its weight"
    )]
    ConflictingDuplicate {
        /// The file.
        path: PathBuf,
        /// 1-based line of the repetition.
        line: usize,
        /// 1-based line where the edge first appeared.
        first_line: usize,
        /// The edge's first node id, as in the file.
        from: u64,
        /// The edge's second node id, as in the file.
        to: u64,
        /// The weight on `line`.
        weight: f32,
        /// The weight on `first_line`.
        first_weight: f32,
    },
    /// Data a file describes would take more memory than its size allows.
    #[error("{path}: {message}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What is too large, and the bound.
        message: String,
    },
    /// A labelled graph of a TU data set has no node.
    #[error("{path}:{line}: graph {graph} has no node (no line of {indicator} names it)")]
    NoNodes {
        /// The graph-label file.
        path: PathBuf,
        /// 1-based line of the graph's label.
        line: usize,
        /// The 1-based graph id.
        graph: usize,
        /// The graph-indicator file.
        indicator: PathBuf,
    },
    /// A typed-graph file names a node type that the graph does not have.
    #[error("{path}:{line}: unknown node type `{name}`")]
    UnknownType {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The type as written.
        name: String,
    },
    /// A node's feature vector is not as long as the others of its type.
    #[error("{path}:{line}: {found} features, but the nodes of type `{node_type}` before it have {expected}")]
    FeatureWidth {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The node type.
        node_type: String,
        /// Features on this line.
        found: usize,
        /// Features of the type's first node.
        expected: usize,
    },
    /// An error from the training engine.
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
    /// A record of a fixed-column file (PDB) is malformed: a line too short for its fields, a
    /// residue repeated, no Cα at all, a truncated gzip stream.
    #[error("{path}:{line}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number (for a corrupt gzip stream: the line being decoded).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl GraphError {
    /// A [`GraphError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}

/// `Result` with [`GraphError`].
pub type Result<T> = std::result::Result<T, GraphError>;
