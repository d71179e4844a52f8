//! The runs of SimCLRv2, each a separate model with its own phase: contrastive pretraining
//! ([`pretrain`]), fine-tuning from the first head layer on the labelled subset ([`finetune`]),
//! the supervised-only baseline ([`supervised`]) and self-distillation on all images
//! ([`distill`]). Each saves its network into its run directory and the next reads it from
//! there ([`super::store`]).

use std::path::Path;

use burn::config::Config;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::seed::{derive_seed, seed_device};
use kiln_core::train::{BatchSource, LrSchedule, OptimizerConfig, Phase, Report, TrainPhase, Trainable, Trainer};
use kiln_data::{Augment, DataLoader, ImageBatch, ImageBatcher, ImageExample, Normalize};

use super::config::SimClrConfig;
use super::model::{SimClr, SimClrClassifier, check_selector};
use super::store::{ClassifierSpec, load_classifier, load_pretrained, save_classifier, save_pretrained};
use crate::augment::{TwoViewBatcher, TwoViews, ViewTransform};
use crate::distill::{DistillBatch, DistillBatcher, DistillExample, Distiller};
use crate::error::SemiError;

/// Settings of a supervised run on the labelled subset: fine-tuning, the baseline, and the
/// optimisation of distillation.
#[derive(Config, Debug)]
pub struct FinetuneConfig {
    /// Head layers kept under the classifier (official `ft_proj_selector`). Default 1: the
    /// paper fine-tunes from the first layer of the projection head.
    #[config(default = 1)]
    pub ft_proj_selector: usize,
    /// Epochs. Default 60 (the paper's 1% runs; 30 for 10%: [`FinetuneConfig::for_fraction`]).
    #[config(default = 60)]
    pub epochs: usize,
    /// Images per batch. Default 256.
    #[config(default = 256)]
    pub batch_size: usize,
    /// Learning rate (constant under Adam, cosine-decayed otherwise). Default 1e-3.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// The optimiser. Default Adam.
    #[config(default = "OptimizerConfig::adam()")]
    pub optimizer: OptimizerConfig,
    /// Pad-and-crop shift of the training images in pixels (0: none). Default 1.
    #[config(default = 1)]
    pub crop_padding: usize,
    /// Random horizontal flips. Default false (digits are not mirror-symmetric).
    #[config(default = false)]
    pub flip: bool,
    /// Cap on optimiser steps per epoch; `None`: full epochs.
    #[config(default = "None")]
    pub max_steps_per_epoch: Option<usize>,
    /// Seed of initialisation and shuffling. Default 0.
    #[config(default = 0)]
    pub seed: u64,
}

impl FinetuneConfig {
    /// The paper's epochs for a labelled `fraction`: 60 up to 1%, 30 above.
    pub fn for_fraction(fraction: f64) -> Self {
        Self::new().with_epochs(if fraction <= 0.01 { 60 } else { 30 })
    }

    fn augment(&self) -> Augment {
        Augment { crop_padding: self.crop_padding, flip: self.flip, max_rotation_degrees: 0.0 }
    }

    fn phase(&self, steps_per_epoch: usize) -> TrainPhase {
        let schedule = match self.optimizer {
            OptimizerConfig::Adam { .. } | OptimizerConfig::AdamW { .. } => LrSchedule::Constant,
            _ => LrSchedule::Cosine { min_factor: 0.0 },
        };
        let mut phase =
            TrainPhase::new(self.epochs, self.learning_rate).with_optimizer(self.optimizer).with_schedule(schedule);
        if let Some(cap) = self.max_steps_per_epoch {
            phase = phase.with_max_steps_per_epoch(cap.min(steps_per_epoch.max(1)));
        }
        phase
    }
}

/// Settings of self-distillation.
#[derive(Config, Debug)]
pub struct DistillConfig {
    /// Optimisation (epochs, batch, learning rate, augmentation, seed); its `ft_proj_selector`
    /// is ignored (the student's is [`DistillConfig::student_selector`]).
    pub train: FinetuneConfig,
    /// Head layers the student keeps under its linear classifier. Default 0: the paper's
    /// self-distillation student has the teacher's encoder "excluding the projection head";
    /// the teacher's own selector (1) gives a student of exactly the teacher's architecture.
    #[config(default = 0)]
    pub student_selector: usize,
    /// τ of the teacher's and the student's softmax. Default 1.
    #[config(default = 1.0)]
    pub temperature: f64,
    /// Weight `w` of the cross-entropy on the labelled images (0: distillation only). Default 0.
    #[config(default = 0.0)]
    pub label_weight: f64,
}

fn check_nonempty(images: &[ImageExample], what: &'static str, least: usize) -> crate::Result<()> {
    if images.len() < least {
        return Err(SemiError::config(what, images.len(), format!("needs at least {least} images")));
    }
    Ok(())
}

fn identity(images: &[ImageExample]) -> Normalize {
    Normalize::identity(images.first().map_or(1, |e| e.image.channels))
}

