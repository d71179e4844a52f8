//! The CSV entry point behind `kiln tabular --train train.csv --test test.csv --target label`.
//!
//! Both files are read with kiln-data's CSV reader ([`kiln_data::formats::csv`]): a header row,
//! one row per record, `,` or the delimiter of [`CsvOptions`]. The training file must hold the
//! target column: text labels become classes named by their values (sorted), numeric labels
//! must be integers. The test file holds the same feature columns, in the same order, and the
//! target column or not (with it, accuracy is reported).
//!
//! Features follow TabPFN v1's preprocessing: missing values (empty, `NA`, `nan`, ...) stay NaN
//! and the model's preprocessing handles them; a categorical (text) column is ordinal-encoded by
//! its sorted training categories, and a test category the training file lacks is
//! [`DataError::CsvUnknownCategory`](kiln_data::DataError::CsvUnknownCategory). Malformed files
//! give the typed [`kiln_data::DataError`] (wrapped in [`TabularError::Data`]) naming file, line
//! and column.

use std::path::{Path, PathBuf};

use kiln_data::formats::csv::{Classes, ColumnKind, CsvOptions, Encoding, Frame, Table, read_csv_with};

use crate::error::{Result, TabularError};
use crate::tabpfn::classifier::{TabPfnClassifier, argmax};

/// Predictions for a test CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvPredictions {
    /// Name of the target column.
    pub target: String,
    /// Class names (as in the training file), the columns of `probabilities`.
    pub classes: Vec<String>,
    /// Predicted class name of each test row.
    pub predictions: Vec<String>,
    /// Class probabilities of each test row.
    pub probabilities: Vec<Vec<f32>>,
    /// Accuracy, when the test file holds the target column.
    pub accuracy: Option<f32>,
}

impl CsvPredictions {
    /// The predictions as CSV: `<target>,p_<class>...`, one line per test row (names quoted
    /// where CSV needs it).
    pub fn to_csv(&self) -> String {
        let mut out = quoted(&self.target);
        for c in &self.classes {
            out.push(',');
            out.push_str(&quoted(&format!("p_{c}")));
        }
        out.push('\n');
        for (label, p) in self.predictions.iter().zip(&self.probabilities) {
            out.push_str(&quoted(label));
            for v in p {
                out.push_str(&format!(",{v:.6}"));
            }
            out.push('\n');
        }
        out
    }

    /// Writes [`to_csv`](Self::to_csv) to `path`.
    ///
    /// # Errors
    /// [`TabularError::Io`].
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_csv()).map_err(|source| TabularError::Io { path: path.to_path_buf(), source })
    }
}

/// `text` as one CSV field: quoted (with `"` doubled) when it holds a comma, a quote, a line
/// break or surrounding spaces.
fn quoted(text: &str) -> String {
    let needs = text.contains([',', '"', '\n', '\r']) || text.trim() != text;
    if needs { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// A test file: its feature rows, and the class name of each row when the target is present.
struct TestRows {
    rows: Vec<Vec<f32>>,
    truth: Option<Vec<String>>,
}

/// Reads the test file against the training table: the same feature columns in the same order
/// (the target anywhere, or absent), each categorical column encoded by the training categories.
fn read_test(path: &Path, train: &Table, options: &CsvOptions) -> Result<TestRows> {
    let target = train.target_name();
    let names = Frame::header(path, options)?;
    let features: Vec<String> = names.iter().filter(|n| n.as_str() != target).cloned().collect();
    let expected = train.feature_names();
    if features != expected {
        return Err(TabularError::ColumnMismatch { path: path.to_path_buf(), expected, found: features });
    }
    let mut train_kinds = train.features.iter().map(|c| c.kind.clone());
    let kinds: Vec<Option<ColumnKind>> =
        names.iter().map(|n| if n == target { None } else { train_kinds.next() }).collect();
    let frame = Frame::read_against(path, options, &kinds, &train.path)?;
    if features.len() == names.len() {
        return Ok(TestRows { rows: frame.rows(Encoding::Ordinal)?, truth: None });
    }
    let table = frame.into_table(target)?;
    let Classes { names, labels } = table.classes()?;
    let truth = labels.into_iter().map(|l| names[l].clone()).collect();
    Ok(TestRows { rows: table.rows(Encoding::Ordinal)?, truth: Some(truth) })
}

/// Fits `classifier` on `train` and predicts `test`, both comma-separated CSV files, `target`
/// naming the class column.
///
/// # Errors
/// As [`predict_csv_with`].
pub fn predict_csv(
    classifier: &mut TabPfnClassifier,
    train: impl AsRef<Path>,
    test: impl AsRef<Path>,
    target: &str,
) -> Result<CsvPredictions> {
    predict_csv_with(classifier, train, test, target, &CsvOptions::default())
}

/// [`predict_csv`] with other [`CsvOptions`] (a `;` or tab delimiter).
///
/// # Errors
/// [`TabularError::Data`] for unreadable or malformed files (missing target column, ragged rows,
/// text in a numeric column, a missing or non-integer numeric label, a test category the
/// training file lacks, empty files), [`TabularError::ColumnMismatch`] when the files' feature
/// columns differ, and the limits of [`TabPfnClassifier::fit`] (too many rows, features or
/// classes).
pub fn predict_csv_with(
    classifier: &mut TabPfnClassifier,
    train: impl AsRef<Path>,
    test: impl AsRef<Path>,
    target: &str,
    options: &CsvOptions,
) -> Result<CsvPredictions> {
    let (train, test): (PathBuf, PathBuf) = (train.as_ref().into(), test.as_ref().into());
    let table = read_csv_with(&train, target, options)?;
    let Classes { names: classes, labels } = table.classes()?;
    let rows = table.rows(Encoding::Ordinal)?;
    let TestRows { rows: test_rows, truth } = read_test(&test, &table, options)?;
    classifier.fit(&rows, &labels)?;
    let probabilities = classifier.predict_proba(&test_rows)?;
    let predictions: Vec<String> = probabilities.iter().map(|p| classes[argmax(p)].clone()).collect();
    let accuracy = truth.map(|t| {
        let correct = t.iter().zip(&predictions).filter(|(a, b)| a == b).count();
        correct as f32 / t.len().max(1) as f32
    });
    Ok(CsvPredictions { target: table.target_name().to_string(), classes, predictions, probabilities, accuracy })
}
