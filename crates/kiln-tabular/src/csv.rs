//! The CSV entry point behind `kiln tabular --train train.csv --test test.csv --target label`.
//!
//! Both files are numeric CSV tables read with kiln-data's reader (header row, one row per
//! record). The training file must hold the target column, with integer class labels; the test
//! file may hold it too (then accuracy is reported) or not. Malformed files give the typed
//! [`kiln_data::DataError`] (wrapped in [`TabularError::Data`]) naming file, line and column.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kiln_data::DataError;
use kiln_data::formats::csv::{Table, read_csv};

use crate::error::{Result, TabularError};
use crate::tabpfn::classifier::{TabPfnClassifier, argmax};

/// Predictions for a test CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvPredictions {
    /// Name of the target column.
    pub target: String,
    /// Class labels (as in the training file), the columns of `probabilities`.
    pub classes: Vec<i64>,
    /// Predicted label of each test row.
    pub predictions: Vec<i64>,
    /// Class probabilities of each test row.
    pub probabilities: Vec<Vec<f32>>,
    /// Accuracy, when the test file holds the target column.
    pub accuracy: Option<f32>,
}

impl CsvPredictions {
    /// The predictions as CSV: `<target>,p_<class>...`, one line per test row.
    pub fn to_csv(&self) -> String {
        let mut out = self.target.clone();
        for c in &self.classes {
            let _ = write!(out, ",p_{c}");
        }
        out.push('\n');
        for (label, p) in self.predictions.iter().zip(&self.probabilities) {
            let _ = write!(out, "{label}");
            for v in p {
                let _ = write!(out, ",{v:.6}");
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

/// Integer class labels of a table's target column.
fn labels(table: &Table, path: &Path) -> Result<Vec<i64>> {
    table
        .targets
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
                Ok(value as i64)
            } else {
                Err(TabularError::BadTarget {
                    path: path.to_path_buf(),
                    column: table.target_name.clone(),
                    row: i + 1,
                    value,
                })
            }
        })
        .collect()
}

/// The column names of a CSV header (the first non-blank line), for a test file without target.
fn header(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .ok_or(DataError::EmptyDataset { path: path.to_path_buf(), what: "header row" })?;
    Ok(line.split(',').map(|f| f.trim().trim_matches('"').to_string()).collect())
}

/// A test file: feature names, rows, and labels when the target column is present.
struct TestTable {
    names: Vec<String>,
    rows: Vec<Vec<f32>>,
    labels: Option<Vec<i64>>,
}

/// Reads the test file, with or without the target column.
fn read_test(path: &Path, target: &str) -> Result<TestTable> {
    match read_csv(path, target) {
        Ok(table) => {
            let y = labels(&table, path)?;
            Ok(TestTable { names: table.feature_names, rows: table.rows, labels: Some(y) })
        }
        Err(DataError::CsvMissingColumn { .. }) => {
            // No target column: read every column as a feature, using the first as the reader's
            // "target" and putting it back in front.
            let names = header(path)?;
            let first = names.first().cloned().unwrap_or_default();
            let table = read_csv(path, &first)?;
            let rows = table
                .rows
                .iter()
                .zip(&table.targets)
                .map(|(row, &t)| std::iter::once(t).chain(row.iter().copied()).collect())
                .collect();
            Ok(TestTable { names, rows, labels: None })
        }
        Err(e) => Err(e.into()),
    }
}

/// Fits `classifier` on `train` and predicts `test`, both CSV files, `target` naming the class
/// column.
///
/// # Errors
/// [`TabularError::Data`] for unreadable or malformed files (missing target column, ragged rows,
/// non-numbers, empty files), [`TabularError::BadTarget`] for non-integer labels,
/// [`TabularError::ColumnMismatch`] when the files' feature columns differ, and the limits of
/// [`TabPfnClassifier::fit`] (too many rows, features or classes).
pub fn predict_csv(
    classifier: &mut TabPfnClassifier,
    train: impl AsRef<Path>,
    test: impl AsRef<Path>,
    target: &str,
) -> Result<CsvPredictions> {
    let (train, test): (PathBuf, PathBuf) = (train.as_ref().into(), test.as_ref().into());
    let table = read_csv(&train, target)?;
    let y = labels(&table, &train)?;
    let mut classes = y.clone();
    classes.sort_unstable();
    classes.dedup();
    let y_index: Vec<usize> = y.iter().map(|v| classes.partition_point(|c| c < v)).collect();

    let TestTable { names, rows, labels: truth } = read_test(&test, target)?;
    if names != table.feature_names {
        return Err(TabularError::ColumnMismatch { path: test, expected: table.feature_names, found: names });
    }
    classifier.fit(&table.rows, &y_index)?;
    let probabilities = classifier.predict_proba(&rows)?;
    let predictions: Vec<i64> = probabilities.iter().map(|p| classes[argmax(p)]).collect();
    let accuracy = truth.map(|t| {
        let correct = t.iter().zip(&predictions).filter(|(a, b)| a == b).count();
        correct as f32 / t.len().max(1) as f32
    });
    Ok(CsvPredictions { target: target.to_string(), classes, predictions, probabilities, accuracy })
}
