//! `kiln train` and `kiln eval`: build a model, train it on the engine, evaluate it.

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_core::nn::{CnnConfig, MlpConfig, ResNetConfig};
use kiln_core::train::{
    BatchSource, Evaluation, LrSchedule, Phase, Report, TrainModel, TrainPhase, Trainer, checkpoint,
};
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, VectorBatcher, VectorExample};
use kiln_proto::protopnet::PushSet;
use kiln_proto::{ProtoPNetConfig, ProtoPNetSchedule, StProtoPNetConfig, st_protopnet};
use serde::{Deserialize, Serialize};

use crate::data_spec::{DataSpec, Loaded, load};
use crate::error::{CliError, Result};

/// The models `kiln train` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Multi-layer perceptron on flattened inputs.
    Mlp,
    /// Small CNN (conv-BN-ReLU blocks).
    Cnn,
    /// ResNet-8-like network.
    Resnet,
    /// ProtoPNet (small preset; warm-up, joint, push, last layer).
    Protopnet,
    /// ST-ProtoPNet (small preset; same schedule, both prototype sets pushed).
    StProtopnet,
}

/// Options of a training run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Model to train.
    pub model: ModelKind,
    /// Data specification (as given to `--data`).
    pub data: String,
    /// CSV target column.
    pub target: String,
    /// Epochs.
    pub epochs: usize,
    /// Base learning rate (Adam, cosine schedule).
    pub lr: f64,
    /// Batch size.
    pub batch_size: usize,
    /// Seed for splits, initialisation, shuffling.
    pub seed: u64,
}

/// What `kiln.json` in a run directory records, so `kiln eval` can rebuild the model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunMeta {
    /// The training options.
    pub options: TrainOptions,
    /// Input shape `[channels, height, width]` (`[1, 1, features]` for tables).
    pub input_shape: [usize; 3],
    /// Class names.
    pub classes: Vec<String>,
    /// Channel normalisation of images.
    pub mean: Vec<f32>,
    /// Channel standard deviations of images.
    pub std: Vec<f32>,
    /// Feature standardisation of tables.
    pub standardize: Vec<(f32, f32)>,
}

/// The outcome of `kiln train`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainSummary {
    /// The run's report.
    pub report: Report,
    /// Held-out test evaluation.
    pub test: Evaluation,
}

enum Prepared {
    Images { train: Vec<ImageExample>, valid: Vec<ImageExample>, test: Vec<ImageExample>, norm: Normalize },
    Vectors { train: Vec<VectorExample>, valid: Vec<VectorExample>, test: Vec<VectorExample>, batcher: VectorBatcher },
}

fn prepare(options: &TrainOptions) -> Result<(Prepared, RunMeta)> {
    let spec: DataSpec = options.data.parse()?;
    let loaded = load(&spec, &options.target, options.seed)?;
    let (prepared, classes, shape) = match loaded {
        Loaded::Images { splits, classes } => {
            let shape = splits
                .train
                .first()
                .map(|e| e.image.shape())
                .ok_or_else(|| CliError::Usage("the training split is empty".into()))?;
            let norm = Normalize::fit(&splits.train);
            (Prepared::Images { train: splits.train, valid: splits.valid, test: splits.test, norm }, classes, shape)
        }
        Loaded::Vectors { splits, classes } => {
            let dim = splits
                .train
                .first()
                .map(|e| e.features.len())
                .ok_or_else(|| CliError::Usage("the training split is empty".into()))?;
            let batcher = VectorBatcher::fit(&splits.train);
            (
                Prepared::Vectors { train: splits.train, valid: splits.valid, test: splits.test, batcher },
                classes,
                [1, 1, dim],
            )
        }
    };
    let (mean, std, standardize) = match &prepared {
        Prepared::Images { norm, .. } => (norm.mean.clone(), norm.std.clone(), Vec::new()),
        Prepared::Vectors { batcher, .. } => (Vec::new(), Vec::new(), batcher.standardize.clone()),
    };
    let meta = RunMeta { options: options.clone(), input_shape: shape, classes, mean, std, standardize };
    Ok((prepared, meta))
}

/// Images, normalised, flattened into feature vectors (for the MLP).
fn flatten(items: Vec<ImageExample>, norm: &Normalize) -> Vec<VectorExample> {
    items
        .into_iter()
        .map(|e| {
            let mut features = e.image.pixels;
            norm.apply(&mut features, e.image.height * e.image.width);
            VectorExample { features, label: e.label }
        })
        .collect()
}

