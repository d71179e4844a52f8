//! Image and table classifiers: the typed description of one model ([`Classifier`]) and the
//! one generic entry ([`Classify`]) that trains, evaluates and explains any of them.

use std::collections::BTreeMap;
use std::path::Path;

use burn::prelude::Device;
use kiln_core::train::{LrSchedule, Phase, TrainModel, TrainPhase, Trainer};
use kiln_data::ImageBatcher;
use kiln_proto::PushSet;
use kiln_proto::interpretability::InterpretabilityReport;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ModelEntry;
use super::explain::{Explain, ExplainInput, ExplainOutput, ExplainRequest, Explainer, write_explanation};
use super::interpretability::{InterpretabilityFlagError, InterpretabilityRequest, PrototypesOf};
use super::robust::{CertificateOf, RobustReport, RobustRequest};
use super::uncertainty::{UncertaintyFlagError, UncertaintyOf, UncertaintyReport, UncertaintyRequest};
use crate::artifact::{self, EvalSummary, RunConfig, TrainSummary};
use crate::classify_data::{ClassifyData, Input, Prepared, prepare, reload};
use crate::error::{CliError, Result};
use crate::options::{Task, TrainOptions, TrainRequest};

/// An image or table classifier of `kiln train`: how to configure, build and train it.
pub trait Classifier: Sync + 'static {
    /// The `--model` name.
    const NAME: &'static str;
    /// One line for listings.
    const ABOUT: &'static str;
    /// What the network consumes: `ImageBatch`, or `VectorBatch` (tables; images flattened).
    type Batch: Input;
    /// The network.
    type Model: TrainModel<Batch = Self::Batch>;
    /// Its typed configuration, stored in `config.json`: the architecture `init` builds.
    type Config: Serialize + DeserializeOwned;

    /// The configuration for data of this shape and these classes.
    fn config(data: &ClassifyData) -> Self::Config;

    /// Builds the network (the only place it is built: training, evaluation and explanation
    /// all come here).
    fn init(config: &Self::Config, device: &Device) -> Self::Model;

    /// The phases of a run. Default: one phase of Adam with cosine decay over `--epochs`.
    fn phases(options: &TrainOptions, _data: &Prepared) -> Result<Vec<Phase<Self::Model>>> {
        let phase = TrainPhase::new(options.epochs, options.lr).with_schedule(LrSchedule::Cosine { min_factor: 0.01 });
        Ok(vec![Phase::train("train", phase)])
    }

    /// How the model explains a prediction, when it can.
    fn explainer() -> Option<Explainer<Self::Model>> {
        None
    }

    /// The model's certificate of L2 radii on pixels, when it proves any
    /// (`kiln eval --certify`).
    fn certificate() -> Option<CertificateOf<Self::Model>> {
        None
    }

    /// The model's decomposition of its predictive uncertainty over sampled prototype sets,
    /// when it has one (`kiln eval --uncertainty`).
    fn uncertainty() -> Option<UncertaintyOf<Self::Model>> {
        None
    }

    /// The model's prototypes as the part metrics see them (similarity maps and classes), when
    /// it has any (`kiln eval --interpretability`).
    fn prototypes() -> Option<PrototypesOf<Self::Model>> {
        None
    }
}

/// `kiln eval` of a classifier run: reads `config.json` (configuration `C`), reloads the run's
/// data, builds the network with `build`, loads the run's weights and evaluates on the test
/// split. Every classifier entry's `eval` is this, with its own `build`.
pub fn eval_run<B: Input, C: DeserializeOwned, M: TrainModel<Batch = B>>(
    model: &str,
    run_dir: &Path,
    device: &Device,
    build: impl FnOnce(&C, &Device) -> Result<M>,
) -> Result<EvalSummary> {
    let run: RunConfig<C, ClassifyData> = artifact::read_config(run_dir)?;
    let options = &run.options;
    let prepared = reload(&options.data, options.task.classify()?, options.seed, &run.data, run_dir)?;
    let network = artifact::load_model(run_dir, build(&run.config, device)?)?;
    let sources = B::sources(model, prepared, options.batch_size, options.seed)?;
    let trainer = Trainer::new(device.clone()).with_seed(options.seed);
    Ok(EvalSummary { test: trainer.evaluate(&network, sources.test.as_ref())?, metrics: BTreeMap::new() })
}

/// The registry entry of a [`Classifier`].
pub struct Classify<T>(pub T);

type ClassifyRun<T> = RunConfig<<T as Classifier>::Config, ClassifyData>;

impl<T: Classifier> Classify<T> {
    /// The run in `run_dir`: its configuration, its data as split for training, and the model
    /// with its trained weights.
    fn load(run_dir: &Path, device: &Device) -> Result<(ClassifyRun<T>, Prepared, T::Model)> {
        let run: ClassifyRun<T> = artifact::read_config(run_dir)?;
        let csv = run.options.task.classify()?;
        let prepared = reload(&run.options.data, csv, run.options.seed, &run.data, run_dir)?;
        let model = artifact::load_model(run_dir, T::init(&run.config, device))?;
        Ok((run, prepared, model))
    }
}

