//! Trains the 3-D BSP-Net shipped in kiln-geom (`crates/kiln-geom/weights/bspnet3d.bpk`, what
//! `kiln geom reconstruct` uses without `--checkpoint`) and writes its training record beside it
//! (`<out>.json`: recipe, steps, wall time, last losses, voxel IoU and Chamfer distance on
//! training and held-out shapes). `cargo xtask train bspnet` runs it in release mode.
//!
//! ```text
//! cargo run --release -p kiln-geom --example train_bspnet -- [--out PATH] [--quick]
//! ```
//! `--quick` (a smoke test of a few seconds) writes to `runs/train-bspnet-quick/` unless `--out`
//! says otherwise.
//! The recipe is `cargo xtask reproduce geom`'s coarse-to-fine schedule on more shapes, each
//! placed in the frame `reconstruct` puts its input in ([`model_frame`]), so the model sees
//! shapes as it will be shown them. About 6 minutes on 2 CPU cores.

use std::time::Instant;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::train::{Phase, Report, Trainer};
use kiln_geom::bspnet::data::{ShapeBatches, ShapeSample};
use kiln_geom::bspnet::evaluate::{Eval3d, evaluate_3d};
use kiln_geom::bspnet::reconstruct::model_frame;
use kiln_geom::bspnet::shipped::shipped_config;
use kiln_geom::bspnet::train::BspSchedule;
use kiln_geom::bspnet::{BspNet, BspNetConfig};
use kiln_geom::shapes::PrimitiveUnion;

/// Where the shipped weights live.
const OUT: &str = "crates/kiln-geom/weights/bspnet3d.bpk";
/// Where `--quick` writes by default.
const QUICK_OUT: &str = "runs/train-bspnet-quick/bspnet3d.bpk";
/// Seeds of the held-out shapes (the training shapes use 0..n).
const HELD_OUT_SEED: u64 = 10_000;

/// Sizes and epochs of one run.
#[derive(Debug, Clone, Copy, serde::Serialize)]
struct Recipe {
    /// Training shapes (seeds 0..shapes).
    shapes: usize,
    /// Held-out shapes evaluated at the end.
    held_out: usize,
    /// Epochs on the coarse grid points (continuous phase).
    coarse_epochs: usize,
    /// Continuous epochs on the fine points.
    fine_epochs: usize,
    /// Hard epochs on the fine points.
    hard_epochs: usize,
    /// Shapes per batch.
    batch_size: usize,
    /// Query points per shape in the fine stage.
    fine_points: usize,
    /// Learning rate of the continuous phases (and of W).
    lr: f64,
}

