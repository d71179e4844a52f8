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
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

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
