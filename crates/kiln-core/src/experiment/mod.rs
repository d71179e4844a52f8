//! The experiment kit shared by every family's reproduce program
//! (`crates/<crate>/examples/reproduce_<family>/`, run by `cargo xtask reproduce <family>`).
//!
//! - [`ExperimentArgs`]: the arguments every reproduce program accepts:
//!   `[OUT_DIR] [--quick] [--seeds N | --seeds A,B,...]` and the program's own `--NAME VALUE`.
//! - [`MeanStd`] and [`mean_std`]: mean and sample standard deviation over seeds, formatted as
//!   a `mean ± std` cell.
//! - [`welch_t_test`] and [`shapiro_wilk`]: whether two sets of measurements differ in mean,
//!   and whether a set looks normal (the t-test's assumption), with p-values.
//! - [`Table`]: Markdown tables (header, alignment, rows) rendered to an exact string.
//! - [`Provenance`]: the commit, machine and date behind a page.
//! - [`ResultsPage`]: `docs/results/<family>.md` with its provenance line, and the pictures and
//!   files saved beside it.
//!
//! ```no_run
//! use kiln_core::experiment::{Accepts, ExperimentArgs, MeanStd, ResultsPage, Table};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
//! let mut page = ResultsPage::new(&args, "digits", "Shared models on the embedded digits");
//! let mut table = Table::new(["model", "accuracy (%)"]);
//! for seed in args.seeds(&[0, 1, 2]) {
//!     let _ = seed; // train one model per seed ...
//! }
//! table.row(["mlp".to_string(), format!("{:.2}", MeanStd::of(&[97.7, 97.5]))]);
//! page.table(&table);
//! page.write("flex")?;
//! # Ok(())
//! # }
//! ```

mod args;
mod claims;
mod page;
mod provenance;
mod significance;
mod stats;
mod table;

pub use args::{Accepts, ArgsError, DEFAULT_OUT_DIR, ExperimentArgs};
pub use claims::{gain, rises};
pub use page::ResultsPage;
pub use provenance::Provenance;
pub use significance::{
    ShapiroWilk, WelchTest, normal_quantile, normal_upper_tail, regularized_incomplete_beta, shapiro_wilk,
    student_t_two_sided, welch_t_test,
};
pub use stats::{MeanStd, mean, mean_std};
pub use table::{Align, Table, list_cell};
