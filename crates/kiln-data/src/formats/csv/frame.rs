//! Every column of a CSV file, decoded: [`Frame`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::CsvOptions;
use super::column::{Column, ColumnKind, Decoder, Tally};
use super::encode::{Encoding, encode_rows, encoded_names};
use super::records::Source;
use super::table::Table;
use crate::error::{DataError, Result};

/// Every column of a CSV file: a header row of names, then one record per row. Each column is
/// numeric or categorical (see [`ColumnKind`]); missing values are NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The file.
    pub path: PathBuf,
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// The 1-based line of each data row, as shown by a text editor.
    pub lines: Vec<usize>,
}

impl Frame {
    /// Reads `path`, deciding each column's kind from its values.
    ///
    /// # Errors
    /// See [`read_csv`](super::read_csv).
    pub fn read(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self> {
        let source = Source::open(path.as_ref(), options.delimiter)?;
        let names = source.header()?;
        Self::decode(&source, names, &[], path.as_ref())
    }

    /// Reads `path` against a reference file (the training file): `kinds` gives, per column of
    /// this file, the kind the reference decided (`None`: decide from this file's values). A
    /// category the reference lacks is [`DataError::CsvUnknownCategory`].
    ///
    /// # Errors
    /// As [`Frame::read`], [`DataError::CsvUnknownCategory`], and
    /// [`DataError::InvalidConfig`] when `kinds` does not have one entry per column.
    pub fn read_against(
        path: impl AsRef<Path>,
        options: &CsvOptions,
        kinds: &[Option<ColumnKind>],
        reference: &Path,
    ) -> Result<Self> {
        let path = path.as_ref();
        let source = Source::open(path, options.delimiter)?;
        let names = source.header()?;
        if kinds.len() != names.len() {
            return Err(DataError::InvalidConfig(format!(
                "{}: {} columns, but {} column kinds were given",
                path.display(),
                names.len(),
                kinds.len()
            )));
        }
        Self::decode(&source, names, kinds, reference)
    }

    /// The column names of `path`'s header.
    ///
    /// # Errors
    /// [`DataError::Io`], [`DataError::CsvUnterminatedQuote`], [`DataError::EmptyDataset`].
    pub fn header(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Vec<String>> {
        Source::open(path.as_ref(), options.delimiter)?.header()
    }

    /// Reads the target column `target` of `path` and the others as features.
    pub(super) fn read_table(path: &Path, target: &str, options: &CsvOptions) -> Result<Table> {
        let source = Source::open(path, options.delimiter)?;
        let names = source.header()?;
        find_column(path, &names, target)?;
        Self::decode(&source, names, &[], path)?.into_table(target)
    }

    /// Two passes over the records: the kinds (where `kinds` does not give them), then the values.
    fn decode(source: &Source, names: Vec<String>, kinds: &[Option<ColumnKind>], reference: &Path) -> Result<Self> {
        let width = names.len();
        let known = |i: usize| kinds.get(i).and_then(Option::as_ref);
        let mut tallies = vec![Tally::default(); width];
        if (0..width).any(|i| known(i).is_none()) {
            source.visit(width, |_, record| {
                tallies.iter_mut().zip(record.iter()).for_each(|(tally, field)| tally.add(field));
                Ok(())
            })?;
        }
        let mut decoders: Vec<Decoder> =
            (0..width).map(|i| Decoder::new(known(i).map(|kind| (kind, reference)), tallies[i])).collect();
        let mut values: Vec<Vec<f32>> = vec![Vec::new(); width];
        let mut lines = Vec::new();
        source.visit(width, |line, record| {
            for (((decoder, column), name), field) in decoders.iter_mut().zip(&mut values).zip(&names).zip(record) {
                column.push(decoder.decode(&source.path, line, name, field)?);
            }
            lines.push(line);
            Ok(())
        })?;
        if lines.is_empty() {
            return Err(DataError::EmptyDataset { path: source.path.clone(), what: "data rows" });
        }
        let columns = decoders
            .into_iter()
            .zip(names)
            .zip(values)
            .map(|((decoder, name), values)| decoder.finish(name, values))
            .collect();
        Ok(Self { path: source.path.clone(), columns, lines })
    }

    /// The column names, in file order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no data rows (never, for a frame that was read).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The rows, every column encoded (see [`Encoding`]); NaN where a value is missing.
    ///
    /// # Errors
    /// [`DataError::CsvTooManyCategories`] for a one-hot encoding of too many categories.
    pub fn rows(&self, encoding: Encoding) -> Result<Vec<Vec<f32>>> {
        encode_rows(&self.path, &self.columns, encoding)
    }

    /// The names of the encoded columns of [`Frame::rows`].
    pub fn encoded_names(&self, encoding: Encoding) -> Vec<String> {
        encoded_names(&self.columns, encoding)
    }

    /// Splits off the column named `target` (trimmed) as the target.
    ///
    /// # Errors
    /// [`DataError::CsvMissingColumn`] or [`DataError::CsvDuplicateColumn`].
    pub fn into_table(mut self, target: &str) -> Result<Table> {
        let index = find_column(&self.path, &self.names(), target)?;
        let target = self.columns.remove(index);
        Ok(Table { path: self.path, features: self.columns, target, lines: self.lines })
    }
}

/// The index of the column named `target` (trimmed) among `names`.
pub(super) fn find_column(path: &Path, names: &[String], target: &str) -> Result<usize> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for name in names {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    let target = target.trim();
    let column = || target.to_string();
    match (counts.get(target), names.iter().position(|n| n == target)) {
        (Some(&n), _) if n > 1 => Err(DataError::CsvDuplicateColumn { path: path.to_path_buf(), column: column() }),
        (_, Some(index)) => Ok(index),
        _ => Err(DataError::CsvMissingColumn { path: path.to_path_buf(), column: column() }),
    }
}
