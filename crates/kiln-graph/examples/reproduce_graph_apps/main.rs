//! `cargo xtask reproduce graph-apps` runs this: kiln-graph applications. Auto-GNN (Zhou et al.)
//! against random search on the digits k-NN graph, ProteinRPN (Mitra et al.) against a GCN
//! residue classifier on procedural proteins, and PE-Net (Zheng et al.) against a linear head on
//! procedural long-tailed scenes. Writes `docs/results/graph-apps.md` and two PNG charts.
//!
//! Usage: `cargo xtask reproduce graph-apps [--quick] [--seeds N | --seeds A,B,...]`

mod autognn;
mod penet;
mod protein_rpn;

use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let mut page = ResultsPage::new(&args, "graph-apps", "kiln-graph: applications");
    autognn::section(&args, &seeds, &mut page)?;
    protein_rpn::section(&args, &seeds, &mut page)?;
    penet::section(&args, &seeds, &mut page)?;
    page.write("flex")?;
    Ok(())
}
