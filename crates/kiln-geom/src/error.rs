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
    /// A header count that the rest of the file cannot hold (checked before anything is
    /// allocated for it).
    #[error(
        "{path}: header declares {declared} {element} elements, more than the remaining {available} bytes can hold"
    )]
    ImplausibleCount {
        /// The file.
        path: PathBuf,
        /// `"vertex"`, `"face"` or `"element"` (another PLY element).
        element: &'static str,
        /// What the header declares.
        declared: usize,
        /// Bytes left in the file for this and the following elements.
        available: usize,
    },
    /// A coordinate (or another value that must be a finite `f32`) is NaN, infinite or beyond
    /// the range of `f32`.
    #[error("{path}: {element} {index} has the non-finite value `{value}` (NaN, infinity or beyond f32)")]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// `"vertex"` (the element the value belongs to).
        element: &'static str,
        /// The element's position (0-based).
        index: usize,
        /// The value as written (or read).
        value: String,
    },
    /// A face with fewer than three corners.
    #[error("{path}: face {face} has {corners} corners; a face needs at least 3")]
    TooFewCorners {
        /// The file.
        path: PathBuf,
        /// The face's position in the file (0-based).
        face: usize,
        /// Corners the face has.
        corners: usize,
    },
    /// A face corner that is not an integer vertex index (`2.7`, `nan`, `x`).
    #[error("{path}: face {face} has the vertex index `{value}`, which is not an integer")]
    BadIndex {
        /// The file.
        path: PathBuf,
        /// The face's position in the file (0-based).
        face: usize,
        /// The index as written (or read).
        value: String,
    },
    /// A list length (a PLY list's count, an OFF face's corner count) that is negative or not an
    /// integer.
    #[error("{path}: {element} {index} has the list length `{value}`, which is not a non-negative integer")]
    BadListLength {
        /// The file.
        path: PathBuf,
        /// `"vertex"`, `"face"` or `"element"`.
        element: &'static str,
        /// The element's position (0-based).
        index: usize,
        /// The length as written (or read).
        value: String,
    },
    /// Bytes after the last element a binary header declares.
    #[error("{path}: {count} bytes after the last declared element")]
    TrailingBytes {
        /// The file.
        path: PathBuf,
        /// How many.
        count: usize,
    },
    /// A mesh without faces where a closed surface is needed (reconstruction).
    #[error("{path}: the mesh has no faces; reconstruction needs a closed surface")]
    NoFaces {
        /// The file.
        path: PathBuf,
    },
    /// A BSP-Net checkpoint directory without its files.
    #[error(
        "{dir}: no BSP-Net checkpoint here (config.json and model.bpk); `cargo xtask reproduce geom` trains one into runs/geom-bspnet3d, and `kiln geom reconstruct` without --checkpoint uses the model shipped in kiln-geom"
    )]
    MissingCheckpoint {
        /// The directory.
        dir: PathBuf,
    },
    /// An APEN checkpoint directory without its files (`apen.json` and `model.bpk`).
    #[error("{dir}: no APEN checkpoint here (apen.json and model.bpk, as `Apen::save` writes them)")]
    MissingApenCheckpoint {
        /// The directory.
        dir: PathBuf,
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
    /// A labelled cloud for part segmentation that cannot be used (no `label` property, too
    /// few points, a label beyond the model's parts).
    #[error("{path}: {message}")]
    LabelledCloud {
        /// The PLY file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
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
    /// A fixed-stride binary file (KITTI `.bin`, SemanticKITTI `.label`) whose length is not a
    /// multiple of its record size.
    #[error("{path}: {len} bytes is not a multiple of the {stride}-byte record")]
    Misaligned {
        /// The file.
        path: PathBuf,
        /// The file's length in bytes.
        len: usize,
        /// Bytes per record.
        stride: usize,
    },
    /// A LiDAR scan file without a single point.
    #[error("{path}: the scan has no points")]
    EmptyScan {
        /// The file.
        path: PathBuf,
    },
    /// A SemanticKITTI `.label` file whose label count differs from its scan's point count.
    #[error("{path}: {labels} labels for a scan of {points} points")]
    LabelCountMismatch {
        /// The label file.
        path: PathBuf,
        /// Labels in the file.
        labels: usize,
        /// Points in the scan.
        points: usize,
    },
    /// A bird's-eye-view grid that has no cells, a resolution that is not positive and finite,
    /// an extent that is not a whole number of cells, or more cells than allowed.
    #[error("bad BEV grid: {message}")]
    BadBevGrid {
        /// What is wrong with the grid.
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
