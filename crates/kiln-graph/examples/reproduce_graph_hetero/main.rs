//! `cargo xtask reproduce graph-hetero` runs this: kiln-graph on typed graphs. So far LATTE
//! (Tran & Gao) against a homogeneous GCN on the typed SBM, HEI (Yang et al.) against ERM
//! under a heterophilic structure shift on a contextual SBM, W2PGNN's feasibility (Cao et al.)
//! against the fine-tuning gain of a pre-trained GIN, and SPEN (Mitton & Murray-Smith) against
//! GIN on CSL with its peak step memory against a dense 2-IGN (measured in child processes of
//! this program, see `spen::CHILD_ENV`). Writes `docs/results/graph-hetero.md`.
//!
//! Usage: `cargo xtask reproduce graph-hetero [--quick] [--seeds N | --seeds A,B,...]`

mod hei;
mod latte;
mod spen;
mod w2pgnn;

use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(spec) = std::env::var(spen::CHILD_ENV) {
        return spen::child(&spec);
    }
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let mut page = ResultsPage::new(&args, "graph-hetero", "kiln-graph: typed graphs");
    latte::section(&args, &seeds, &mut page)?;
    hei::section(&args, &seeds, &mut page)?;
    w2pgnn::section(&args, &seeds, &mut page)?;
    spen::section(&args, &seeds, &mut page)?;
    page.write("flex")?;
    Ok(())
}
