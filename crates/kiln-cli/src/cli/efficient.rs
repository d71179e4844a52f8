//! `kiln transfer`: transfers a ResNet trained by `kiln train --model resnet` to another image
//! data set with one of kiln-efficient's four methods (`kiln_efficient::transfer`): UniPT's
//! parallel network beside the frozen backbone, bottleneck adapters inside it, a linear probe
//! on its frozen features, or full fine-tuning. Prints the test accuracy and the trainable
//! parameters and writes `transfer.json` and the trained network's weights (`model.bpk`) in
//! `--out`.
//!
//! The backbone is the registry's `resnet` (a `kiln_core::nn::ResNet`, the network
//! `kiln_efficient::transfer` takes); the run directory of any other model is refused. The
//! target images are resized (by area) to the backbone's input; a one-channel image given to a
//! three-channel backbone is repeated over the channels.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::prelude::Device;
use clap::{Args, ValueEnum};
use kiln_core::nn::{ResNet, ResNetConfig};
use kiln_core::train::ImageBatch;
use kiln_data::transform::to_shape;
use kiln_data::{DataLoader, Image, ImageBatcher, ImageExample, Normalize};
use kiln_efficient::transfer::{TransferMethod, TransferOutcome, TransferSettings, transfer_model};
use serde::Serialize;

use super::device;
use crate::artifact::{self, CONFIG_FILE, RunConfig, write_json};
use crate::classify_data::{ClassifyData, Prepared, prepare};
use crate::error::{CliError, Result};
use crate::options::ClassifyOptions;

/// The registry model whose runs `--backbone` accepts.
pub const BACKBONE_MODEL: &str = "resnet";
/// The weights `kiln transfer` writes in `--out` (reload with `Transferred::untrained` of the
/// recorded method, backbone, input shape and classes, then `Transferred::load`).
pub const TRANSFER_WEIGHTS: &str = "model.bpk";

/// The file `kiln transfer` writes in `--out`.
pub const TRANSFER_FILE: &str = "transfer.json";

/// A transfer method of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// UniPT: a light parallel network reads the frozen backbone's hidden states (no gradient
    /// enters the backbone); it and a new head train.
    Unipt,
    /// Bottleneck adapters after every residual block and a new head train; gradients pass
    /// through the frozen backbone.
    Adapter,
    /// A new linear head on the frozen features.
    Linear,
    /// Full fine-tuning: every parameter trains, a new head included.
    Full,
}

impl From<Method> for TransferMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::Unipt => Self::UniPt,
            Method::Adapter => Self::Adapter,
            Method::Linear => Self::LinearProbe,
            Method::Full => Self::FullFineTune,
        }
    }
}

/// `kiln transfer` flags.
#[derive(Args, Debug)]
pub struct TransferArgs {
    /// Transfer method: unipt, adapter, linear (probe) or full (fine-tuning).
    #[arg(long, value_enum)]
    pub method: Method,
    /// Run directory of the pretrained backbone, written by `kiln train --model resnet`.
    #[arg(long)]
    pub backbone: PathBuf,
    /// Target data, as for `kiln train --data` (images only): digits, procedural[:CLASSES...],
    /// idx:DIR, folder:DIR. Trained on its training and validation splits, tested on its test
    /// split, resized to the backbone's input.
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Epochs of Adam.
    #[arg(long, default_value_t = 5)]
    pub epochs: usize,
    /// Learning rate (Adam, constant).
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Batch size.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Output width D of UniPT's parallel network (it works at D / 4).
    #[arg(long, default_value_t = 128)]
    pub unipt_width: usize,
    /// Seed of the data split, the new layers and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Device: auto, cpu, flex, ndarray, wgpu[:N], cuda[:N] (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
    /// Output directory: transfer.json (method, backbone, data, settings, accuracy, parameters).
    #[arg(long, default_value = "runs/transfer")]
    pub out: PathBuf,
}

/// What `kiln transfer` writes to `transfer.json`.
#[derive(Debug, Clone, Serialize)]
pub struct TransferRecord {
    /// The backbone's run directory.
    pub backbone: PathBuf,
    /// Parameters of the pretrained backbone (with its old head).
    pub backbone_params: usize,
    /// The target data, as given to `--data`.
    pub data: String,
    /// Input shape `[channels, height, width]` the images were resized to.
    pub input_shape: [usize; 3],
    /// Classes of the target data.
    pub classes: usize,
    /// How every method trains.
    pub settings: TransferSettings,
    /// Accuracy, trainable parameters and last training loss.
    pub outcome: TransferOutcome,
}

/// The backbone error for `path`.
fn not_a_backbone(path: &Path, message: impl Into<String>) -> CliError {
    CliError::Backbone { path: path.to_path_buf(), message: message.into() }
}

