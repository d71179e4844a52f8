//! A family's results page, `<OUT_DIR>/<family>.md`, and the files saved beside it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::args::ExperimentArgs;
use super::provenance::Provenance;
use super::table::Table;
use crate::error::{CoreError, Result};

/// The Markdown page of one family's experiments.
///
/// The page is built in memory (`push`, `paragraph`, `table`, or `write!` through
/// [`fmt::Write`]) and written at the end by [`ResultsPage::write`], which puts the title and
/// the provenance line (command, backend, wall time since [`ResultsPage::new`], commit,
/// machine, date) above the body. Pictures and data files go beside the page through
/// [`ResultsPage::asset`].
#[derive(Debug)]
pub struct ResultsPage {
    family: String,
    title: String,
    dir: PathBuf,
    command: String,
    started: Instant,
    body: String,
}

impl ResultsPage {
    /// An empty page for `family` in `args.out_dir`, titled `title`; the clock starts now.
    pub fn new(args: &ExperimentArgs, family: &str, title: &str) -> Self {
        let mut command = format!("cargo xtask reproduce {family}");
        for flag in &args.flags {
            command.push(' ');
            command.push_str(flag);
        }
        Self {
            family: family.to_string(),
            title: title.to_string(),
            dir: args.out_dir.clone(),
            command,
            started: Instant::now(),
            body: String::new(),
        }
    }

    /// The page's file, `<OUT_DIR>/<family>.md`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.md", self.family))
    }

    /// The directory of the page.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The command that makes the page, e.g. `cargo xtask reproduce geom --quick`.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// Seconds since the page was created.
    pub fn elapsed_secs(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// The path of a file saved beside the page, `<OUT_DIR>/<name>` (`name` may have folders,
    /// `geom/shape_0.png`); creates its directory. Link it from the page by `name`.
    pub fn asset(&self, name: impl AsRef<Path>) -> Result<PathBuf> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| CoreError::io(parent, e))?;
        }
        Ok(path)
    }

    /// Appends Markdown as is.
    pub fn push(&mut self, markdown: &str) -> &mut Self {
        self.body.push_str(markdown);
        self
    }

    /// Appends a paragraph (the text and a blank line).
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.body.push_str(text);
        self.body.push_str("\n\n");
        self
    }

    /// Appends a heading of `level` (2 for `##`) and a blank line.
    pub fn heading(&mut self, level: usize, text: &str) -> &mut Self {
        self.body.push_str(&"#".repeat(level.max(1)));
        self.body.push(' ');
        self.paragraph(text)
    }

    /// Appends a table and a blank line.
    pub fn table(&mut self, table: &Table) -> &mut Self {
        self.body.push_str(&table.render());
        self.body.push('\n');
        self
    }

    /// The whole page: title, provenance line, body.
    pub fn render(&self, backend: &str, provenance: &Provenance) -> String {
        format!(
            "# {}\n\nMade by `{}` in {:.0} s on the {backend} backend: {provenance}.\n\n{}\n",
            self.title,
            self.command,
            self.elapsed_secs(),
            self.body.trim_end_matches('\n')
        )
    }

    /// Writes the page (creating its directory) with the provenance of this process, says so
    /// on stderr (`wrote docs/results/<family>.md`) and returns its path.
    pub fn write(&self, backend: &str) -> Result<PathBuf> {
        let path = self.path();
        std::fs::create_dir_all(&self.dir).map_err(|e| CoreError::io(&self.dir, e))?;
        std::fs::write(&path, self.render(backend, &Provenance::collect())).map_err(|e| CoreError::io(&path, e))?;
        eprintln!("wrote {}", path.display());
        Ok(path)
    }
}

impl fmt::Write for ResultsPage {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.body.push_str(s);
        Ok(())
    }
}
