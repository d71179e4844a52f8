//! Numeric CSV tables: a header row of column names, then one row of numbers per record, one of
//! the columns being the target.
//!
//! Fields are separated by commas and trimmed of surrounding whitespace; blank lines are skipped
//! and a leading UTF-8 byte-order mark is ignored. Double-quoted fields are tolerated (a quoted
//! field may contain commas, and `""` inside quotes stands for one `"`), which is all the quoting
//! numeric tables need.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{DataError, Result};
use crate::item::VectorExample;

/// A numeric table read from CSV, split into features and a target column.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Names of the feature columns, in file order (the target column removed).
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
    /// One row of feature values per record, in the order of `feature_names`.
    pub rows: Vec<Vec<f32>>,
    /// The target value of each record, parallel to `rows`.
    pub targets: Vec<f32>,
}

impl Table {
    /// Treats the target as a class: the distinct target values, sorted ascending, become class
    /// indices `0..`; returns the examples and the class names (each value printed as an integer,
    /// e.g. `"3"`).
    ///
    /// # Errors
    /// [`DataError::NonIntegerTarget`] if a target value is not an integer.
    pub fn to_classification(&self) -> Result<(Vec<VectorExample>, Vec<String>)> {
        for (i, &value) in self.targets.iter().enumerate() {
            if !value.is_finite() || value.fract() != 0.0 {
                return Err(DataError::NonIntegerTarget { column: self.target_name.clone(), row: i + 1, value });
            }
        }
        // `+ 0.0` turns -0.0 into 0.0 so that both land in the same class.
        let mut classes: Vec<f32> = self.targets.iter().map(|&v| v + 0.0).collect();
        classes.sort_by(f32::total_cmp);
        classes.dedup();
        let examples = self
            .rows
            .iter()
            .zip(&self.targets)
            .map(|(row, &target)| {
                let label = classes.partition_point(|&c| c < target + 0.0);
                VectorExample { features: row.clone(), label }
            })
            .collect();
        let names = classes.iter().map(|c| format!("{c}")).collect();
        Ok((examples, names))
    }
}

/// Reads a numeric CSV table whose header names the columns; `target_column` names the column
/// holding the target, all other columns become features. Every field must be a finite number.
///
/// # Errors
/// [`DataError::Io`] (including a file that is not UTF-8), [`DataError::EmptyDataset`] (no header
/// or no data rows), [`DataError::CsvMissingColumn`], [`DataError::CsvDuplicateColumn`],
/// [`DataError::CsvFieldCount`], [`DataError::CsvNotANumber`] or
/// [`DataError::CsvUnterminatedQuote`]. Line numbers are 1-based, as in a text editor.
pub fn read_csv(path: impl AsRef<Path>, target_column: &str) -> Result<Table> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line)).filter(|(_, line)| !line.trim().is_empty());

    let Some((header_line, header)) = lines.next() else {
        return Err(DataError::EmptyDataset { path: path.to_path_buf(), what: "header row" });
    };
    let names = split_fields(path, header_line, header)?;
    let target_index = find_column(path, &names, target_column)?;

    let mut rows = Vec::new();
    let mut targets = Vec::new();
    for (line_number, line) in lines {
        let fields = split_fields(path, line_number, line)?;
        if fields.len() != names.len() {
            return Err(DataError::CsvFieldCount {
                path: path.to_path_buf(),
                line: line_number,
                expected: names.len(),
                found: fields.len(),
            });
        }
        let mut row = Vec::with_capacity(names.len() - 1);
        for (column, (field, name)) in fields.iter().zip(&names).enumerate() {
            let value = match field.parse::<f32>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    return Err(DataError::CsvNotANumber {
                        path: path.to_path_buf(),
                        line: line_number,
                        column: name.clone(),
                        value: field.clone(),
                    });
                }
            };
            if column == target_index {
                targets.push(value);
            } else {
                row.push(value);
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(DataError::EmptyDataset { path: path.to_path_buf(), what: "data rows" });
    }

    let mut feature_names = names;
    let target_name = feature_names.remove(target_index);
    Ok(Table { feature_names, target_name, rows, targets })
}

/// The index of the column named `target` (after trimming and unquoting).
fn find_column(path: &Path, names: &[String], target: &str) -> Result<usize> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for name in names {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    let target = target.trim();
    match counts.get(target) {
        None => Err(DataError::CsvMissingColumn { path: path.to_path_buf(), column: target.to_string() }),
        Some(&n) if n > 1 => {
            Err(DataError::CsvDuplicateColumn { path: path.to_path_buf(), column: target.to_string() })
        }
        Some(_) => Ok(names.iter().position(|n| n == target).unwrap_or_default()),
    }
}

/// Splits one line at the commas outside double quotes, trims each field and removes its
/// surrounding quotes (turning `""` inside them into `"`).
fn split_fields(path: &Path, line_number: usize, line: &str) -> Result<Vec<String>> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                fields.push(clean_field(&line[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err(DataError::CsvUnterminatedQuote { path: path.to_path_buf(), line: line_number });
    }
    fields.push(clean_field(&line[start..]));
    Ok(fields)
}

/// Trims a raw field and strips one pair of surrounding double quotes.
fn clean_field(raw: &str) -> String {
    let trimmed = raw.trim();
    match trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\"").trim().to_string(),
        None => trimmed.to_string(),
    }
}
