//! `cargo xtask reproduce semi` runs this: SimCLRv2 (contrastive pretraining, fine-tuning from
//! few labels, self-distillation), MGD (multi-granularity distillation for segmentation) and
//! CATNet's context modules (DenseFPN, SCP, HRoIE) on procedural data. Writes
//! `docs/results/semi.md` and the pictures beside it.
//!
//! Usage: `cargo xtask reproduce semi [--quick] [--seeds N | --seeds A,B,...]`

mod catnet;
mod hroie;
mod mgd;
mod simclr;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, MeanStd, ResultsPage, welch_t_test};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let device = Device::flex();
    let mut page = ResultsPage::new(
        &args,
        "semi",
        "kiln-semi: SimCLRv2, multi-granularity distillation and CATNet's context modules",
    );
    simclr::section(&mut page, &seeds, args.quick, &device)?;
    mgd::section(&mut page, &seeds, args.quick, &device)?;
    catnet::section(&mut page, &seeds, args.quick, &device)?;
    hroie::section(&mut page, &seeds, args.quick, &device)?;
    page.write("flex")?;
    Ok(())
}

/// `b − a` in points with Welch's two-sided p over the seeds, e.g. `+1.3 points, p = 0.62`.
pub fn gain(a: &[f64], b: &[f64]) -> String {
    let diff = MeanStd::of(b).mean - MeanStd::of(a).mean;
    match welch_t_test(b, a) {
        Some(t) => format!("{diff:+.1} points, p = {:.2}", t.p),
        None => format!("{diff:+.1} points"),
    }
}

/// Whether every step of `chain` (each a set of per-seed scores) rises on the means, and whether
/// every rise is also significant (Welch p < 0.05): "holds", "holds on the means only (within
/// seed noise)" or "does not hold".
pub fn ordering(chain: &[&[f64]]) -> &'static str {
    let rises = chain.windows(2).all(|w| MeanStd::of(w[1]).mean > MeanStd::of(w[0]).mean);
    let significant = chain.windows(2).all(|w| welch_t_test(w[1], w[0]).is_some_and(|t| t.p < 0.05 && t.t > 0.0));
    match (rises, significant) {
        (true, true) => "holds",
        (true, false) => "holds on the means only (within seed noise: not every step is significant at p < 0.05)",
        _ => "does not hold",
    }
}
