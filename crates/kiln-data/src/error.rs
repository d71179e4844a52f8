//! The one error type of this crate: every variant names the file, the record and what is wrong.

use std::path::PathBuf;

/// Result alias used throughout `kiln-data`.
pub type Result<T> = std::result::Result<T, DataError>;

/// Everything that can go wrong while reading or generating a dataset.
///
/// Variants carry the offending file (when there is one), the record inside it (index, line
/// number, column) and a description, so the `Display` text is enough to fix the input.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The operating system refused to open or read a file or directory.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file or directory being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// An IDX file does not start with the magic number expected for its role.
    #[error("{}: expected an IDX {expected} file, found {found}", .path.display())]
    BadMagic {
        /// The IDX file.
        path: PathBuf,
        /// What was expected, e.g. `"images (magic 0x00000803: u8, 3 dimensions)"`.
        expected: &'static str,
        /// What the header actually holds, e.g. `"magic 0x00000801 (u8, 1 dimension)"`.
        found: String,
    },

    /// An IDX file (after decompression) is shorter than its header promises.
    #[error(
        "{}: truncated IDX file: expected {expected} bytes (after decompression), found {found}",
        .path.display()
    )]
    Truncated {
        /// The IDX file.
        path: PathBuf,
        /// Bytes the header says the file holds (header included).
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },

    /// An IDX file (after decompression) holds more bytes than its header describes.
    #[error(
        "{}: IDX file has trailing data: expected {expected} bytes (after decompression), found {found}",
        .path.display()
    )]
    TrailingData {
        /// The IDX file.
        path: PathBuf,
        /// Bytes the header says the file holds (header included).
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },

    /// A gzipped file's compressed data is corrupt or cut short.
    #[error("{}: gzip data is corrupt or truncated: {source}", .path.display())]
    CorruptGzip {
        /// The gzipped file.
        path: PathBuf,
        /// What the decompressor reported.
        source: std::io::Error,
    },

    /// An IDX header has a valid magic number but unusable dimensions.
    #[error("{}: bad IDX header: dimensions {dims:?}: {reason}", .path.display())]
    BadIdxHeader {
        /// The IDX file.
        path: PathBuf,
        /// The dimensions read from the header.
        dims: Vec<u32>,
        /// Why they cannot be used.
        reason: &'static str,
    },

    /// A directory holds neither the plain nor the gzipped form of an expected file.
    #[error("{}: found neither {name} nor {name}.gz", .dir.display())]
    MissingFile {
        /// The directory searched.
        dir: PathBuf,
        /// The plain file name looked for.
        name: String,
    },

    /// An images file and its labels file hold different numbers of records.
    #[error(
        "{} holds {images} images but {} holds {labels} labels",
        .images_path.display(),
        .labels_path.display()
    )]
    LabelCountMismatch {
        /// The images file.
        images_path: PathBuf,
        /// Number of images in it.
        images: usize,
        /// The labels file.
        labels_path: PathBuf,
        /// Number of labels in it.
        labels: usize,
    },

    /// An image file could not be decoded (corrupt, truncated or not really an image).
    #[error("cannot decode image {}: {message}", .path.display())]
    UnreadableImage {
        /// The image file.
        path: PathBuf,
        /// What the decoder reported.
        message: String,
    },

    /// An image's size differs from the first image's, and no common size was requested.
    #[error(
        "{} is {}x{} (height x width) but {} is {}x{}; request a common size to resize all images",
        .path.display(), .found.0, .found.1, .first.display(), .expected.0, .expected.1
    )]
    ImageSizeMismatch {
        /// The offending image.
        path: PathBuf,
        /// Its `(height, width)`.
        found: (usize, usize),
        /// The first image read, whose size all others must share.
        first: PathBuf,
        /// The first image's `(height, width)`.
        expected: (usize, usize),
    },

    /// A file or folder holds no usable records.
    #[error("{}: no {what}", .path.display())]
    EmptyDataset {
        /// The file or folder.
        path: PathBuf,
        /// What is missing, e.g. `"data rows"` or `"image files (.png, .jpg, .jpeg)"`.
        what: &'static str,
    },

    /// An image-folder root holds no class subdirectories.
    #[error("{}: no class subdirectories (expected root/<class>/<image>)", .path.display())]
    NoClasses {
        /// The root folder.
        path: PathBuf,
    },

    /// A CSV row has a different number of fields than the header.
    #[error(
        "{}:{line}: expected {expected} fields (as in the header), found {found}",
        .path.display()
    )]
    CsvFieldCount {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Number of header fields.
        expected: usize,
        /// Number of fields on this line.
        found: usize,
    },

    /// A CSV field is not a finite number.
    #[error("{}:{line}: column \"{column}\": {value:?} is not a finite number", .path.display())]
    CsvNotANumber {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Name of the column (from the header).
        column: String,
        /// The offending text.
        value: String,
    },

    /// A CSV line has a double quote that is never closed.
    #[error("{}:{line}: unterminated double-quoted field", .path.display())]
    CsvUnterminatedQuote {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
    },

    /// The requested target column is not in the CSV header.
    #[error("{}: no column named \"{column}\" in the header", .path.display())]
    CsvMissingColumn {
        /// The CSV file.
        path: PathBuf,
        /// The column asked for.
        column: String,
    },

    /// The requested target column appears more than once in the CSV header.
    #[error("{}: column \"{column}\" appears more than once in the header", .path.display())]
    CsvDuplicateColumn {
        /// The CSV file.
        path: PathBuf,
        /// The ambiguous column name.
        column: String,
    },

    /// A classification target is not an integer value.
    #[error("target column \"{column}\", data row {row}: {value} is not an integer class value")]
    NonIntegerTarget {
        /// Name of the target column.
        column: String,
        /// 1-based index of the data row (header not counted).
        row: usize,
        /// The offending value.
        value: f32,
    },

    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
}

impl DataError {
    /// An [`DataError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
