//! A CSV table split into feature columns and a target column: [`Table`], and the target as
//! classes.

use std::path::PathBuf;

use super::column::{Column, ColumnKind};
use super::encode::{Encoding, encode_rows, encoded_names};
use crate::error::{DataError, Result};
use crate::item::VectorExample;

/// A CSV table: feature columns and the target column.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file.
    pub path: PathBuf,
    /// The feature columns, in file order (the target removed).
    pub features: Vec<Column>,
    /// The target column.
    pub target: Column,
    /// The 1-based line of each data row, as shown by a text editor.
    pub lines: Vec<usize>,
}

/// The target column as classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classes {
    /// Class names, sorted: text labels in byte order, numeric labels by value (printed as
    /// integers, e.g. `"3"`).
    pub names: Vec<String>,
    /// The class of each row, an index into `names`.
    pub labels: Vec<usize>,
}

impl Table {
    /// Names of the feature columns, in file order.
    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|c| c.name.clone()).collect()
    }

    /// Name of the target column.
    pub fn target_name(&self) -> &str {
        &self.target.name
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no data rows (never, for a table that was read).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The feature rows, categorical columns encoded (see [`Encoding`]); NaN where a value is
    /// missing.
    ///
    /// # Errors
    /// [`DataError::CsvTooManyCategories`] for a one-hot encoding of too many categories.
    pub fn rows(&self, encoding: Encoding) -> Result<Vec<Vec<f32>>> {
        encode_rows(&self.path, &self.features, encoding)
    }

    /// The names of the encoded feature columns of [`Table::rows`].
    pub fn encoded_names(&self, encoding: Encoding) -> Vec<String> {
        encoded_names(&self.features, encoding)
    }

    /// The target as classes: a text column's sorted categories, or the sorted distinct values
    /// of a numeric column, which must be integers.
    ///
    /// # Errors
    /// [`DataError::CsvMissingTarget`] for a row without a target value,
    /// [`DataError::NonIntegerTarget`] for a numeric value that is not an integer.
    pub fn classes(&self) -> Result<Classes> {
        let missing = |i: usize| DataError::CsvMissingTarget {
            path: self.path.clone(),
            line: self.lines[i],
            column: self.target.name.clone(),
        };
        if let Some(i) = self.target.values.iter().position(|v| v.is_nan()) {
            return Err(missing(i));
        }
        match &self.target.kind {
            ColumnKind::Categorical(names) => Ok(Classes {
                names: names.clone(),
                // Lossless: category indices are small non-negative integers.
                labels: self.target.values.iter().map(|&v| v as usize).collect(),
            }),
            ColumnKind::Numeric => {
                if let Some(i) = self.target.values.iter().position(|v| v.fract() != 0.0) {
                    return Err(DataError::NonIntegerTarget {
                        path: self.path.clone(),
                        line: self.lines[i],
                        column: self.target.name.clone(),
                        value: self.target.values[i],
                    });
                }
                // `+ 0.0` turns -0.0 into 0.0 so that both land in the same class.
                let mut values: Vec<f32> = self.target.values.iter().map(|&v| v + 0.0).collect();
                values.sort_by(f32::total_cmp);
                values.dedup();
                let labels = self.target.values.iter().map(|&v| values.partition_point(|&c| c < v + 0.0)).collect();
                Ok(Classes { names: values.iter().map(|c| format!("{c}")).collect(), labels })
            }
        }
    }

    /// The rows as classification examples: categorical features one-hot encoded, NaN where a
    /// value is missing (impute before training, e.g. with [`MeanImputer`](crate::MeanImputer));
    /// returns the examples and the class names.
    ///
    /// # Errors
    /// As [`Table::classes`] and [`Table::rows`].
    pub fn to_classification(&self) -> Result<(Vec<VectorExample>, Vec<String>)> {
        let Classes { names, labels } = self.classes()?;
        let rows = self.rows(Encoding::OneHot)?;
        let examples =
            rows.into_iter().zip(labels).map(|(features, label)| VectorExample { features, label }).collect();
        Ok((examples, names))
    }
}
