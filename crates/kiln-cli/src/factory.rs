//! `kiln factory train` and `kiln customize`: NN-Factory (Xu et al., "Generative Model for
//! Models: Rapid DNN Customization for Diverse Tasks and Resource Constraints", arXiv
//! 2308.15003, 2023; `kiln_nas::nn_factory`) on any image data `kiln train` reads.
//!
//! A factory directory holds what [`NnFactory::save`] writes (`config.json`, `factory.bpk`,
//! with the training images' mean and std) and [`FACTORY_RUN_FILE`] (the data specification,
//! the seed, the schedule and the data's facts), so `kiln customize` reloads the same split;
//! while training, the engine's `checkpoint/` and `metrics.jsonl` (`kiln factory train
//! --resume` continues from the last checkpoint).
//!
//! `kiln customize` writes a standard run directory (see [`crate::artifact`]) of the registry
//! model [`CUSTOM_MODEL`]: `config.json` holds the options (the factory's data and seed), the
//! [`CustomRecord`] (the network's shape and the task) and the facts of the *whole* data set
//! (so `kiln eval` checks the data is unchanged); `model.bpk` the [`CustomNet`]'s weights;
//! `assembly.json` the chosen modules; `summary.json` the test evaluation. The task's
//! relabelling is not in the data facts: the network's outputs are the task's classes in
//! `--classes` order (local label `i` is class `classes[i]`), and evaluation keeps the test
//! images of those classes and relabels them so ([`task_examples`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::prelude::Device;
use kiln_core::train::{BatchSource, Evaluation, ImageBatch, Report, Trainer};
use kiln_data::{DataLoader, ImageBatcher, ImageExample};
use kiln_nas::nn_factory::{
    Assembler, CustomNet, CustomSpec, FactoryConfig, FactorySchedule, NnFactory, Task, task_examples,
};
use serde::{Deserialize, Serialize};

use crate::artifact::{self, RunConfig, read_json, write_json};
use crate::classify_data::{ClassifyData, Prepared, prepare, reload};
use crate::error::{CliError, Result};
use crate::options::{ClassifyOptions, TaskOptions, TrainOptions, TrainRequest};
use crate::search::nas_data;

/// The record of a factory's training data in its directory.
pub const FACTORY_RUN_FILE: &str = "factory_run.json";

/// The factory's weights in its directory (written by [`NnFactory::save`]).
pub const FACTORY_WEIGHTS: &str = "factory.bpk";
/// The registry name of a customised network.
pub const CUSTOM_MODEL: &str = "factory-custom";
/// The assembly (task, active modules, cost) in a customised run.
pub const ASSEMBLY_FILE: &str = "assembly.json";
/// Validation images (of the task's classes) that rank the candidate assemblies, at most.
pub const MAX_VALIDATION: usize = 512;

/// `factory_run.json`: the data and seed a factory was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactoryRun {
    /// Data specification, as `kiln train --data` takes it.
    pub data: String,
    /// Seed of the split, initialisation and shuffling.
    pub seed: u64,
    /// The training schedule.
    pub schedule: FactorySchedule,
    /// What the data preparation found (shape, classes, normalisation).
    pub facts: ClassifyData,
}

/// Options of `kiln factory train`.
#[derive(Debug, Clone)]
pub struct FactoryTrainOptions {
    /// Data specification.
    pub data: String,
    /// Epochs and learning rates of pretraining and assembler training.
    pub schedule: FactorySchedule,
    /// Seed.
    pub seed: u64,
    /// The factory directory.
    pub out: PathBuf,
    /// Progress output.
    pub progress: bool,
    /// Continue from the directory's last checkpoint (the recorded data, seed and schedule
    /// must be these).
    pub resume: bool,
    /// Stop after this many epochs as if killed (tests of `resume`).
    pub halt_after_epochs: Option<usize>,
}

/// `config.json`'s model part of a customised network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomRecord {
    /// The network's shape.
    pub spec: CustomSpec,
    /// The task: output `i` is class `classes[i]`.
    pub task: Task,
    /// The MAC budget given.
    pub budget: u64,
    /// The factory it was customised from.
    pub factory: PathBuf,
}

/// Options of `kiln customize`.
#[derive(Debug, Clone)]
pub struct CustomizeOptions {
    /// The factory directory.
    pub checkpoint: PathBuf,
    /// The classes, as given (`1,4,7`).
    pub classes: String,
    /// The MAC budget.
    pub macs: u64,
    /// Candidate assemblies compared on validation images (`None`: the factory's `K`).
    pub candidates: Option<usize>,
    /// The run directory to write.
    pub out: PathBuf,
}