/// The ResNet of the `kiln train --model resnet` run in `dir`, with what the run recorded about
/// its data (the input shape above all).
///
/// # Errors
/// [`CliError::Backbone`] naming `dir` when it is missing, holds no run, or a run of another
/// model; the errors of reading its configuration and weights.
pub fn load_backbone(dir: &Path, device: &Device) -> Result<(ResNet, ClassifyData)> {
    if !dir.is_dir() {
        return Err(not_a_backbone(dir, "no such backbone directory (--backbone takes a `kiln train` run directory)"));
    }
    if !dir.join(CONFIG_FILE).is_file() {
        return Err(not_a_backbone(dir, format!("not a run directory: no {CONFIG_FILE}")));
    }
    let model = artifact::model_name(dir)?;
    if model != BACKBONE_MODEL {
        return Err(not_a_backbone(
            dir,
            format!("holds a `{model}` run; --backbone needs a run of `kiln train --model {BACKBONE_MODEL}`"),
        ));
    }
    let run: RunConfig<ResNetConfig, ClassifyData> = artifact::read_config(dir)?;
    let resnet = artifact::load_model(dir, run.config.init(device))?;
    Ok((resnet, run.data))
}

/// `image` as a `[channels, height, width]` image: resized by area; one channel repeated over
/// `channels`, or several reduced to one by luminance.
fn to_input(image: &Image, [channels, height, width]: [usize; 3]) -> Result<Image> {
    if image.channels == 1 && channels > 1 {
        let grey = to_shape(image, [1, height, width])?;
        return Ok(Image { channels, height, width, pixels: grey.pixels.repeat(channels) });
    }
    Ok(to_shape(image, [channels, height, width])?)
}

/// `examples` resized to `shape`.
fn resized(examples: Vec<ImageExample>, shape: [usize; 3]) -> Result<Vec<ImageExample>> {
    examples.into_iter().map(|e| Ok(ImageExample { image: to_input(&e.image, shape)?, label: e.label })).collect()
}

/// Runs `kiln transfer`.
///
/// # Errors
/// [`CliError::Backbone`] for a `--backbone` that is not a ResNet run; data errors; those of
/// the transfer (typed by kiln-efficient).
pub fn transfer(args: TransferArgs) -> Result<()> {
    let device = device(&args.device)?;
    if args.batch_size == 0 {
        return Err(CliError::Usage("--batch-size 0: a batch needs at least one image".into()));
    }
    let (backbone, recorded) = load_backbone(&args.backbone, &device)?;
    let csv = ClassifyOptions::default();
    let (prepared, data) = prepare(&args.data, &csv, args.seed)?;
    let Prepared::Images { mut train, valid, test, .. } = prepared else {
        return Err(CliError::Usage(format!("kiln transfer --data {}: the backbone needs image data", args.data)));
    };
    train.extend(valid);
    let shape = recorded.input_shape;
    let (train, test) = (resized(train, shape)?, resized(test, shape)?);
    let norm = Normalize::fit(&train);
    let train_loader: DataLoader<ImageExample, ImageBatch> =
        DataLoader::new(train, ImageBatcher::new(norm.clone()), args.batch_size).shuffled(args.seed);
    let test_loader: DataLoader<ImageExample, ImageBatch> =
        DataLoader::new(test, ImageBatcher::new(norm), args.batch_size);
    let settings =
        TransferSettings { epochs: args.epochs, lr: args.lr, unipt_out_dim: args.unipt_width, seed: args.seed };
    let method = TransferMethod::from(args.method);
    eprintln!(
        "transferring {} ({} parameters) to {} by {} ({device:?}), output {}",
        args.backbone.display(),
        backbone.num_params(),
        args.data,
        method.name(),
        args.out.display()
    );
    device.seed(args.seed);
    let classes = data.num_classes();
    let (outcome, model) =
        transfer_model(method, &backbone, shape, classes, &train_loader, &test_loader, &settings, &device)?;
    println!("method: {}", method.name());
    println!("test accuracy: {:.2}%", 100.0 * outcome.accuracy);
    println!("trainable parameters: {} (backbone: {})", outcome.trainable_params, backbone.num_params());
    println!("last epoch's training loss: {:.4}", outcome.final_train_loss);
    std::fs::create_dir_all(&args.out).map_err(|e| kiln_core::CoreError::io(&args.out, e))?;
    let record = TransferRecord {
        backbone: args.backbone.clone(),
        backbone_params: backbone.num_params(),
        data: args.data.clone(),
        input_shape: shape,
        classes,
        settings,
        outcome,
    };
    let path = args.out.join(TRANSFER_FILE);
    write_json(&path, &record)?;
    let weights = args.out.join(TRANSFER_WEIGHTS);
    model.save(&weights)?;
    println!("result: {}", path.display());
    println!("weights: {}", weights.display());
    Ok(())
}