/// The single phase of the plain classifiers: Adam with cosine decay.
fn plain_phases<M>(options: &TrainOptions) -> Vec<Phase<M>> {
    vec![Phase::train(
        "train",
        TrainPhase::new(options.epochs, options.lr).with_schedule(LrSchedule::Cosine { min_factor: 0.01 }),
    )]
}

/// The prototype networks' schedule: the small preset with `--epochs` joint epochs.
fn proto_schedule(options: &TrainOptions) -> ProtoPNetSchedule {
    ProtoPNetSchedule { joint_epochs: options.epochs, ..ProtoPNetSchedule::small() }
}

fn fit<M: TrainModel>(
    model: M,
    trainer: &Trainer,
    phases: &[Phase<M>],
    train: &dyn BatchSource<M::Batch>,
    valid: &dyn BatchSource<M::Batch>,
    test: &dyn BatchSource<M::Batch>,
) -> Result<TrainSummary> {
    let (model, report) = trainer.fit(model, phases, train, Some(valid))?;
    let test = trainer.evaluate(&model, test, "test", 0, report.global_step);
    Ok(TrainSummary { report, test })
}

/// Trains a model as `kiln train` does, writing `kiln.json`, `metrics.jsonl`, checkpoints and
/// `summary.json` into `out`.
pub fn train(
    options: &TrainOptions,
    device: &Device,
    out: &Path,
    resume: bool,
    progress: bool,
) -> Result<TrainSummary> {
    let (prepared, meta) = prepare(options)?;
    std::fs::create_dir_all(out).map_err(|e| kiln_core::CoreError::io(out, e))?;
    write_json(&out.join("kiln.json"), &meta)?;
    let trainer = Trainer::new(device.clone())
        .with_run_dir(out)
        .with_seed(options.seed)
        .with_resume(resume)
        .with_progress(progress);
    device.seed(options.seed);
    let bs = options.batch_size;
    let seed = options.seed;
    let summary = match (prepared, options.model) {
        (Prepared::Images { train, valid, test, norm }, ModelKind::Mlp) => {
            let batcher = VectorBatcher::default();
            let model = MlpConfig::new(meta.input_shape.iter().product(), meta.classes.len()).init(device);
            let (tr, va, te) = (flatten(train, &norm), flatten(valid, &norm), flatten(test, &norm));
            fit(
                model,
                &trainer,
                &plain_phases(options),
                &DataLoader::new(tr, batcher.clone(), bs).shuffled(seed),
                &DataLoader::new(va, batcher.clone(), bs),
                &DataLoader::new(te, batcher, bs),
            )?
        }
        (Prepared::Vectors { train, valid, test, batcher }, ModelKind::Mlp) => {
            let model = MlpConfig::new(meta.input_shape[2], meta.classes.len()).init(device);
            fit(
                model,
                &trainer,
                &plain_phases(options),
                &DataLoader::new(train, batcher.clone(), bs).shuffled(seed),
                &DataLoader::new(valid, batcher.clone(), bs),
                &DataLoader::new(test, batcher, bs),
            )?
        }
        (Prepared::Images { train, valid, test, norm }, kind) => {
            let batcher = ImageBatcher::new(norm);
            let push_set = PushSet::new(train.clone(), batcher.clone(), 128);
            let (tr, va, te) = (
                DataLoader::new(train, batcher.clone(), bs).shuffled(seed),
                DataLoader::new(valid, batcher.clone(), bs),
                DataLoader::new(test, batcher, bs),
            );
            let c = meta.input_shape[0];
            let n = meta.classes.len();
            match kind {
                ModelKind::Cnn => {
                    fit(CnnConfig::new(c, n).init(device), &trainer, &plain_phases(options), &tr, &va, &te)?
                }
                ModelKind::Resnet | ModelKind::Mlp => {
                    fit(ResNetConfig::new(c, n).init(device), &trainer, &plain_phases(options), &tr, &va, &te)?
                }
                ModelKind::Protopnet => {
                    let phases = proto_schedule(options).phases(push_set);
                    fit(ProtoPNetConfig::small(n, c).init(device), &trainer, &phases, &tr, &va, &te)?
                }
                ModelKind::StProtopnet => {
                    let phases = proto_schedule(options).phases_with(st_protopnet::push_action(push_set));
                    fit(StProtoPNetConfig::small(n, c).init(device), &trainer, &phases, &tr, &va, &te)?
                }
            }
        }
        (Prepared::Vectors { .. }, kind) => {
            return Err(CliError::Usage(format!("--model {kind:?} needs image data; use --model mlp for a CSV table")));
        }
    };
    write_json(&out.join("summary.json"), &summary)?;
    Ok(summary)
}

