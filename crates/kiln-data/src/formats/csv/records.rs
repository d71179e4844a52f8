//! The record layer of the CSV reader: the `csv` crate's parser over the file's text, with
//! editor line numbers, a UTF-8 byte-order mark dropped, blank lines skipped, an unterminated
//! quote located, and every row checked against the header's width.

use std::path::{Path, PathBuf};

use csv::{ReaderBuilder, StringRecord, Trim};

use crate::error::{DataError, Result};

/// The text of one CSV file and how its fields are separated.
pub(super) struct Source {
    /// The file.
    pub path: PathBuf,
    /// Its contents, without a byte-order mark.
    text: String,
    /// The field separator.
    delimiter: u8,
}

impl Source {
    /// Reads `path` (which must be UTF-8) and checks that every quoted field is closed.
    pub fn open(path: &Path, delimiter: u8) -> Result<Self> {
        let mut text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
        if text.starts_with('\u{feff}') {
            text.replace_range(..'\u{feff}'.len_utf8(), "");
        }
        if let Some(line) = unterminated_quote(text.as_bytes(), delimiter) {
            return Err(DataError::CsvUnterminatedQuote { path: path.to_path_buf(), line });
        }
        Ok(Self { path: path.to_path_buf(), text, delimiter })
    }

    /// The column names: the fields of the first non-blank record, trimmed and unquoted.
    pub fn header(&self) -> Result<Vec<String>> {
        let mut reader = self.reader();
        let mut record = StringRecord::new();
        while self.next_record(&mut reader, &mut record)? {
            if !is_blank(&record) {
                return Ok(record.iter().map(str::to_string).collect());
            }
        }
        Err(DataError::EmptyDataset { path: self.path.clone(), what: "header row" })
    }

    /// Calls `visit` with the 1-based line and the fields of every data record (every non-blank
    /// record after the header), each checked to have `width` fields.
    pub fn visit(&self, width: usize, mut visit: impl FnMut(usize, &StringRecord) -> Result<()>) -> Result<()> {
        let mut reader = self.reader();
        let mut record = StringRecord::new();
        let mut seen_header = false;
        let mut lines = LineCounter::default();
        while self.next_record(&mut reader, &mut record)? {
            if is_blank(&record) {
                continue;
            }
            if !seen_header {
                seen_header = true;
                continue;
            }
            let line = lines.line_of(self.text.as_bytes(), &record);
            if record.len() != width {
                return Err(DataError::CsvFieldCount {
                    path: self.path.clone(),
                    line,
                    expected: width,
                    found: record.len(),
                });
            }
            visit(line, &record)?;
        }
        Ok(())
    }

    /// A parser over the text: fields trimmed, rows of any width (checked by [`Self::visit`]).
    fn reader(&self) -> csv::Reader<&[u8]> {
        ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(Trim::All)
            .delimiter(self.delimiter)
            .from_reader(self.text.as_bytes())
    }

    /// Reads the next record into `record`; `false` at the end of the file.
    fn next_record(&self, reader: &mut csv::Reader<&[u8]>, record: &mut StringRecord) -> Result<bool> {
        reader.read_record(record).map_err(|e| DataError::CsvSyntax {
            path: self.path.clone(),
            line: e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX)),
            message: e.to_string(),
        })
    }
}

/// A record of one empty field: a blank line (whitespace only).
fn is_blank(record: &StringRecord) -> bool {
    record.len() == 1 && record.get(0).is_some_and(str::is_empty)
}

/// Editor line numbers of records. (The parser's own line of a record is where it started
/// looking, before the line ends and blank lines that precede the record.)
#[derive(Default)]
struct LineCounter {
    /// A byte offset already counted.
    offset: usize,
    /// The 1-based line of `offset`, minus one.
    newlines: usize,
}

impl LineCounter {
    /// The 1-based line of the first character of `record` in `text`; records come in order.
    fn line_of(&mut self, text: &[u8], record: &StringRecord) -> usize {
        let from = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let skipped = text.get(from..).map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\r' || b == b'\n').count());
        let start = (from + skipped).clamp(self.offset, text.len());
        self.newlines += text[self.offset..start].iter().filter(|&&b| b == b'\n').count();
        self.offset = start;
        self.newlines + 1
    }
}

/// The 1-based line of a double quote that opens a field and is never closed, as the `csv`
/// crate reads quotes: only at the start of a field, `""` inside quotes standing for one `"`.
/// (The parser itself would silently take the rest of the file into that field.)
fn unterminated_quote(text: &[u8], delimiter: u8) -> Option<usize> {
    let (mut line, mut opened_on) = (1, 0);
    let (mut in_quotes, mut at_field_start) = (false, true);
    let mut i = 0;
    while i < text.len() {
        let byte = text[i];
        if in_quotes {
            if byte == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if byte == b'"' && at_field_start {
            in_quotes = true;
            opened_on = line;
        }
        if byte == b'\n' {
            line += 1;
        }
        at_field_start = !in_quotes && (byte == delimiter || byte == b'\n' || byte == b'\r');
        i += 1;
    }
    in_quotes.then_some(opened_on)
}
