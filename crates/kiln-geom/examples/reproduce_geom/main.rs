//! `cargo xtask reproduce geom` runs this: BSP-Net on the 2-D toy set (pixel IoU, convexes
//! used before and after redundancy culling) and on procedural 3-D shapes at 32³ (voxel IoU,
//! Chamfer, convexes before and after culling, extraction time),
//! with pictures, written to `docs/results/geom.md` and `docs/results/geom/`. The 3-D model is
//! saved to `runs/geom-bspnet3d/` for `kiln geom reconstruct --checkpoint`; the page ends with the
//! training record of the model shipped in kiln-geom.
//!
//! Usage: `cargo xtask reproduce geom [--quick]`

mod shapes;
mod shipped;
mod toy;

use std::fmt::Write as _;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::NOTHING_ELSE)?;
    let device = Device::flex();
    let mut page = ResultsPage::new(&args, "geom", "kiln-geom: BSP-Net reproduction (scaled down, CPU)");
    toy::section(&mut page, args.quick, &device)?;
    shapes::section(&mut page, args.quick, &device)?;
    let total = page.elapsed_secs();
    page.paragraph(&format!(
        "The paper trains for days on a GPU (p = 4096, c = 256, 64³, ~10⁶ iterations per stage); these are minutes on one CPU core, so the numbers show the pipeline works end to end rather than the paper's accuracy. Total time {total:.0} s."
    ));
    shipped::section(&mut page)?;
    page.write("flex")?;
    Ok(())
}

/// A line of links to the first `count` pictures `geom/<stem>_<k>.png` saved beside the page.
fn picture_links(page: &mut ResultsPage, caption: &str, stem: &str, count: usize) {
    let _ = write!(page, "{caption}: ");
    for k in 0..count {
        let _ = write!(page, "[{stem}_{k}](geom/{stem}_{k}.png) ");
    }
    page.push("\n\n");
}
