//! The crate's one error type: every variant names the input that is wrong (file, row, field).

use std::path::PathBuf;

/// Result alias used throughout `kiln-seq`.
pub type Result<T> = std::result::Result<T, SeqError>;

/// Everything that can go wrong reading sequences, building batches, training or decoding.
#[derive(Debug, thiserror::Error)]
pub enum SeqError {
    /// A file could not be read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A required column (the `date` column, the target) is absent from a CSV header.
    #[error("{}: no column `{column}` in the header", .path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column looked for.
        column: String,
    },
    /// A field could not be parsed (a date, a number).
    #[error("{}: row {row}, column `{column}`: cannot parse `{value}` as {expected}", .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file.
        row: usize,
        /// The column (header name, or its index).
        column: String,
        /// The text found.
        value: String,
        /// What was expected (`"a number"`, `"a date YYYY-MM-DD HH:MM:SS"`).
        expected: &'static str,
    },
    /// A row has a different number of fields than the header.
    #[error("{}: row {row} has {found} fields, the header has {expected}", .path.display())]
    RaggedRow {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file.
        row: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A series is too short for the windows asked of it.
    #[error("series of length {len} is shorter than {needed} ({what})")]
    SeriesTooShort {
        /// Length available.
        len: usize,
        /// Length needed.
        needed: usize,
        /// Why it is needed (`"seq_len + pred_len"`, `"the test split"`).
        what: String,
    },
    /// A length that must be a multiple of a period is not.
    #[error("{what} = {value} is not a multiple of the period {period}")]
    NotMultipleOfPeriod {
        /// The quantity (`"seq_len"`, `"pred_len"`).
        what: &'static str,
        /// Its value.
        value: usize,
        /// The period.
        period: usize,
    },
    /// A malformed NTU RGB+D `.skeleton` file (truncated frame, wrong joint count, bad number).
    #[error("{}: line {line}: {problem}", .path.display())]
    Skeleton {
        /// The file.
        path: PathBuf,
        /// 1-based line number where the problem was found.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// An input has nothing in it (no sequences, an empty sequence).
    #[error("empty input: {what}")]
    Empty {
        /// What is empty.
        what: String,
    },
    /// An input value is NaN or infinite.
    #[error("{what}: value {value} at index {index} is not finite")]
    NonFinite {
        /// What holds the value.
        what: String,
        /// Flat index of the value.
        index: usize,
        /// The value.
        value: f32,
    },
    /// Shapes or lengths that must agree do not.
    #[error("{what}: expected {expected}, found {found}")]
    Shape {
        /// What is compared.
        what: String,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A configuration value outside its valid range.
    #[error("invalid configuration: {field} = {value}: {reason}")]
    Config {
        /// The field.
        field: &'static str,
        /// Its value, formatted.
        value: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// An error of the training engine or of a device read.
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
    /// An error of kiln-data.
    #[error(transparent)]
    Data(#[from] kiln_data::DataError),
}
