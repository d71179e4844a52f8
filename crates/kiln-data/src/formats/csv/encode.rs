//! Categorical columns as model inputs: one-hot (the MLP) or ordinal codes (TabPFN v1).

use std::path::Path;

use super::column::{Column, ColumnKind, too_many};
use crate::error::Result;

/// The most categories a one-hot encoded column may have: more is an identifier or free text,
/// and would widen every row by that many inputs.
pub const MAX_ONE_HOT_CATEGORIES: usize = 1000;

/// How categorical columns become numbers; numeric columns are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// One input per category, 1 for the row's category and 0 for the others; all NaN (missing)
    /// when the row has no value, so that mean imputation fills in the training frequencies.
    OneHot,
    /// One input holding the category's index in the sorted categories, NaN when missing, as
    /// TabPFN v1 encodes categorical features.
    Ordinal,
}

/// The names of the encoded inputs: a numeric or ordinal column keeps its name, a one-hot
/// column becomes `name=category` per category.
pub(super) fn encoded_names(columns: &[Column], encoding: Encoding) -> Vec<String> {
    let mut names = Vec::new();
    for column in columns {
        match (&column.kind, encoding) {
            (ColumnKind::Categorical(categories), Encoding::OneHot) => {
                names.extend(categories.iter().map(|c| format!("{}={c}", column.name)));
            }
            _ => names.push(column.name.clone()),
        }
    }
    names
}

/// The rows of `columns` (all of one length) encoded as `encoding` says.
pub(super) fn encode_rows(path: &Path, columns: &[Column], encoding: Encoding) -> Result<Vec<Vec<f32>>> {
    if encoding == Encoding::OneHot {
        for column in columns {
            if let Some(categories) = column.categories()
                && categories.len() > MAX_ONE_HOT_CATEGORIES
            {
                return Err(too_many(path, &column.name, categories.len(), MAX_ONE_HOT_CATEGORIES));
            }
        }
    }
    let width = match encoding {
        Encoding::Ordinal => columns.len(),
        Encoding::OneHot => columns.iter().map(|c| c.categories().map_or(1, <[String]>::len)).sum(),
    };
    let rows = columns.first().map_or(0, |c| c.values.len());
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        let mut row = Vec::with_capacity(width);
        for column in columns {
            let value = column.values[i];
            match (column.categories(), encoding) {
                (Some(categories), Encoding::OneHot) if value.is_nan() => {
                    row.extend(std::iter::repeat_n(f32::NAN, categories.len()));
                }
                (Some(categories), Encoding::OneHot) => {
                    // Lossless: a category index is a small non-negative integer.
                    let hot = value as usize;
                    row.extend((0..categories.len()).map(|c| if c == hot { 1.0 } else { 0.0 }));
                }
                _ => row.push(value),
            }
        }
        out.push(row);
    }
    Ok(out)
}
