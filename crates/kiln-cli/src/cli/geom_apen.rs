//! `kiln geom train-apen`: trains an APEN part segmenter and saves the checkpoint that `kiln
//! geom segment` reads, on a user's labelled PLY clouds or on the procedural part clouds.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use kiln_geom::apen::{
    ApenConfig, PartBatches, PartSample, PartSchedule, Pose, dataset, read_labelled_dir, segment_metrics, train,
};

use super::device;
use crate::error::{CliError, Result};

/// `kiln geom train-apen`.
#[derive(Args, Debug)]
pub struct TrainApenArgs {
    /// Directory of PLY clouds with a per-vertex `label` (the part); without it, the procedural
    /// part clouds (2–4 box and wedge parts, 4 part types, 4 shape classes).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Parts the model predicts (labels 0..parts). Default: 4 (the procedural part types).
    #[arg(long, default_value_t = 4)]
    pub parts: usize,
    /// Points per cloud (clouds are subsampled to this many).
    #[arg(long, default_value_t = 384)]
    pub points: usize,
    /// Parts of the fine over-segmentation K₀ (FPS centres).
    #[arg(long, default_value_t = 8)]
    pub fine_parts: usize,
    /// Width of every layer's PointNet-lite.
    #[arg(long, default_value_t = 32)]
    pub width: usize,
    /// Procedural training clouds (ignored with --data).
    #[arg(long, default_value_t = 96)]
    pub clouds: usize,
    /// Epochs.
    #[arg(long, default_value_t = 15)]
    pub epochs: usize,
    /// Adam's learning rate.
    #[arg(long, default_value_t = 1e-2)]
    pub lr: f64,
    /// Clouds per batch.
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Checkpoint directory to write (apen.json, model.bpk).
    #[arg(long)]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// Runs `kiln geom train-apen`: trains on the clouds, prints the training-set part mIoU and
/// writes the checkpoint.
pub fn train_apen(args: TrainApenArgs) -> Result<()> {
    let TrainApenArgs { data, parts, points, fine_parts, width, clouds, epochs, lr, batch, seed, out, device: d } =
        args;
    if batch == 0 || epochs == 0 {
        return Err(CliError::Usage(format!("--batch {batch} and --epochs {epochs} must be ≥ 1")));
    }
    let (samples, classes): (Vec<PartSample>, usize) = match &data {
        Some(dir) => (read_labelled_dir(dir, points, parts, seed)?, 1),
        None => {
            if parts != kiln_geom::apen::PART_TYPES.len() {
                return Err(CliError::Usage(format!(
                    "--parts {parts}: the procedural clouds have {} part types",
                    kiln_geom::apen::PART_TYPES.len()
                )));
            }
            (dataset(clouds, points, seed, Pose::Canonical)?, kiln_geom::apen::CLASSES.len())
        }
    };
    let config =
        ApenConfig { parts, ..ApenConfig::small() }.with_fine_parts(fine_parts).with_width(width).with_classes(classes);
    config.validate()?;
    let device = device(&d)?;
    device.seed(seed);
    let samples = Arc::new(samples);
    let source = PartBatches::new(samples.clone(), fine_parts, batch.min(samples.len()))?.shuffled(seed);
    let schedule = PartSchedule { epochs, lr, max_steps_per_epoch: None };
    let (model, report) = train(config.init(&device)?, &schedule, &source, seed, &device)?;
    let loss = report.records.last().and_then(|r| r.train.get("loss").copied()).unwrap_or(f64::NAN);
    let miou = segment_metrics(&model, &samples, fine_parts, batch, &device)?.miou;
    model.save(&out, &config)?;
    println!(
        "trained APEN on {} clouds of {points} points: final loss {loss:.4}, training part mIoU {:.1}%",
        samples.len(),
        miou * 100.0
    );
    println!(
        "wrote {} (apen.json, model.bpk); segment with `kiln geom segment --checkpoint {}`",
        out.display(),
        out.display()
    );
    Ok(())
}