fn trainer(device: &Device, run_dir: &Path, seed: u64) -> Trainer {
    Trainer::new(device.clone()).with_run_dir(run_dir).with_seed(seed).with_checkpoint_every(0)
}

/// Contrastive pretraining on `images` (labels unused) with two views per image from `views`.
///
/// One phase of `config.epochs` epochs over batches of `min(batch_size, images)` images (the
/// last incomplete batch is dropped), `config.optimizer` at `config.scaled_learning_rate()`,
/// linear warm-up over `warmup_epochs` then cosine decay to 0. Saves the network and
/// `config` into `run_dir` ([`super::store::PRETRAINED_WEIGHTS`]).
///
/// # Errors
/// An invalid configuration, fewer than two images, or a failed run or write.
pub fn pretrain(
    config: &SimClrConfig,
    images: &[ImageExample],
    views: impl ViewTransform + 'static,
    device: &Device,
    run_dir: &Path,
) -> crate::Result<(SimClr, Report)> {
    config.validate()?;
    check_nonempty(images, "images", 2)?;
    seed_device(device, derive_seed(config.seed, 1));
    let model = config.init(device)?;
    let batch = config.batch_size.min(images.len());
    let loader: DataLoader<ImageExample, TwoViews> =
        DataLoader::new(images.to_vec(), TwoViewBatcher::new(views, identity(images)), batch)
            .shuffled(derive_seed(config.seed, 2))
            .drop_last(true);
    let steps = config.max_steps_per_epoch.map_or(loader.num_batches(), |m| m.min(loader.num_batches()));
    let mut phase = TrainPhase::new(config.epochs, config.scaled_learning_rate())
        .with_optimizer(config.optimizer)
        .with_schedule(LrSchedule::WarmupCosine { warmup_steps: config.warmup_epochs * steps, min_factor: 0.0 });
    if let Some(cap) = config.max_steps_per_epoch {
        phase = phase.with_max_steps_per_epoch(cap);
    }
    let (model, report) =
        trainer(device, run_dir, config.seed).fit(model, &[Phase::train("pretrain", phase)], &loader, None)?;
    save_pretrained(&model, config, run_dir)?;
    Ok((model, report))
}

fn classifier_loaders(
    config: &FinetuneConfig,
    labelled: &[ImageExample],
    valid: Option<&[ImageExample]>,
) -> (DataLoader<ImageExample, ImageBatch>, Option<DataLoader<ImageExample, ImageBatch>>) {
    let normalize = identity(labelled);
    let train = DataLoader::new(
        labelled.to_vec(),
        ImageBatcher::new(normalize.clone()).with_augment(config.augment()),
        config.batch_size.min(labelled.len()).max(1),
    )
    .shuffled(derive_seed(config.seed, 2))
    .drop_last(true);
    let valid = valid.map(|v| DataLoader::new(v.to_vec(), ImageBatcher::new(normalize), 256));
    (train, valid)
}

fn train_classifier(
    model: SimClrClassifier,
    spec: &ClassifierSpec,
    config: &FinetuneConfig,
    labelled: &[ImageExample],
    valid: Option<&[ImageExample]>,
    device: &Device,
    run_dir: &Path,
) -> crate::Result<(SimClrClassifier, Report)> {
    let (train, valid_loader) = classifier_loaders(config, labelled, valid);
    let phase = config.phase(train.num_batches());
    let valid_source = valid_loader.as_ref().map(|v| v as &dyn BatchSource<ImageBatch>);
    let (model, report) =
        trainer(device, run_dir, config.seed).fit(model, &[Phase::train("finetune", phase)], &train, valid_source)?;
    save_classifier(&model, spec, run_dir)?;
    Ok((model, report))
}

/// Fine-tunes the network of the pretrain run in `pretrain_dir` on `labelled`: its encoder and
/// first `config.ft_proj_selector` head layers under a new linear classifier to `num_classes`,
/// every parameter trainable. Saves the classifier into `run_dir`.
///
/// # Errors
/// [`SemiError::File`] naming a missing file of `pretrain_dir`; an invalid selector; a failed
/// run or write.
pub fn finetune(
    config: &FinetuneConfig,
    pretrain_dir: &Path,
    labelled: &[ImageExample],
    valid: Option<&[ImageExample]>,
    num_classes: usize,
    device: &Device,
    run_dir: &Path,
) -> crate::Result<(SimClrClassifier, Report)> {
    check_nonempty(labelled, "labelled", 1)?;
    let (pretrained, model_config) = load_pretrained(pretrain_dir, device)?;
    seed_device(device, derive_seed(config.seed, 1));
    let model = SimClrClassifier::from_pretrained(pretrained, config.ft_proj_selector, num_classes, device)?;
    let spec = ClassifierSpec { model: model_config, selector: config.ft_proj_selector, num_classes };
    train_classifier(model, &spec, config, labelled, valid, device, run_dir)
}

