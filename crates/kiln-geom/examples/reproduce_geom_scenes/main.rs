//! `cargo xtask reproduce geom-scenes` runs this: APEN (Atzmon et al., ICLR 2024) against
//! PointNet and global frame averaging under independent per-part rigid motions, and the
//! Parallel Perception Network (Sah & Chinara, 2024) on simulated race-track LiDAR: occupancy
//! IoU and parallel vs sequential inference time. Writes `docs/results/geom-scenes.md` and the
//! pictures beside it.
//!
//! Usage: `cargo xtask reproduce geom-scenes [--quick] [--seeds N | --seeds A,B,...]`

mod apen;
mod ppn;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let device = Device::flex();
    let mut page = ResultsPage::new(
        &args,
        "geom-scenes",
        "kiln-geom: piecewise-equivariant point networks (APEN) and the Parallel Perception Network",
    );
    apen::section(&mut page, &seeds, args.quick, &device)?;
    ppn::section(&mut page, &seeds, args.quick, &device)?;
    page.write("flex")?;
    Ok(())
}
