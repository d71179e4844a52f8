//! The columns of a CSV table: missing values, how a column's kind (numbers or categories) is
//! decided, and how its fields are decoded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};

/// Field texts read as a missing value (compared without regard to case), besides the empty
/// field: pandas' usual markers and UCI's `?`.
pub const MISSING_MARKERS: [&str; 9] = ["NA", "N/A", "NaN", "-NaN", "null", "None", "<NA>", "#N/A", "?"];

/// The most categories a column may hold: a category index must be exact in an `f32`.
const MAX_CODES: usize = 1 << 24;

/// Whether a (trimmed) field is a missing value: empty or one of [`MISSING_MARKERS`].
pub fn is_missing(field: &str) -> bool {
    field.is_empty() || MISSING_MARKERS.iter().any(|marker| field.eq_ignore_ascii_case(marker))
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// Numbers.
    Numeric,
    /// Text categories, sorted; a value is the index of its category in this list.
    Categorical(Vec<String>),
}

/// One column of a CSV file, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name from the header.
    pub name: String,
    /// Numbers or categories.
    pub kind: ColumnKind,
    /// One value per data row: the number, or the index of the category in the kind's list
    /// (TabPFN v1's ordinal code); NaN where the value is missing.
    pub values: Vec<f32>,
}

impl Column {
    /// The categories of a categorical column; `None` for numbers.
    pub fn categories(&self) -> Option<&[String]> {
        match &self.kind {
            ColumnKind::Numeric => None,
            ColumnKind::Categorical(categories) => Some(categories),
        }
    }

    /// How many values are missing.
    pub fn missing(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }
}

/// The first pass over a column: how many of its present values are numbers and how many are
/// text. A column is categorical when text is the majority; otherwise it is numeric and every
/// text field in it is an error (a typo must not turn a numeric column into categories).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    numbers: usize,
    texts: usize,
}

impl Tally {
    /// Counts one field.
    pub fn add(&mut self, field: &str) {
        if is_missing(field) {
            return;
        }
        if field.parse::<f32>().is_ok() {
            self.numbers += 1;
        } else {
            self.texts += 1;
        }
    }

    /// Whether the column is categorical.
    pub fn is_categorical(self) -> bool {
        self.texts > self.numbers
    }
}

/// The second pass over a column: turns fields into values.
pub(super) enum Decoder {
    /// Numbers: non-finite values and text are errors.
    Numeric,
    /// Categories collected from this file, numbered in order of first appearance until
    /// [`Decoder::finish`] sorts them.
    Collect {
        /// Category → provisional code.
        codes: HashMap<String, u32>,
        /// Categories in order of first appearance.
        seen: Vec<String>,
    },
    /// The categories of a reference file (the training file): a category it lacks is an error.
    Known {
        /// The sorted categories.
        categories: Vec<String>,
        /// The reference file, for the error.
        reference: PathBuf,
    },
}

impl Decoder {
    /// A decoder for a column whose kind is given by a reference file, or decided here by `tally`.
    pub fn new(known: Option<(&ColumnKind, &Path)>, tally: Tally) -> Self {
        match known {
            Some((ColumnKind::Numeric, _)) => Self::Numeric,
            Some((ColumnKind::Categorical(categories), reference)) => {
                Self::Known { categories: categories.clone(), reference: reference.to_path_buf() }
            }
            None if tally.is_categorical() => Self::Collect { codes: HashMap::new(), seen: Vec::new() },
            None => Self::Numeric,
        }
    }

    /// The value of `field` on `line` of column `name` in `path`.
    pub fn decode(&mut self, path: &Path, line: usize, name: &str, field: &str) -> Result<f32> {
        if is_missing(field) {
            return Ok(f32::NAN);
        }
        match self {
            Self::Numeric => match field.parse::<f32>() {
                Ok(value) if value.is_finite() => Ok(value),
                _ => Err(DataError::CsvNotANumber {
                    path: path.to_path_buf(),
                    line,
                    column: name.to_string(),
                    value: field.to_string(),
                }),
            },
            Self::Collect { codes, seen } => {
                if let Some(&code) = codes.get(field) {
                    return Ok(code as f32);
                }
                if seen.len() >= MAX_CODES {
                    return Err(too_many(path, name, seen.len() + 1, MAX_CODES));
                }
                // Lossless: below MAX_CODES = 2^24.
                let code = seen.len() as u32;
                codes.insert(field.to_string(), code);
                seen.push(field.to_string());
                Ok(code as f32)
            }
            Self::Known { categories, reference } => match categories.binary_search_by(|c| c.as_str().cmp(field)) {
                Ok(index) => Ok(index as f32),
                Err(_) => Err(DataError::CsvUnknownCategory {
                    path: path.to_path_buf(),
                    line,
                    column: name.to_string(),
                    value: field.to_string(),
                    reference: reference.clone(),
                }),
            },
        }
    }

    /// The decoded column: collected categories are sorted and the values renumbered to match.
    pub fn finish(self, name: String, mut values: Vec<f32>) -> Column {
        let kind = match self {
            Self::Numeric => ColumnKind::Numeric,
            Self::Known { categories, .. } => ColumnKind::Categorical(categories),
            Self::Collect { seen, .. } => {
                let mut order: Vec<usize> = (0..seen.len()).collect();
                order.sort_by(|&a, &b| seen[a].cmp(&seen[b]));
                let mut renumber = vec![0.0f32; seen.len()];
                for (sorted, &first_seen) in order.iter().enumerate() {
                    renumber[first_seen] = sorted as f32;
                }
                for value in values.iter_mut().filter(|v| !v.is_nan()) {
                    *value = renumber[*value as usize];
                }
                let mut seen = seen;
                seen.sort();
                ColumnKind::Categorical(seen)
            }
        };
        Column { name, kind, values }
    }
}

/// A [`DataError::CsvTooManyCategories`].
pub(super) fn too_many(path: &Path, column: &str, found: usize, max: usize) -> DataError {
    DataError::CsvTooManyCategories { path: path.to_path_buf(), column: column.to_string(), found, max }
}
