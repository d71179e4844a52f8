//! `cargo xtask reproduce graph-hetero` runs this: kiln-graph on typed graphs. So far LATTE
//! (Tran & Gao) against a homogeneous GCN on the typed SBM, HEI (Yang et al.) against ERM
//! under a heterophilic structure shift on a contextual SBM, W2PGNN's feasibility (Cao et al.)
//! against the fine-tuning gain of a pre-trained GIN, and SPEN (Mitton & Murray-Smith) with 1-
//! and 2-hop ego-nets against GIN on CSL with its peak step memory against a dense 2-IGN
//! (measured in child processes of this program, see `spen_memory::CHILD_ENV`). Writes
//! `docs/results/graph-hetero.md`.
//!
//! Usage: `cargo xtask reproduce graph-hetero [--quick] [--seeds N | --seeds A,B,...]`
//!
//! For development only, [`SECTIONS_ENV`] (e.g. `KILN_PAGE_SECTIONS=spen`) runs just the named
//! sections (comma-separated: latte, hei, w2pgnn, spen); the page ignores it when unset, which
//! is how `cargo xtask reproduce` runs it. Give such runs a scratch `OUT_DIR` (the first
//! argument) so that the partial page does not replace `docs/results/graph-hetero.md`.

mod hei;
mod latte;
mod spen;
mod spen_memory;
mod w2pgnn;

use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

/// Comma-separated sections to run (development only); every section when unset.
const SECTIONS_ENV: &str = "KILN_PAGE_SECTIONS";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(spec) = std::env::var(spen_memory::CHILD_ENV) {
        return spen_memory::child(&spec);
    }
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let only = std::env::var(SECTIONS_ENV).ok();
    let known = ["latte", "hei", "w2pgnn", "spen"];
    if let Some(bad) = only.iter().flat_map(|s| s.split(',')).find(|s| !known.contains(&s.trim())) {
        return Err(format!("{SECTIONS_ENV}: unknown section `{bad}`; known: {known:?}").into());
    }
    let runs = |name: &str| only.as_ref().is_none_or(|s| s.split(',').any(|s| s.trim() == name));
    let mut page = ResultsPage::new(&args, "graph-hetero", "kiln-graph: typed graphs");
    if runs("latte") {
        latte::section(&args, &seeds, &mut page)?;
    }
    if runs("hei") {
        hei::section(&args, &seeds, &mut page)?;
    }
    if runs("w2pgnn") {
        w2pgnn::section(&args, &seeds, &mut page)?;
    }
    if runs("spen") {
        spen::section(&args, &seeds, &mut page)?;
    }
    page.write("flex")?;
    Ok(())
}