impl Recipe {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                shapes: 16,
                held_out: 4,
                coarse_epochs: 4,
                fine_epochs: 2,
                hard_epochs: 2,
                batch_size: 4,
                fine_points: 4096,
                lr: 3e-4,
            }
        } else {
            Self {
                shapes: 256,
                held_out: 16,
                coarse_epochs: 50,
                fine_epochs: 15,
                hard_epochs: 15,
                batch_size: 4,
                fine_points: 4096,
                lr: 3e-4,
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut out, mut quick) = (None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(args.next().ok_or("--out needs a value")?),
            "--quick" => quick = true,
            other => {
                return Err(format!("unknown argument `{other}`; usage: train_bspnet [--out PATH] [--quick]").into());
            }
        }
    }
    // A quick run never replaces the shipped weights unless told to.
    let out = out.unwrap_or_else(|| if quick { QUICK_OUT } else { OUT }.to_string());
    if let Some(dir) = std::path::Path::new(&out).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let recipe = Recipe::new(quick);
    let device = Device::flex();
    device.seed(0);
    let config = shipped_config();
    let r = config.input_size;
    let framed = |seed: u64| {
        let shape = PrimitiveUnion::random(seed);
        shape.mapped(&model_frame(&shape.mesh(24).vertices))
    };
    let shapes: Vec<PrimitiveUnion> = (0..recipe.shapes as u64).map(framed).collect();
    let held: Vec<PrimitiveUnion> = (0..recipe.held_out as u64).map(|s| framed(HELD_OUT_SEED + s)).collect();
    let coarse = ShapeBatches {
        shapes: shapes.iter().map(|s| ShapeSample::coarse(s.voxelize(r), 16, &|p| s.contains(p))).collect(),
        batch_size: recipe.batch_size,
        shuffle_seed: Some(0),
    };
    let fine = ShapeBatches {
        shapes: shapes
            .iter()
            .enumerate()
            .map(|(k, s)| ShapeSample::fine(s.voxelize(r), r, recipe.fine_points, k as u64, &|p| s.contains(p)))
            .collect(),
        batch_size: recipe.batch_size,
        shuffle_seed: Some(1),
    };
    let model = config.init(&device);
    eprintln!("BSP-Net 3-D with {} parameters, {} training shapes", model.num_params(), recipe.shapes);
    let started = Instant::now();
    let lr = recipe.lr;
    let coarse_schedule =
        BspSchedule { continuous_epochs: recipe.coarse_epochs, hard_epochs: 0, lr, w_lr: lr, ..Default::default() };
    let (model, coarse_report) = fit(model, &coarse_schedule.continuous_only(), &coarse, 0, &device)?;
    eprintln!("coarse stage done after {:.0} s", started.elapsed().as_secs_f64());
    let fine_schedule = BspSchedule {
        continuous_epochs: recipe.fine_epochs,
        hard_epochs: recipe.hard_epochs,
        lr,
        w_lr: lr,
        ..Default::default()
    };
    let (model, fine_report) = fit(model, &fine_schedule.phases(), &fine, 1, &device)?;
    let train_seconds = started.elapsed().as_secs_f64();
    eprintln!("trained in {train_seconds:.0} s");
    let on_train = evaluate_3d(&model, &shapes[..recipe.held_out.min(shapes.len())], r, 2048, &device)?;
    let on_held = evaluate_3d(&model, &held, r, 2048, &device)?;
    model.clone().save_file(&out)?;
    let last = |report: &Report| report.records.last().map(|r| r.train.clone()).unwrap_or_default();
    let record = serde_json::json!({
        "config": config,
        "recipe": recipe,
        "parameters": model.num_params(),
        "steps": coarse_report.global_step + fine_report.global_step,
        "seconds_training": train_seconds,
        "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "last_epoch_coarse": last(&coarse_report),
        "last_epoch_hard": last(&fine_report),
        "train_first": summary(&on_train, &config),
        "held_out": summary(&on_held, &config),
    });
    std::fs::write(format!("{out}.json"), serde_json::to_string_pretty(&record)? + "\n")?;
    eprintln!("wrote {out} and {out}.json: {record}");
    Ok(())
}

/// Trains `model` through `phases` (no run directory) and returns it with the engine's report.
fn fit(
    model: BspNet,
    phases: &[Phase<BspNet>],
    data: &ShapeBatches,
    seed: u64,
    device: &Device,
) -> Result<(BspNet, Report), Box<dyn std::error::Error>> {
    Ok(Trainer::new(device.clone()).with_seed(seed).with_progress(true).fit(model, phases, data, None)?)
}

/// Mean voxel IoU, Chamfer distance (shapes with a surface) and convexes (after and before
/// redundancy culling) of `evals`.
fn summary(evals: &[Eval3d], config: &BspNetConfig) -> serde_json::Value {
    let n = evals.len().max(1) as f64;
    let chamfer: Vec<f64> = evals.iter().map(|e| f64::from(e.chamfer)).filter(|c| c.is_finite()).collect();
    serde_json::json!({
        "shapes": evals.len(),
        "voxel_iou": evals.iter().map(|e| f64::from(e.iou)).sum::<f64>() / n,
        "chamfer": chamfer.iter().sum::<f64>() / chamfer.len().max(1) as f64,
        "shapes_with_a_surface": chamfer.len(),
        "convexes": evals.iter().map(|e| e.convexes as f64).sum::<f64>() / n,
        "convexes_before_culling": evals.iter().map(|e| e.convexes_before_culling as f64).sum::<f64>() / n,
        "of_convexes": config.num_convexes,
    })
}
