//! `kiln search`: train a Once-for-All supernet on any image data `kiln train` reads (the
//! supernet preset chosen from the input size), then search its subnets for the Pareto front
//! of the chosen objectives.
//!
//! The run directory holds `search.json` (the data, the supernet's configuration, the
//! options), `supernet.bpk` (its weights), `trace.json`, `latency.json`, `pareto.png` and
//! `pareto.csv`, one line per front member with its objectives, its architecture in words
//! (`depths; kernels; expands; resolution`) and its genes. `kiln extract` reads them.

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_core::train::{BatchSource, Trainer};
use kiln_data::{DataLoader, ImageBatcher};
use kiln_nas::mos::{MosConfig, MosModel};
use kiln_nas::ofa::{
    LatencyTable, NasData, OfaConfig, ProgressiveShrinking, ShrinkingSchedule, SubnetConfig, SubnetEvaluator,
    SubnetObjective, problem_for, subnet_macs,
};
use kiln_nas::search::{LinasConfig, Nsga2Config, RandomConfig, SearchTrace, linas, nsga2, pareto_plot, random_search};
use kiln_nas::shiftnas::ShiftNasConfig;
use kiln_nas::sortednet::{SortedNetConfig, SortedNetModel, SortedSubmodel};
use serde::{Deserialize, Serialize};

use crate::artifact::{read_json, write_json};
use crate::classify_data::{ClassifyData, Prepared, prepare, reload};
use crate::error::{CliError, Result};
use crate::options::ClassifyOptions;
use crate::trained::TrainedSupernet;

/// The record of a search run.
pub const SEARCH_FILE: &str = "search.json";
/// The trained supernet's weights in a search run.
pub const SUPERNET_FILE: &str = "supernet.bpk";

/// The search strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum SearchMethod {
    /// NSGA-II on ridge predictors, validating the best candidates for real (LINAS).
    Linas,
    /// Plain NSGA-II on real evaluations.
    Nsga2,
    /// Uniform random sampling.
    Random,
}

/// How the supernet is trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum SupernetTraining {
    /// OFA's progressive shrinking as its code runs it: a frozen teacher, then kernel, depth
    /// and expand sub-stages with several subnets per step (`kiln_nas::ofa::ProgressiveShrinking`).
    Progressive,
    /// The simpler schedule: in-place distillation, one subnet per step.
    Simple,
    /// SortedNet: nested depth × expand sub-models, several per step, no teacher
    /// (`kiln_nas::sortednet`); with `--macs`, its search-free choice is printed.
    Sorted,
    /// ShiftNAS: a generator trained with the supernet emits an architecture per MAC bin
    /// (`kiln_nas::shiftnas`); with `--macs`, its choice for the budget is printed.
    Shiftnas,
    /// Mixture-of-Supernets: routed expert weights per architecture, the sandwich rule
    /// (`kiln_nas::mos`, `MosConfig::small()`); subnets are searched and extracted with their
    /// weights W(a) baked in.
    Mos,
}

/// Options of `kiln search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchOptions {
    /// Data specification, as `kiln train --data` takes it.
    pub data: String,
    /// Objectives, e.g. `accuracy,latency`.
    pub objectives: Vec<SubnetObjective>,
    /// Real evaluations.
    pub evals: usize,
    /// Strategy.
    pub method: SearchMethod,
    /// Supernet training.
    pub training: SupernetTraining,
    /// Supernet training epochs in all (split over the stages).
    pub epochs: usize,
    /// A MAC budget for the training method's own search-free choice (SortedNet's largest
    /// sub-model within it, ShiftNAS's generated architecture), printed beside the searched
    /// front.
    #[serde(default)]
    pub macs: Option<u64>,
    /// Seed.
    pub seed: u64,
    /// Output directory.
    #[serde(skip)]
    pub out: PathBuf,
}