/// What `kiln customize` did.
#[derive(Debug, Clone)]
pub struct Customized {
    /// The task.
    pub task: Task,
    /// Names of the task's classes.
    pub class_names: Vec<String>,
    /// MACs of the network.
    pub macs: u64,
    /// Parameters of the network.
    pub params: u64,
    /// Validation accuracy of the chosen assembly, when ranked on validation images.
    pub validation_accuracy: Option<f64>,
    /// Test evaluation on the task's images (local labels).
    pub test: Evaluation,
    /// Wall-clock seconds of the customisation (assembly search and extraction).
    pub seconds: f64,
}

/// The factory's settings for the data: [`FactoryConfig::small`] up to 16-px images, else
/// [`FactoryConfig::new`], with the data's channels, side and classes, tasks of up to 5
/// classes (fewer when the data has fewer).
///
/// # Errors
/// Images that are not square.
pub fn factory_config_for(data: &ClassifyData) -> Result<FactoryConfig> {
    let [channels, height, width] = data.input_shape;
    if height != width {
        return Err(CliError::Usage(format!("NN-Factory needs square images, not {height}×{width}")));
    }
    let base = if height <= 16 { FactoryConfig::small() } else { FactoryConfig::new() };
    let n = data.num_classes();
    let hi = base.task_sizes.1.min(n);
    Ok(FactoryConfig {
        in_channels: channels,
        image_size: height,
        num_classes: n,
        task_sizes: (base.task_sizes.0.min(hi), hi),
        ..base
    })
}

/// Trains the factory (pretraining, then the assembler) and writes its directory: the engine's
/// checkpoints and `metrics.jsonl` as it goes, `config.json` and `factory.bpk` when training
/// completes. With `options.resume` it continues from the last checkpoint, after checking that
/// the recorded `factory_run.json` holds the same data, seed and schedule. Returns whether
/// training completed (false when halted).
///
/// # Errors
/// [`CliError::ResumeMismatch`] naming the settings that differ; data, training or write
/// errors.
pub fn train_factory(options: &FactoryTrainOptions, device: &Device) -> Result<(NnFactory, FactoryRun, bool)> {
    let (prepared, facts) = prepare(&options.data, &ClassifyOptions::default(), options.seed)?;
    let config = factory_config_for(&facts)?;
    let data = nas_data(prepared, options.seed)?;
    let out = &options.out;
    let run = FactoryRun { data: options.data.clone(), seed: options.seed, schedule: options.schedule, facts };
    let run_path = out.join(FACTORY_RUN_FILE);
    if options.resume && run_path.exists() {
        let recorded: serde_json::Value = read_json(&run_path)?;
        // Through the text, as the recorded file was written (f32 facts print shortest).
        let given: serde_json::Value = serde_json::to_string(&run)
            .and_then(|text| serde_json::from_str(&text))
            .map_err(|e| CliError::Metadata { path: run_path.clone(), message: e.to_string() })?;
        let mut fields = Vec::new();
        artifact::differences(&recorded, &given, "", &mut fields);
        if !fields.is_empty() {
            return Err(CliError::ResumeMismatch { path: run_path, fields: fields.join(", ") });
        }
    }
    std::fs::create_dir_all(out).map_err(|e| kiln_core::CoreError::io(out, e))?;
    // Weights an earlier run left would make a halted run look finished.
    let weights = out.join(FACTORY_WEIGHTS);
    if weights.exists() {
        std::fs::remove_file(&weights).map_err(|e| kiln_core::CoreError::io(&weights, e))?;
    }
    write_json(&run_path, &run)?;
    device.seed(options.seed);
    let factory = config.init(device)?;
    let trainer = Trainer::new(device.clone())
        .with_run_dir(out)
        .with_seed(options.seed)
        .with_resume(options.resume)
        .with_progress(options.progress);
    let trainer = match options.halt_after_epochs {
        Some(epochs) => trainer.with_halt_after_epochs(epochs),
        None => trainer,
    };
    let (factory, report) = trainer.fit(factory, &options.schedule.phases(), &data.train, Some(&data.valid))?;
    if report.completed {
        factory.save(out, &run.facts.mean, &run.facts.std)?;
    }
    Ok((factory, run, report.completed))
}

/// Parses `--classes` (`1,4,7`; spaces allowed). Validation against the factory is
/// [`Task::new`]'s.
///
/// # Errors
/// An entry that is not a class index, naming it.
pub fn parse_classes(text: &str) -> Result<Vec<usize>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| CliError::Usage(format!("--classes {text:?}: `{}` is not a class index", s.trim())))
        })
        .collect()
}

/// The images of a factory's data, split and normalised as in training.
fn reload_images(data: &str, seed: u64, facts: &ClassifyData, dir: &Path) -> Result<Prepared> {
    reload(data, &ClassifyOptions::default(), seed, facts, dir)
}

/// The validation and test images of prepared data, with their batcher.
struct Images {
    valid: Vec<ImageExample>,
    test: Vec<ImageExample>,
    batcher: ImageBatcher,
}

