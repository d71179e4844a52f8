//! `cargo xtask reproduce graph-hetero` runs this: kiln-graph on typed graphs. So far LATTE
//! (Tran & Gao) against a homogeneous GCN on the typed SBM, HEI (Yang et al.) against ERM
//! under a heterophilic structure shift on a contextual SBM, and W2PGNN's feasibility
//! (Cao et al.) against the fine-tuning gain of a pre-trained GIN; SPEN joins this page as it
//! lands. Writes `docs/results/graph-hetero.md`.
//!
//! Usage: `cargo xtask reproduce graph-hetero [--quick] [--seeds N | --seeds A,B,...]`

mod hei;
mod latte;
mod w2pgnn;

use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let mut page = ResultsPage::new(&args, "graph-hetero", "kiln-graph: typed graphs");
    latte::section(&args, &seeds, &mut page)?;
    hei::section(&args, &seeds, &mut page)?;
    w2pgnn::section(&args, &seeds, &mut page)?;
    page.write("flex")?;
    Ok(())
}
