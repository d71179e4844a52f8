//! The crate's one error type: every variant says which input is wrong and by how much.

use std::path::PathBuf;

/// Result alias used throughout `kiln-tabular`.
pub type Result<T> = std::result::Result<T, TabularError>;

/// Everything that can go wrong when generating prior data, fitting or predicting.
#[derive(Debug, thiserror::Error)]
pub enum TabularError {
    /// More training rows than the model was trained to attend over.
    #[error("{found} training rows, but the model accepts at most {max} (TabPFN's limit)")]
    TooManyRows {
        /// Rows given.
        found: usize,
        /// The model's limit.
        max: usize,
    },
    /// More feature columns than the model's input width.
    #[error("{found} features, but the model accepts at most {max}")]
    TooManyFeatures {
        /// Features given.
        found: usize,
        /// The model's limit.
        max: usize,
    },
    /// More distinct classes than the model's output width.
    #[error("{found} distinct classes in the training targets, but the model predicts at most {max}")]
    TooManyClasses {
        /// Classes found.
        found: usize,
        /// The model's limit.
        max: usize,
    },
    /// Fewer than two classes (nothing to classify) or no rows at all.
    #[error("need at least {min} {what}, found {found}")]
    TooFew {
        /// What is counted (`"training rows"`, `"classes"`, `"features"`).
        what: &'static str,
        /// The minimum.
        min: usize,
        /// What was given.
        found: usize,
    },
    /// A row has a different number of values than the first row (or than `fit` saw).
    #[error("row {row} has {found} values, expected {expected}")]
    ShapeMismatch {
        /// 0-based row index.
        row: usize,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// Features and targets have different lengths.
    #[error("{rows} feature rows but {targets} targets")]
    LengthMismatch {
        /// Feature rows.
        rows: usize,
        /// Targets.
        targets: usize,
    },
    /// A feature value is infinite (NaN marks a missing value and is allowed).
    #[error("row {row}, feature {feature}: {value} is not finite (use NaN for a missing value)")]
    NotFinite {
        /// 0-based row.
        row: usize,
        /// 0-based feature column.
        feature: usize,
        /// The value.
        value: f32,
    },
    /// `predict` was called before `fit`.
    #[error("the classifier is not fitted: call fit(x, y) first")]
    NotFitted,
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// A CSV file could not be read or is malformed.
    #[error(transparent)]
    Data(#[from] kiln_data::DataError),
    /// Train and test CSV files have different feature columns.
    #[error("{}: feature columns {found:?} differ from the training file's {expected:?}", .path.display())]
    ColumnMismatch {
        /// The test CSV file.
        path: PathBuf,
        /// The training file's feature columns.
        expected: Vec<String>,
        /// This file's feature columns.
        found: Vec<String>,
    },
    /// Weights could not be loaded or saved.
    #[error("weights {what}: {message}")]
    Weights {
        /// Which weights (a path or "shipped checkpoint").
        what: String,
        /// What burn reported.
        message: String,
    },
    /// Writing an output file failed.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}
