//! CSV tables as users have them: a header row of column names, then one record per row, one of
//! the columns being the target.
//!
//! Parsing is the `csv` crate's (RFC 4180): fields separated by `,` (or the delimiter of
//! [`CsvOptions`], e.g. `;` or a tab), a double-quoted field may hold delimiters, line breaks and
//! `""` for one `"`; fields are trimmed of surrounding whitespace, blank lines are skipped, a
//! leading UTF-8 byte-order mark is ignored, and CRLF line ends work.
//!
//! Values: an empty field or one of [`MISSING_MARKERS`] (`NA`, `nan`, `?`, ...) is missing (NaN).
//! A column whose present values are mostly numbers is numeric, and any other text in it is an
//! error ([`DataError::CsvNotANumber`](crate::DataError::CsvNotANumber)), as are `inf` and
//! numbers beyond `f32`; a column whose present values are mostly text is categorical, its sorted
//! distinct values being the categories. A text target gives classes named by its values.
//!
//! Every error names the file and the line (1-based, as in a text editor).

mod column;
mod encode;
mod frame;
mod records;
mod table;

use std::path::Path;

pub use column::{Column, ColumnKind, MISSING_MARKERS, is_missing};
pub use encode::{Encoding, MAX_ONE_HOT_CATEGORIES};
pub use frame::Frame;
pub use table::{Classes, Table};

use crate::error::{DataError, Result};

/// How a CSV file is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// The field separator (default `,`).
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self { delimiter: b',' }
    }
}

impl CsvOptions {
    /// Options with the delimiter `text` names: one ASCII character other than a double quote,
    /// a line break or a space, or `tab` / `\t` for a tab.
    ///
    /// # Errors
    /// [`DataError::InvalidConfig`] for anything else.
    pub fn with_delimiter(text: &str) -> Result<Self> {
        let delimiter = match text {
            "tab" | "\\t" | "\t" => b'\t',
            _ => match text.as_bytes() {
                &[byte] if byte.is_ascii() && !matches!(byte, b'"' | b'\n' | b'\r' | b' ') => byte,
                _ => {
                    return Err(DataError::InvalidConfig(format!(
                        "delimiter {text:?}: expected one ASCII character such as `,` `;` `|`, or `tab`"
                    )));
                }
            },
        };
        Ok(Self { delimiter })
    }
}

/// Reads a comma-separated table; `target_column` names the target, every other column is a
/// feature. See the module documentation for what is accepted.
///
/// # Errors
/// [`DataError::Io`] (including a file that is not UTF-8), [`DataError::EmptyDataset`] (no header
/// or no data rows), [`DataError::CsvMissingColumn`], [`DataError::CsvDuplicateColumn`],
/// [`DataError::CsvFieldCount`], [`DataError::CsvNotANumber`],
/// [`DataError::CsvUnterminatedQuote`], [`DataError::CsvTooManyCategories`] or
/// [`DataError::CsvSyntax`].
pub fn read_csv(path: impl AsRef<Path>, target_column: &str) -> Result<Table> {
    read_csv_with(path, target_column, &CsvOptions::default())
}

/// [`read_csv`] with other [`CsvOptions`] (a `;` or tab delimiter).
///
/// # Errors
/// As [`read_csv`].
pub fn read_csv_with(path: impl AsRef<Path>, target_column: &str, options: &CsvOptions) -> Result<Table> {
    Frame::read_table(path.as_ref(), target_column, options)
}
