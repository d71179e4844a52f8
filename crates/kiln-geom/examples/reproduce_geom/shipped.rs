//! The training record of the 3-D BSP-Net shipped in kiln-geom (`weights/bspnet3d.bpk`, trained
//! by `cargo xtask train bspnet`), what `kiln geom reconstruct` uses without `--checkpoint`.

use std::fmt::Write as _;

use kiln_core::experiment::ResultsPage;

/// The shipped weights; the record is `<WEIGHTS>.json`.
const WEIGHTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/bspnet3d.bpk");

/// Writes the section from the record beside the weights.
pub fn section(page: &mut ResultsPage) -> Result<(), Box<dyn std::error::Error>> {
    page.heading(2, "Shipped checkpoint");
    let Ok(text) = std::fs::read_to_string(format!("{WEIGHTS}.json")) else {
        page.paragraph("(training record `weights/bspnet3d.bpk.json` not found)");
        return Ok(());
    };
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let (recipe, config) = (&v["recipe"], &v["config"]);
    let _ = writeln!(
        page,
        "`crates/kiln-geom/weights/bspnet3d.bpk` ({} parameters, {:.2} MB; {}³ voxels, ef_dim {}, p = {}, c = {}), trained by `cargo xtask train bspnet` (`examples/train_bspnet.rs`) on {} procedural shapes placed in `reconstruct`'s frame: {} coarse + {} continuous + {} hard epochs, batch {}, **{} optimiser steps in {:.1} min** on {} CPU thread(s).\n",
        v["parameters"],
        std::fs::metadata(WEIGHTS).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0),
        config["input_size"],
        config["ef_dim"],
        config["num_planes"],
        config["num_convexes"],
        recipe["shapes"],
        recipe["coarse_epochs"],
        recipe["fine_epochs"],
        recipe["hard_epochs"],
        recipe["batch_size"],
        v["steps"],
        v["seconds_training"].as_f64().unwrap_or(0.0) / 60.0,
        v["threads"],
    );
    for (name, key) in [("training shapes (first 16)", "train_first"), ("held-out shapes", "held_out")] {
        let s = &v[key];
        let _ = writeln!(
            page,
            "- {name}: voxel IoU {:.3}, Chamfer {:.5}, {:.1} of {} convexes after culling ({:.1} before; {} shapes)",
            s["voxel_iou"].as_f64().unwrap_or(f64::NAN),
            s["chamfer"].as_f64().unwrap_or(f64::NAN),
            s["convexes"].as_f64().unwrap_or(f64::NAN),
            s["of_convexes"],
            s["convexes_before_culling"].as_f64().unwrap_or(f64::NAN),
            s["shapes"],
        );
    }
    page.push("\n");
    if let Some(note) = v["note"].as_str() {
        let _ = writeln!(page, "Note: {note}\n");
    }
    Ok(())
}