impl<T: Classifier> ModelEntry for Classify<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn about(&self) -> &'static str {
        T::ABOUT
    }

    fn task(&self) -> Task {
        Task::Classify
    }

    fn train(&self, request: &TrainRequest, device: &Device) -> Result<TrainSummary> {
        let options = &request.options;
        let (prepared, data) = prepare(&options.data, options.task.classify()?, options.seed)?;
        let run = RunConfig { options: options.clone(), config: T::config(&data), data };
        let phases = T::phases(options, &prepared)?;
        let sources = T::Batch::sources(T::NAME, prepared, options.batch_size, options.seed)?;
        let trainer = artifact::start_run(request, device, &run)?;
        let model = T::init(&run.config, device);
        let (model, report) = trainer.fit(model, &phases, sources.train.as_ref(), Some(sources.valid.as_ref()))?;
        let test = trainer.evaluate(&model, sources.test.as_ref())?;
        artifact::finish_run(request, &model, report, test, BTreeMap::new())
    }

    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary> {
        eval_run::<T::Batch, _, _>(T::NAME, run_dir, device, |config, device| Ok(T::init(config, device)))
    }

    fn explainer(&self) -> Option<&dyn Explain> {
        T::explainer().map(|_| self as &dyn Explain)
    }

    fn certifies(&self) -> bool {
        T::certificate().is_some()
    }

    fn robustness(&self, run_dir: &Path, device: &Device, request: &RobustRequest) -> Result<RobustReport> {
        let certificate = T::certificate().ok_or_else(|| super::robust::RobustFlagError::NoCertificate {
            model: T::NAME.into(),
            certified: super::certified_names(),
        })?;
        let (run, prepared, model) = Self::load(run_dir, device)?;
        let Prepared::Images { test, .. } = prepared else {
            return Err(CliError::Usage(format!("{}: certified radii are on image pixels", run_dir.display())));
        };
        // PGD's random starts come from the device's generator.
        device.seed(run.options.seed);
        super::robust::evaluate(certificate(&model), &test, request, device)
    }

    fn has_prototypes(&self) -> bool {
        T::prototypes().is_some()
    }

    fn interpretability(
        &self,
        run_dir: &Path,
        device: &Device,
        request: &InterpretabilityRequest,
    ) -> Result<InterpretabilityReport> {
        let prototypes = T::prototypes().ok_or_else(|| InterpretabilityFlagError::NoPrototypes {
            model: T::NAME.into(),
            prototype_models: super::prototype_names(),
        })?;
        let (run, prepared, model) = Self::load(run_dir, device)?;
        let Prepared::Images { test, norm, .. } = prepared else {
            return Err(CliError::Usage(format!("{}: --interpretability scores images", run_dir.display())));
        };
        let batcher = ImageBatcher::new(norm);
        super::interpretability::score(prototypes(&model), &test, &batcher, request, run.options.seed, run_dir, device)
    }

    fn has_uncertainty(&self) -> bool {
        T::uncertainty().is_some()
    }

    fn uncertainty(&self, run_dir: &Path, device: &Device, request: &UncertaintyRequest) -> Result<UncertaintyReport> {
        let decompose = T::uncertainty().ok_or_else(|| UncertaintyFlagError::NoUncertainty {
            model: T::NAME.into(),
            uncertain: super::uncertain_names(),
        })?;
        let (run, prepared, model) = Self::load(run_dir, device)?;
        let Prepared::Images { test, .. } = prepared else {
            return Err(CliError::Usage(format!("{}: --uncertainty is evaluated on images", run_dir.display())));
        };
        let pixels: Vec<Vec<f32>> = test.into_iter().map(|e| e.image.pixels).collect();
        let predict = |x| decompose(&model, x, request.samples);
        super::uncertainty::evaluate(&predict, &pixels, run.data.input_shape, request, run.options.seed, device)
    }
}

impl<T: Classifier> Explain for Classify<T> {
    fn explain(&self, run_dir: &Path, device: &Device, request: &ExplainRequest) -> Result<ExplainOutput> {
        let explainer = T::explainer().ok_or_else(|| super::cannot_explain(T::NAME))?;
        let (run, prepared, model) = Self::load(run_dir, device)?;
        let Prepared::Images { train, test, norm, .. } = prepared else {
            return Err(CliError::Usage(format!("{}: explanations are of images", run_dir.display())));
        };
        let example = test.get(request.index).ok_or_else(|| {
            CliError::Usage(format!("--index {}: the test split has {} images", request.index, test.len()))
        })?;
        let batcher = ImageBatcher::new(norm);
        let input = ExplainInput { run_dir, image: &example.image, batcher: &batcher, device, top_k: request.top_k };
        let explained = explainer(&model, &input)?;
        let characteristics = match (request.characteristics, T::prototypes()) {
            (false, _) => None,
            (true, Some(prototypes)) => {
                Some(super::characteristics::measure(prototypes(&model), &example.image, &test, &batcher, device)?)
            }
            (true, None) => return Err(super::no_prototypes(T::NAME).into()),
        };
        let push_set = PushSet::new(train, batcher);
        let example = (request.index, example);
        write_explanation(run_dir, example, explained, &push_set, run.data.num_classes(), characteristics)
    }
}