/// `search.json`: what `kiln extract` needs to rebuild the supernet and its data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchRecord {
    /// The options of the search.
    pub options: SearchOptions,
    /// The supernet's configuration (from the input size).
    pub config: OfaConfig,
    /// What the data preparation found.
    pub data: ClassifyData,
    /// The Mixture-of-Supernets settings of a `--training mos` run (its experts and routers
    /// are part of the saved weights).
    #[serde(default)]
    pub mos: Option<MosConfig>,
    /// The ShiftNAS settings of a `--training shiftnas` run (its generator and bin
    /// probabilities are saved with the supernet); `None` in runs that saved the supernet alone.
    #[serde(default)]
    pub shiftnas: Option<ShiftNasConfig>,
}

/// Parses `accuracy,macs,...`.
pub fn parse_objectives(text: &str) -> Result<Vec<SubnetObjective>> {
    let objectives: Vec<SubnetObjective> = text
        .split(',')
        .map(|s| s.parse().map_err(|e: kiln_nas::search::SearchError| CliError::Usage(e.to_string())))
        .collect::<Result<_>>()?;
    if !(2..=3).contains(&objectives.len()) {
        return Err(CliError::Usage(format!(
            "--objectives: give two or three of accuracy, macs, params, latency (got {})",
            objectives.len()
        )));
    }
    Ok(objectives)
}

/// A usage error carrying `e`'s message.
pub(crate) fn usage<E: std::fmt::Display>(e: E) -> CliError {
    CliError::Usage(e.to_string())
}

/// The loaders of prepared image data (training batches of 64, shuffled; 256 to evaluate).
pub fn nas_data(prepared: Prepared, seed: u64) -> Result<NasData> {
    match prepared {
        Prepared::Images { train, valid, test, norm } => {
            let batcher = ImageBatcher::new(norm);
            Ok(NasData {
                train: DataLoader::new(train, batcher.clone(), 64).shuffled(seed),
                valid: DataLoader::new(valid, batcher.clone(), 256),
                test: DataLoader::new(test, batcher, 256),
            })
        }
        Prepared::Vectors { .. } => Err(CliError::Usage("kiln search needs image data, not a CSV table".into())),
    }
}

/// The supernet preset for the data: see [`OfaConfig::for_images`].
pub fn supernet_for(data: &ClassifyData) -> OfaConfig {
    let [channels, height, width] = data.input_shape;
    OfaConfig::for_images(channels, height.min(width), data.num_classes())
}

/// The data of a search run, split and normalised as it was, with its record.
pub fn reload_search(run: &Path) -> Result<(SearchRecord, NasData)> {
    let record: SearchRecord = read_json(&run.join(SEARCH_FILE))?;
    let csv = ClassifyOptions::default();
    let prepared = reload(&record.options.data, &csv, record.options.seed, &record.data, run)?;
    let data = nas_data(prepared, record.options.seed)?;
    Ok((record, data))
}

/// A training method's own subnet for a MAC budget (`--macs`), found without search.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetChoice {
    /// The subnet.
    pub subnet: SubnetConfig,
    /// Its MACs per image.
    pub macs: u64,
    /// The subnet in words ([`SubnetConfig::describe`]).
    pub architecture: String,
}