fn images(prepared: Prepared) -> Result<Images> {
    match prepared {
        Prepared::Images { valid, test, norm, .. } => Ok(Images { valid, test, batcher: ImageBatcher::new(norm) }),
        Prepared::Vectors { .. } => Err(CliError::Usage("NN-Factory needs image data, not a CSV table".into())),
    }
}

/// The test images of `task` with task-local labels, batched.
fn task_test(
    test: &[ImageExample],
    task: &Task,
    batcher: ImageBatcher,
) -> Result<DataLoader<ImageExample, ImageBatch>> {
    let examples = task_examples(test, task);
    if examples.is_empty() {
        return Err(CliError::Usage(format!("the test split has no images of classes {:?}", task.classes())));
    }
    Ok(DataLoader::new(examples, batcher, 256))
}

/// The test images of a customised run's task (local labels), reloaded from its recorded data.
pub fn custom_test_data(
    run: &RunConfig<CustomRecord, ClassifyData>,
    run_dir: &Path,
) -> Result<DataLoader<ImageExample, ImageBatch>> {
    let prepared = reload_images(&run.options.data, run.options.seed, &run.data, run_dir)?;
    let Images { test, batcher, .. } = images(prepared)?;
    task_test(&test, &run.config.task, batcher)
}

/// MACs and parameters as run metrics.
pub fn cost_metrics(net: &CustomNet, spec: &CustomSpec) -> BTreeMap<String, f64> {
    let cost = net.cost(spec.image_size);
    BTreeMap::from([("macs".to_string(), cost.macs as f64), ("params".to_string(), cost.params as f64)])
}

/// Loads the factory, assembles and extracts the network for the task within the budget,
/// evaluates it on the task's test images and writes the run directory (see the module doc).
///
/// # Errors
/// A missing or mismatched factory, a bad task or budget (from `kiln_nas`'s
/// [`FactoryError`](kiln_nas::nn_factory::FactoryError), naming the value), data that changed
/// since the factory was trained.
pub fn customize(options: &CustomizeOptions, device: &Device) -> Result<Customized> {
    let dir = &options.checkpoint;
    if options.out.join(FACTORY_WEIGHTS).exists() {
        return Err(CliError::Usage(format!(
            "--out {}: it holds an NN-Factory, which the customised run would overwrite; choose another directory",
            options.out.display()
        )));
    }
    let (factory, _) = NnFactory::load(dir, device)?;
    let classes = parse_classes(&options.classes)?;
    let task = Task::new(&classes, factory.config.num_classes)
        .map_err(|source| CliError::FactoryTask { classes: options.classes.clone(), source })?;
    let run: FactoryRun = read_json(&dir.join(FACTORY_RUN_FILE))?;
    let Images { valid, test, batcher } = images(reload_images(&run.data, run.seed, &run.facts, dir)?)?;
    let valid: Vec<ImageExample> =
        valid.into_iter().filter(|e| task.local(e.label).is_some()).take(MAX_VALIDATION).collect();
    let test_data = task_test(&test, &task, batcher.clone())?;

    let start = Instant::now();
    let mut assembler = Assembler::new(&factory).with_seed(run.seed);
    if let Some(k) = options.candidates {
        assembler = assembler.with_candidates(k);
    }
    if !valid.is_empty() {
        let n = valid.len();
        assembler = assembler.with_validation(DataLoader::new(valid, batcher, n).batch(0, 0, device)?);
    }
    let assembly = assembler.assemble(&task, options.macs)?;
    let (net, spec) = assembler.extract(&assembly)?;
    let seconds = start.elapsed().as_secs_f64();

    let train = TrainOptions {
        model: CUSTOM_MODEL.into(),
        data: run.data.clone(),
        epochs: 0,
        lr: 0.0,
        batch_size: 256,
        seed: run.seed,
        task: TaskOptions::Classify(ClassifyOptions::default()),
    };
    let record = CustomRecord { spec: spec.clone(), task: task.clone(), budget: options.macs, factory: dir.clone() };
    let config = RunConfig { options: train.clone(), config: record, data: run.facts.clone() };
    let request = TrainRequest::new(train, &options.out);
    let trainer = artifact::start_run(&request, device, &config)?;
    write_json(&options.out.join(ASSEMBLY_FILE), &assembly)?;
    let test = trainer.evaluate(&net, &test_data)?;
    let mut metrics = cost_metrics(&net, &spec);
    metrics.insert("customize_seconds".into(), seconds);
    let report =
        Report { records: Vec::new(), completed: true, global_step: 0, best_epoch: None, stopped_early: false };
    artifact::finish_run(&request, &net, report, test.clone(), metrics)?;
    let class_names = task.classes().iter().map(|&c| run.facts.classes.get(c).cloned().unwrap_or_default()).collect();
    Ok(Customized {
        class_names,
        macs: assembly.cost.macs,
        params: assembly.cost.params,
        validation_accuracy: assembly.validation_accuracy,
        task,
        test,
        seconds,
    })
}