/// Evaluates a trained run (its latest checkpoint) on its held-out test split.
pub fn eval(run_dir: &Path, device: &Device) -> Result<Evaluation> {
    let meta = load_meta(run_dir)?;
    let (prepared, _) = prepare(&meta.options)?;
    let trainer = Trainer::new(device.clone()).with_seed(meta.options.seed);
    let bs = meta.options.batch_size;
    let n = meta.classes.len();
    let weights = checkpoint::latest(run_dir)?.unwrap_or_else(|| PathBuf::from(run_dir));
    Ok(match (prepared, meta.options.model) {
        (Prepared::Images { test, norm, .. }, ModelKind::Mlp) => {
            let model =
                checkpoint::load_weights(&weights, MlpConfig::new(meta.input_shape.iter().product(), n).init(device))?;
            trainer.evaluate(&model, &DataLoader::new(flatten(test, &norm), VectorBatcher::default(), bs), "test", 0, 0)
        }
        (Prepared::Vectors { test, batcher, .. }, ModelKind::Mlp) => {
            let model = checkpoint::load_weights(&weights, MlpConfig::new(meta.input_shape[2], n).init(device))?;
            trainer.evaluate(&model, &DataLoader::new(test, batcher, bs), "test", 0, 0)
        }
        (Prepared::Images { test, norm, .. }, kind) => {
            let loader = DataLoader::new(test, ImageBatcher::new(norm), bs);
            let c = meta.input_shape[0];
            match kind {
                ModelKind::Cnn => {
                    let model = checkpoint::load_weights(&weights, CnnConfig::new(c, n).init(device))?;
                    trainer.evaluate(&model, &loader, "test", 0, 0)
                }
                ModelKind::Resnet | ModelKind::Mlp => {
                    let model = checkpoint::load_weights(&weights, ResNetConfig::new(c, n).init(device))?;
                    trainer.evaluate(&model, &loader, "test", 0, 0)
                }
                ModelKind::Protopnet => {
                    let model = checkpoint::load_weights(&weights, ProtoPNetConfig::small(n, c).init(device))?;
                    trainer.evaluate(&model, &loader, "test", 0, 0)
                }
                ModelKind::StProtopnet => {
                    let model = checkpoint::load_weights(&weights, StProtoPNetConfig::small(n, c).init(device))?;
                    trainer.evaluate(&model, &loader, "test", 0, 0)
                }
            }
        }
        (Prepared::Vectors { .. }, kind) => return Err(CliError::Usage(format!("--model {kind:?} needs image data"))),
    })
}

/// Reads a run directory's `kiln.json`.
pub fn load_meta(run_dir: &Path) -> Result<RunMeta> {
    let meta_path = run_dir.join("kiln.json");
    let text = std::fs::read_to_string(&meta_path)
        .map_err(|e| CliError::Metadata { path: meta_path.clone(), message: e.to_string() })?;
    serde_json::from_str(&text).map_err(|e| CliError::Metadata { path: meta_path.clone(), message: e.to_string() })
}

/// A run's images as they were split for training, with their normalisation.
pub struct ImageSplits {
    /// Training images.
    pub train: Vec<ImageExample>,
    /// Validation images.
    pub valid: Vec<ImageExample>,
    /// Held-out test images.
    pub test: Vec<ImageExample>,
    /// Channel normalisation fitted on the training images.
    pub norm: Normalize,
}

/// The data of a run as it was split for training (`None` for tables).
pub fn image_splits(meta: &RunMeta) -> Result<Option<ImageSplits>> {
    Ok(match prepare(&meta.options)?.0 {
        Prepared::Images { train, valid, test, norm } => Some(ImageSplits { train, valid, test, norm }),
        Prepared::Vectors { .. } => None,
    })
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Metadata { path: path.to_path_buf(), message: e.to_string() })?;
    std::fs::write(path, text).map_err(|e| CliError::Metadata { path: path.to_path_buf(), message: e.to_string() })
}