/// The trained supernet.
fn train_supernet(
    options: &SearchOptions,
    config: &OfaConfig,
    data: &NasData,
    device: &Device,
    progress: bool,
) -> Result<TrainedSupernet> {
    let e = training_epochs(options);
    device.seed(options.seed);
    let trainer = |stage: &str| {
        Trainer::new(device.clone())
            .with_seed(options.seed)
            .with_progress(progress)
            .with_run_dir(options.out.join("supernet").join(stage))
    };
    Ok(match options.training {
        SupernetTraining::Simple => {
            let schedule = ShrinkingSchedule {
                full: e / 2,
                kernel: e / 6,
                depth: e / 6,
                width: e - e / 2 - 2 * (e / 6),
                lr: 3e-3,
            };
            TrainedSupernet::Ofa(trainer("simple").fit(config.init(device), &schedule.phases(), &data.train, None)?.0)
        }
        SupernetTraining::Progressive => TrainedSupernet::Ofa(ProgressiveShrinking::ofa_with_total_epochs(e).fit(
            config,
            &data.train,
            device,
            trainer,
        )?),
        SupernetTraining::Sorted => {
            let phases = SortedNetConfig { epochs: e, ..SortedNetConfig::small() }.phases(config).map_err(usage)?;
            let model = trainer("sorted").fit(SortedNetModel::new(config.init(device)), &phases, &data.train, None)?.0;
            TrainedSupernet::Ofa(model.supernet)
        }
        SupernetTraining::Shiftnas => {
            let settings = shiftnas_settings(config, e);
            let phases = settings.phases().map_err(usage)?;
            let model = trainer("shiftnas").fit(settings.init(device).map_err(usage)?, &phases, &data.train, None)?.0;
            TrainedSupernet::Shift(Box::new(model))
        }
        SupernetTraining::Mos => {
            let settings = mos_settings(e);
            let phases = settings.phases(config, BatchSource::num_batches(&data.train)).map_err(usage)?;
            let model = MosModel::new(settings.init(config, device).map_err(usage)?);
            TrainedSupernet::Mixture(trainer("mos").fit(model, &phases, &data.train, None)?.0.supernet)
        }
    })
}

/// The supernet's training epochs in all: at least 4 for the staged schedules (split over
/// their stages), at least 1 for the single-phase methods.
fn training_epochs(options: &SearchOptions) -> usize {
    match options.training {
        SupernetTraining::Progressive | SupernetTraining::Simple => options.epochs.max(4),
        SupernetTraining::Sorted | SupernetTraining::Shiftnas | SupernetTraining::Mos => options.epochs.max(1),
    }
}

/// The Mixture-of-Supernets settings of `kiln search --training mos`: `MosConfig::small()`
/// for `epochs`.
pub fn mos_settings(epochs: usize) -> MosConfig {
    MosConfig { epochs, ..MosConfig::small() }
}

/// The ShiftNAS settings of `kiln search --training shiftnas`: `ShiftNasConfig::small()` on
/// the data's space for `epochs`.
pub fn shiftnas_settings(config: &OfaConfig, epochs: usize) -> ShiftNasConfig {
    ShiftNasConfig { ofa: config.clone(), epochs, ..ShiftNasConfig::small() }
}

/// Checks `--macs` before any training: only SortedNet and ShiftNAS choose a subnet for a
/// budget without searching, and the budget must fit their smallest choice.
///
/// # Errors
/// A usage error naming the value.
pub fn check_budget(options: &SearchOptions, config: &OfaConfig) -> Result<()> {
    let Some(macs) = options.macs else { return Ok(()) };
    let (method, smallest) = match options.training {
        SupernetTraining::Sorted => {
            ("SortedNet sub-model", SortedSubmodel::smallest(config).map_or(0, |b| b.macs(config)))
        }
        SupernetTraining::Shiftnas => ("subnet", subnet_macs(config, &SubnetConfig::smallest(config))),
        _ => {
            return Err(CliError::Usage(format!(
                "--macs {macs}: only --training sorted or shiftnas chooses a subnet for a budget without searching"
            )));
        }
    };
    if macs < smallest {
        return Err(CliError::Usage(format!("--macs {macs}: below the smallest {method} ({smallest} MACs)")));
    }
    Ok(())
}

