//! Markdown tables for results pages.

use std::fmt;

/// Alignment of a column, written into the separator row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// The renderer's default (`---`).
    #[default]
    Default,
    /// `:---`.
    Left,
    /// `:---:`.
    Center,
    /// `---:`.
    Right,
}

impl Align {
    fn separator(self) -> &'static str {
        match self {
            Self::Default => "---",
            Self::Left => ":---",
            Self::Center => ":---:",
            Self::Right => "---:",
        }
    }
}

/// A Markdown table: a header, a separator row with each column's alignment, and rows.
///
/// Renders as `| a | b |\n|---|---|\n| 1 | 2 |\n`. A row shorter than the header is padded with
/// empty cells; a `|` inside a cell is escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings and no rows.
    pub fn new<I, S>(header: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let align = vec![Align::Default; header.len()];
        Self { header, align, rows: Vec::new() }
    }

    /// The table with column `column` aligned by `align` (a column past the last is ignored).
    pub fn align(mut self, column: usize, align: Align) -> Self {
        if let Some(a) = self.align.get_mut(column) {
            *a = align;
        }
        self
    }

    /// Appends a row.
    pub fn row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut cells: Vec<String> = cells.into_iter().map(Into::into).collect();
        debug_assert!(cells.len() <= self.header.len(), "a row has more cells than the table has columns");
        cells.resize(cells.len().max(self.header.len()), String::new());
        self.rows.push(cells);
        self
    }

    /// Number of rows (without header and separator).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as Markdown, each line (the last too) ending in `\n`.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

fn line(f: &mut fmt::Formatter<'_>, cells: impl Iterator<Item = String>) -> fmt::Result {
    f.write_str("|")?;
    for cell in cells {
        write!(f, " {cell} |")?;
    }
    f.write_str("\n")
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escape = |c: &String| c.replace('|', "\\|");
        line(f, self.header.iter().map(escape))?;
        f.write_str("|")?;
        for a in &self.align {
            write!(f, "{}|", a.separator())?;
        }
        f.write_str("\n")?;
        for row in &self.rows {
            line(f, row.iter().map(escape))?;
        }
        Ok(())
    }
}

/// The values as one cell, `decimals` after the point, comma separated (`97.77, 97.49`): the
/// per-seed column beside a `mean ± std` one.
pub fn list_cell(values: &[f64], decimals: usize) -> String {
    values.iter().map(|v| format!("{v:.decimals$}")).collect::<Vec<_>>().join(", ")
}
