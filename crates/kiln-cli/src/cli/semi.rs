//! `kiln semi`: SimCLRv2 from the command line (kiln-semi's `simclr`). `pretrain` learns an
//! encoder and projection head by NT-Xent on every training image (labels unused);
//! `finetune` keeps the encoder and the first head layer, adds a linear head and trains all of
//! it on a seeded per-class fraction of the labels; `distill` trains a student of the
//! teacher's encoder (without the projection head, as the paper) on every training image from
//! a fine-tuned teacher's softened outputs.
//!
//! Every step writes `semi.json` in its `--out` (the data, seed and labelled fraction), so the
//! next step reuses the same split without repeating the flags; each prints the test accuracy
//! of what it trained (pretraining: none, it has no classifier).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use kiln_core::train::OptimizerConfig;
use kiln_data::ImageExample;
use kiln_data::transform::SimClrAugment;
use kiln_semi::augment::BasicViews;
use kiln_semi::simclr::{
    DistillConfig, FinetuneConfig, LrScaling, SimClrConfig, accuracy, distill, finetune, pretrain, split_labelled,
};
use serde::{Deserialize, Serialize};

use super::device;
use crate::artifact::{read_json, write_json};
use crate::classify_data::{Prepared, prepare};
use crate::error::{CliError, Result};
use crate::options::ClassifyOptions;

/// The record every `kiln semi` step writes in its output directory.
pub const SEMI_FILE: &str = "semi.json";

/// `kiln semi` subcommands.
#[derive(Subcommand, Debug)]
pub enum SemiCommand {
    /// Contrastive pretraining (SimCLRv2): encoder + 3-layer projection head, NT-Xent on two
    /// augmented views of every training image.
    ///
    /// Example: kiln semi pretrain --data digits --out runs/simclr
    Pretrain(PretrainArgs),
    /// Fine-tune a pretrained network from its first head layer on a fraction of the labels.
    ///
    /// Example: kiln semi finetune --checkpoint runs/simclr --labels 0.01 --out runs/ft
    Finetune(FinetuneArgs),
    /// Self-distillation: a student of the teacher's encoder learns the fine-tuned
    /// teacher's softened outputs on every training image.
    ///
    /// Example: kiln semi distill --teacher runs/ft --out runs/distilled
    Distill(DistillArgs),
}

