//! The error type of `kiln-geom`: malformed files name the file and the element at fault.

use std::path::PathBuf;

/// Everything that can go wrong in `kiln-geom`.
#[derive(Debug, thiserror::Error)]
pub enum GeomError {
    /// Reading or writing a file failed at the OS level.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file does not start with the header its format requires.
    #[error("{path}: bad header: {message}")]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// What was expected and what was found.
        message: String,
    },
    /// The file declares a number of elements that its body does not contain.
    #[error("{path}: count mismatch for {element}: header declares {declared}, body has {found}")]
    CountMismatch {
        /// The file.
        path: PathBuf,
        /// `"vertex"` or `"face"`.
        element: &'static str,
        /// What the header declares.
        declared: usize,
        /// What the body holds.
        found: usize,
    },
    /// A face refers to a vertex that does not exist.
    #[error("{path}: face {face} refers to vertex {index}, but there are {vertices} vertices")]
    FaceIndexOutOfRange {
        /// The file.
        path: PathBuf,
        /// The face's position in the file (0-based).
        face: usize,
        /// The offending vertex index (0-based).
        index: i64,
        /// Number of vertices.
        vertices: usize,
    },
    /// A binary body ended before the declared elements were read.
    #[error("{path}: binary body truncated in {element} {index}")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// `"vertex"` or `"face"`.
        element: &'static str,
        /// The element being read when the data ran out (0-based).
        index: usize,
    },
    /// A line or value could not be parsed.
    #[error("{path}: cannot parse {element} {index}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// `"vertex"`, `"face"` or `"header"`.
        element: &'static str,
        /// The element's position (0-based).
        index: usize,
        /// What went wrong.
        message: String,
    },
    /// The file's extension names no supported format.
    #[error("{path}: unsupported mesh format (expected .off, .obj or .ply)")]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// Arguments are inconsistent (empty cloud, mismatched lengths, bad configuration).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// An error from the training engine or a checkpoint.
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
    /// Writing an image failed.
    #[error("{path}: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl GeomError {
    /// An [`GeomError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}

/// `Result` with [`GeomError`].
pub type Result<T> = std::result::Result<T, GeomError>;
