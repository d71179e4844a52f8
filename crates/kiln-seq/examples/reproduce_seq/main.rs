//! `cargo xtask reproduce seq` runs this: Pointer Networks on sort, convex hull and TSP
//! (greedy vs beam), TPGN against its baselines at four horizons, and the ensemble of 1D CNNs
//! against each of its subnets. Writes `docs/results/seq.md` and the pictures beside it.
//!
//! ```text
//! cargo xtask reproduce seq [--quick] [--seeds N | --seeds A,B,...]
//! ```

mod ensemble;
mod forecast;
mod pointer;

use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts { seeds: true, options: &[] })?;
    let seeds = args.seeds(&[0, 1, 2]);
    let mut page = ResultsPage::new(&args, "seq", "Sequences (kiln-seq): Pointer Networks, TPGN, ensemble 1D CNNs");
    pointer::section(&args, &seeds, &mut page)?;
    forecast::section(&args, &seeds, &mut page)?;
    ensemble::section(&args, &seeds, &mut page)?;
    let path = page.write("flex")?;
    println!("wrote {}", path.display());
    Ok(())
}