/// `kiln semi pretrain` flags.
#[derive(Args, Debug)]
pub struct PretrainArgs {
    /// Images, as for `kiln train --data`: digits, procedural[:CLASSES...], idx:DIR, folder:DIR.
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Epochs (the CPU preset's 100).
    #[arg(long, default_value_t = 100)]
    pub epochs: usize,
    /// Images per batch (each gives two views).
    #[arg(long, default_value_t = 256)]
    pub batch_size: usize,
    /// τ of NT-Xent (paper 0.1; the preset's 0.5 for small batches).
    #[arg(long)]
    pub temperature: Option<f64>,
    /// Optimiser: lars (the paper's, at 0.075·√batch) or adam (at 1e-3).
    #[arg(long, default_value = "lars")]
    pub optimizer: String,
    /// Seed of the data split, the initialisation, the views and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output directory.
    #[arg(long, default_value = "runs/simclr")]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// `kiln semi finetune` flags.
#[derive(Args, Debug)]
pub struct FinetuneArgs {
    /// The `kiln semi pretrain` output directory.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// Fraction of the training labels kept, per class, in (0, 1].
    #[arg(long)]
    pub labels: f64,
    /// Head layers kept under the new linear head (official `ft_proj_selector`; the paper: 1).
    #[arg(long, default_value_t = 1)]
    pub selector: usize,
    /// Epochs (default: the paper's 60 up to 1% of the labels, 30 above).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Output directory.
    #[arg(long, default_value = "runs/simclr-ft")]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// `kiln semi distill` flags.
#[derive(Args, Debug)]
pub struct DistillArgs {
    /// The `kiln semi finetune` output directory (the teacher).
    #[arg(long)]
    pub teacher: PathBuf,
    /// Epochs.
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// τ of the teacher's and the student's softmax (paper: 1).
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f64,
    /// Head layers the student keeps under its linear head (paper: 0, the teacher's encoder
    /// without the projection head).
    #[arg(long, default_value_t = 0)]
    pub selector: usize,
    /// Output directory.
    #[arg(long, default_value = "runs/simclr-distilled")]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// What every step records: the data, its seed and (after fine-tuning) the labelled fraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SemiRecord {
    /// The step: pretrain, finetune or distill.
    pub step: String,
    /// The data spec.
    pub data: String,
    /// Seed of the split and the run.
    pub seed: u64,
    /// Fraction of the labels used (none for pretraining).
    pub labels: Option<f64>,
    /// Test accuracy of the trained classifier (none for pretraining).
    pub test_accuracy: Option<f64>,
}

/// Training (train + validation splits) and test images of `data` with `seed`.
fn images(data: &str, seed: u64) -> Result<(Vec<ImageExample>, Vec<ImageExample>, usize)> {
    let csv = ClassifyOptions::default();
    let (prepared, described) = prepare(data, &csv, seed)?;
    let Prepared::Images { mut train, valid, test, .. } = prepared else {
        return Err(CliError::Usage(format!("kiln semi --data {data}: SimCLR needs image data")));
    };
    train.extend(valid);
    Ok((train, test, described.num_classes()))
}

/// The record of a previous step's directory, naming the directory when it is not one.
fn previous(dir: &Path, flag: &str) -> Result<SemiRecord> {
    let path = dir.join(SEMI_FILE);
    if !path.is_file() {
        return Err(CliError::Usage(format!(
            "{flag} {}: no {SEMI_FILE} there (expected the output directory of a `kiln semi` step)",
            dir.display()
        )));
    }
    read_json(&path)
}

/// Runs `kiln semi`.
pub fn semi(command: SemiCommand) -> Result<()> {
    match command {
        SemiCommand::Pretrain(args) => run_pretrain(args),
        SemiCommand::Finetune(args) => run_finetune(args),
        SemiCommand::Distill(args) => run_distill(args),
    }
}

fn run_pretrain(args: PretrainArgs) -> Result<()> {
    let device = device(&args.device)?;
    let (train, _, _) = images(&args.data, args.seed)?;
    let first = train.first().ok_or_else(|| CliError::Usage("the training split is empty".into()))?;
    let (channels, height, width) = (first.image.channels, first.image.height, first.image.width);
    let mut config = SimClrConfig::for_input(channels, height, width)
        .with_epochs(args.epochs)
        .with_batch_size(args.batch_size)
        .with_warmup_epochs((args.epochs / 10).max(usize::from(args.epochs > 1)))
        .with_seed(args.seed);
    if let Some(t) = args.temperature {
        config = config.with_temperature(t);
    }
    config = match args.optimizer.as_str() {
        "lars" => config,
        "adam" => {
            config.with_optimizer(OptimizerConfig::adam()).with_learning_rate(1e-3).with_lr_scaling(LrScaling::None)
        }
        other => return Err(CliError::Usage(format!("--optimizer {other}: expected lars or adam"))),
    };
    eprintln!(
        "pretraining on {} images of {channels}×{height}×{width} ({device:?}), output {}",
        train.len(),
        args.out.display()
    );
    // Grey images get the digits' views (rotation, shift, noise, cutout: measured better than
    // crop-resize there); colour images the paper's crop, flip and colour distortion.
    let (_, report) = if channels == 1 {
        pretrain(&config, &train, BasicViews::digits(), &device, &args.out)?
    } else {
        pretrain(&config, &train, SimClrAugment::colour(0.5), &device, &args.out)?
    };
    let loss = report.records.last().and_then(|r| r.train.get("loss").copied()).unwrap_or(f64::NAN);
    println!("pretrained {} epochs, final NT-Xent {loss:.4}", args.epochs);
    let record =
        SemiRecord { step: "pretrain".into(), data: args.data, seed: args.seed, labels: None, test_accuracy: None };
    write_json(&args.out.join(SEMI_FILE), &record)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

fn run_finetune(args: FinetuneArgs) -> Result<()> {
    let record = previous(&args.checkpoint, "--checkpoint")?;
    let device = device(&args.device)?;
    let (train, test, classes) = images(&record.data, record.seed)?;
    let (labelled, _) = split_labelled(&train, args.labels, record.seed)?;
    let mut config = FinetuneConfig::for_fraction(args.labels)
        .with_ft_proj_selector(args.selector)
        .with_batch_size(32)
        .with_seed(record.seed);
    if let Some(epochs) = args.epochs {
        config = config.with_epochs(epochs);
    }
    eprintln!(
        "fine-tuning on {} labelled images ({:.1}%), output {}",
        labelled.len(),
        args.labels * 100.0,
        args.out.display()
    );
    let (model, _) = finetune(&config, &args.checkpoint, &labelled, None, classes, &device, &args.out)?;
    let acc = accuracy(&model, &test, &device);
    println!("test accuracy: {:.2}%", acc * 100.0);
    let out = SemiRecord { step: "finetune".into(), labels: Some(args.labels), test_accuracy: Some(acc), ..record };
    write_json(&args.out.join(SEMI_FILE), &out)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

fn run_distill(args: DistillArgs) -> Result<()> {
    let record = previous(&args.teacher, "--teacher")?;
    let fraction = record.labels.ok_or_else(|| {
        CliError::Usage(format!("--teacher {}: a `kiln semi finetune` directory is needed", args.teacher.display()))
    })?;
    let device = device(&args.device)?;
    let (train, test, _) = images(&record.data, record.seed)?;
    let (labelled, unlabelled) = split_labelled(&train, fraction, record.seed)?;
    let config =
        DistillConfig::new(FinetuneConfig::new().with_epochs(args.epochs).with_batch_size(64).with_seed(record.seed))
            .with_temperature(args.temperature)
            .with_student_selector(args.selector);
    eprintln!("distilling on {} images, output {}", train.len(), args.out.display());
    let (student, _) = distill(&config, &args.teacher, &labelled, &unlabelled, None, &device, &args.out)?;
    let acc = accuracy(&student, &test, &device);
    println!("test accuracy: {:.2}%", acc * 100.0);
    let out = SemiRecord { step: "distill".into(), test_accuracy: Some(acc), ..record };
    write_json(&args.out.join(SEMI_FILE), &out)?;
    println!("wrote {}", args.out.display());
    Ok(())
}