/// Trains the supernet, runs the search and writes the run directory (see the module doc).
///
/// Returns the trace and, with `--macs`, the training method's own choice for the budget.
pub fn search(options: &SearchOptions, device: &Device, progress: bool) -> Result<(SearchTrace, Option<BudgetChoice>)> {
    let csv = ClassifyOptions::default();
    let (prepared, facts) = prepare(&options.data, &csv, options.seed)?;
    let data = nas_data(prepared, options.seed)?;
    let config = supernet_for(&facts);
    check_budget(options, &config)?;
    let out = &options.out;
    std::fs::create_dir_all(out).map_err(|e| kiln_core::CoreError::io(out, e))?;
    let epochs = training_epochs(options);
    let mos = (options.training == SupernetTraining::Mos).then(|| mos_settings(epochs));
    let shiftnas = (options.training == SupernetTraining::Shiftnas).then(|| shiftnas_settings(&config, epochs));
    let record = SearchRecord { options: options.clone(), config: config.clone(), data: facts, mos, shiftnas };
    write_json(&out.join(SEARCH_FILE), &record)?;
    let supernet = train_supernet(options, &config, &data, device, progress)?;
    supernet.save(&out.join(SUPERNET_FILE))?;
    let choice = options.macs.map(|macs| supernet.budget_choice(&record, macs, out)).transpose()?;
    let latency_path = out.join("latency.json");
    let table = LatencyTable::load(&latency_path).map_err(usage)?;
    let mut eval = SubnetEvaluator {
        supernet: supernet.source(),
        data: &data,
        device: device.clone(),
        objectives: options.objectives.clone(),
        latency: table,
    };
    let problem = problem_for(supernet.source(), &options.objectives, device).map_err(usage)?;
    let budget = options.evals.max(2);
    let seed = options.seed;
    let trace = match options.method {
        SearchMethod::Random => random_search(&problem, &mut eval, &RandomConfig { budget, seed }),
        SearchMethod::Nsga2 => nsga2(
            &problem,
            &mut eval,
            &Nsga2Config { population: 10, generations: budget.div_ceil(10), seed, ..Nsga2Config::default() },
        )
        .and_then(|r| SearchTrace::from_evaluations(&problem, r.evaluated.into_iter().take(budget).collect())),
        SearchMethod::Linas => linas(
            &problem,
            &mut eval,
            &LinasConfig {
                initial: (budget / 4).max(2),
                budget,
                validate_per_iteration: 5,
                seed,
                ..LinasConfig::default()
            },
        ),
    }
    .map_err(usage)?;
    eval.latency.save(&latency_path).map_err(usage)?;
    write_files(out, &trace, &config)?;
    let choice = choice.map(|subnet| BudgetChoice {
        macs: subnet_macs(&config, &subnet),
        architecture: subnet.describe(&config),
        subnet,
    });
    Ok((trace, choice))
}

/// The front of `trace` as CSV: `index`, the objectives, `architecture`, `genes`.
pub fn front_csv(trace: &SearchTrace, config: &OfaConfig) -> Result<String> {
    let names: Vec<&str> = trace.objectives.iter().map(|o| o.name.as_str()).collect();
    let mut csv = format!("index,{},architecture,genes\n", names.join(","));
    for (i, &member) in trace.front().map_err(usage)?.iter().enumerate() {
        let (genes, values) = &trace.evaluations[member];
        let subnet = SubnetConfig::decode(genes, config);
        let values: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
        let genes: Vec<String> = genes.iter().map(usize::to_string).collect();
        csv += &format!("{i},{},{},{}\n", values.join(","), subnet.describe(config), genes.join(" "));
    }
    Ok(csv)
}

fn write_files(out: &Path, trace: &SearchTrace, config: &OfaConfig) -> Result<()> {
    let csv = out.join("pareto.csv");
    std::fs::write(&csv, front_csv(trace, config)?).map_err(|e| kiln_core::CoreError::io(&csv, e))?;
    let title = format!("Pareto front after {} evaluations", trace.len());
    pareto_plot(&title, &[("search", trace)], 1, 0).map_err(usage)?.save_png(out.join("pareto.png")).map_err(usage)?;
    write_json(&out.join("trace.json"), trace)
}
