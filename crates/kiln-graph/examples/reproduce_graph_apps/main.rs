//! `cargo xtask reproduce graph-apps` runs this: kiln-graph applications. Auto-GNN (Zhou et al.)
//! against random search on the digits k-NN graph, ProteinRPN (Mitra et al.) against a GCN
//! residue classifier on procedural proteins, and PE-Net (Zheng et al.) against a linear head on
//! procedural long-tailed scenes. Writes `docs/results/graph-apps.md` and two PNG charts.
//!
//! Usage: `cargo xtask reproduce graph-apps [--quick] [--seeds N | --seeds A,B,...]`

mod autognn;
mod penet;
mod protein_rpn;

use kiln_core::experiment::{Accepts, ExperimentArgs, MeanStd, ResultsPage, welch_t_test};

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

/// `method − baseline` on the means (in the scores' units, points when they are percentages)
/// with Welch's p over seeds when there are enough.
pub fn gain(baseline: &[f64], method: &[f64]) -> String {
    let diff = MeanStd::of(method).mean - MeanStd::of(baseline).mean;
    welch_t_test(method, baseline).map_or(format!("{diff:+.1}"), |t| format!("{diff:+.1} (p = {:.2})", t.p))
}

/// Whether `method` beats `baseline`: "holds" (higher mean, Welch p < 0.05), "holds on the
/// means only (within seed noise)", or "does not hold".
pub fn verdict(baseline: &[f64], method: &[f64]) -> &'static str {
    let higher = MeanStd::of(method).mean > MeanStd::of(baseline).mean;
    let significant = welch_t_test(method, baseline).is_some_and(|t| t.t > 0.0 && t.p < 0.05);
    match (higher, significant) {
        (true, true) => "holds",
        (true, false) => "holds on the means only (within seed noise)",
        _ => "does not hold",
    }
}