/// The supervised-only baseline: the encoder of `model_config` with a linear classifier
/// (`ft_proj_selector` is ignored: no head layer), randomly initialised and trained on
/// `labelled` only. Saves it into `run_dir` like [`finetune`].
///
/// # Errors
/// An invalid configuration; a failed run or write.
pub fn supervised(
    model_config: &SimClrConfig,
    config: &FinetuneConfig,
    labelled: &[ImageExample],
    valid: Option<&[ImageExample]>,
    num_classes: usize,
    device: &Device,
    run_dir: &Path,
) -> crate::Result<(SimClrClassifier, Report)> {
    check_nonempty(labelled, "labelled", 1)?;
    seed_device(device, derive_seed(config.seed, 1));
    let model = SimClrClassifier::random(model_config, 0, num_classes, device)?;
    let spec = ClassifierSpec { model: model_config.clone(), selector: 0, num_classes };
    train_classifier(model, &spec, config, labelled, valid, device, run_dir)
}

/// Self-distillation: a randomly initialised student (the teacher's encoder and its first
/// `config.student_selector` head layers under a linear classifier) learns the teacher's soft
/// labels (τ = `config.temperature`) on every image, labelled and unlabelled,
/// plus `config.label_weight` × the cross-entropy on the labelled ones. The teacher is the
/// classifier of `teacher_dir` (a [`finetune`] run), fixed and in evaluation mode. Saves the
/// student into `run_dir` as a classifier.
///
/// # Errors
/// [`SemiError::File`] naming a missing file of `teacher_dir`; [`SemiError::InvalidConfig`]
/// when `config.student_selector` is not below the head's layer count; a failed run or write.
#[allow(clippy::too_many_arguments)]
pub fn distill(
    config: &DistillConfig,
    teacher_dir: &Path,
    labelled: &[ImageExample],
    unlabelled: &[ImageExample],
    valid: Option<&[ImageExample]>,
    device: &Device,
    run_dir: &Path,
) -> crate::Result<(SimClrClassifier, Report)> {
    let (teacher, teacher_spec) = load_classifier(teacher_dir, device)?;
    seed_device(device, derive_seed(config.train.seed, 1));
    check_selector("student_selector", config.student_selector, teacher_spec.model.projection_layers)?;
    let spec = ClassifierSpec { selector: config.student_selector, ..teacher_spec };
    let student = SimClrClassifier::random(&spec.model, spec.selector, spec.num_classes, device)?;
    let model = Distiller::new(student, teacher, config.temperature, config.label_weight);
    let items: Vec<DistillExample> = labelled
        .iter()
        .map(|e| DistillExample { example: e.clone(), labelled: true })
        .chain(unlabelled.iter().map(|e| DistillExample { example: e.clone(), labelled: false }))
        .collect();
    if items.is_empty() {
        return Err(SemiError::config("images", 0, "distillation needs at least one image"));
    }
    let normalize = Normalize::identity(items[0].example.image.channels);
    let batch = config.train.batch_size.min(items.len()).max(1);
    let train = DataLoader::new(
        items,
        DistillBatcher { normalize: normalize.clone(), augment: Some(config.train.augment()) },
        batch,
    )
    .shuffled(derive_seed(config.train.seed, 2))
    .drop_last(true);
    let valid_loader = valid.map(|v| {
        let items: Vec<DistillExample> =
            v.iter().map(|e| DistillExample { example: e.clone(), labelled: true }).collect();
        DataLoader::new(items, DistillBatcher { normalize: normalize.clone(), augment: None }, 256)
    });
    let phase = config.train.phase(train.num_batches()).with_trainable(Trainable::only(["student"]));
    let valid_source = valid_loader.as_ref().map(|v| v as &dyn BatchSource<DistillBatch>);
    let (model, report) = trainer(device, run_dir, config.train.seed).fit(
        model,
        &[Phase::train("distill", phase)],
        &train,
        valid_source,
    )?;
    save_classifier(&model.student, &spec, run_dir)?;
    Ok((model.student, report))
}

/// Top-1 accuracy of `model` on `examples` (evaluation mode, batches of 256).
pub fn accuracy(model: &SimClrClassifier, examples: &[ImageExample], device: &Device) -> f64 {
    let model = burn::module::Module::valid(model);
    let mut correct = 0usize;
    for chunk in examples.chunks(256) {
        let [c, h, w] = chunk[0].image.shape();
        let pixels: Vec<f32> = chunk.iter().flat_map(|e| e.image.pixels.iter().copied()).collect();
        let x = Tensor::<4>::from_data(TensorData::new(pixels, [chunk.len(), c, h, w]), device);
        let predicted = model.forward(x).argmax(1).into_data();
        correct += predicted.iter::<i64>().zip(chunk).filter(|(p, e)| *p == e.label as i64).count();
    }
    correct as f64 / examples.len().max(1) as f64
}
