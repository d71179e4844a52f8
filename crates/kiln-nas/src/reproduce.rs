//! The family's experiment (`cargo xtask reproduce nas`), on the embedded digits:
//! (1) subnets taken from a progressively shrunk supernet (after BN recalibration) against the
//! same architectures trained alone for as many epochs as the whole supernet;
//! (2) hypervolume of (accuracy ↑, MACs ↓) against the number of real evaluations for random
//! search, plain NSGA-II and predictor-assisted NSGA-II (LINAS), several seeds;
//! (3) a LINAS search over (accuracy ↑, latency ↓) with latency measured on this machine.

use burn::prelude::Device;
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::train::{BatchSource, ImageBatch, LrSchedule, Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, digits, split};
use serde::{Deserialize, Serialize};

use crate::ofa::{
    LatencyTable, OfaConfig, OfaSupernet, ShrinkingSchedule, SubnetConfig, measure_latency, subnet_macs, subnet_params,
};
use crate::search::{
    Crossover, Evaluator, LinasConfig, Nsga2Config, Objective, Problem, RandomConfig, SearchError, SearchSpace,
    SearchTrace, linas, nsga2, random_search,
};

/// The digits split of one seed: train (supernet training, BN recalibration), validation
/// (search objective) and test (reported accuracies).
pub struct NasData {
    /// Training loader (shuffled).
    pub train: DataLoader<ImageExample, ImageBatch>,
    /// Validation loader.
    pub valid: DataLoader<ImageExample, ImageBatch>,
    /// Test loader.
    pub test: DataLoader<ImageExample, ImageBatch>,
}

/// Digits split 70/10/20 by `seed`.
pub fn nas_data(seed: u64) -> kiln_data::Result<NasData> {
    let s = split(digits()?, 0.1, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&s.train));
    Ok(NasData {
        train: DataLoader::new(s.train, batcher.clone(), 64).shuffled(seed),
        valid: DataLoader::new(s.valid, batcher.clone(), 256),
        test: DataLoader::new(s.test, batcher, 256),
    })
}

/// Accuracy of subnet `cfg` of `supernet` on `data`, after BN recalibration on `train`.
pub fn subnet_accuracy(
    supernet: &OfaSupernet,
    cfg: &SubnetConfig,
    train: &dyn BatchSource<ImageBatch>,
    data: &dyn BatchSource<ImageBatch>,
    device: &Device,
) -> f64 {
    let model = supernet.recalibrate_bn(cfg, train, 10, device);
    let mut metrics = ClassificationMetrics::new(1);
    for i in 0..data.num_batches() {
        let batch = data.batch(0, i, device);
        metrics.update(model.forward_subnet(cfg, batch.images), batch.targets);
    }
    metrics.accuracy()
}

/// One subnet: supernet accuracy against standalone training.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubnetComparison {
    /// The architecture.
    pub subnet: SubnetConfig,
    /// MACs per image.
    pub macs: u64,
    /// Test accuracy inside the supernet (after BN recalibration).
    pub from_supernet: f64,
    /// Test accuracy trained alone from scratch at equal epochs.
    pub from_scratch: f64,
}

/// Trains the supernet with `schedule`, then each of `subnets` from scratch for the same total
/// number of epochs, and compares test accuracies.
pub fn supernet_vs_scratch(
    data: &NasData,
    schedule: &ShrinkingSchedule,
    subnets: &[SubnetConfig],
    seed: u64,
    device: &Device,
) -> kiln_core::Result<(OfaSupernet, Vec<SubnetComparison>)> {
    let config = OfaConfig::digits();
    device.seed(seed);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let (supernet, _) = trainer.fit(config.init(device), &schedule.phases(), &data.train, None)?;
    let epochs = schedule.full + schedule.kernel + schedule.depth + schedule.width;
    let mut rows = Vec::new();
    for cfg in subnets {
        device.seed(seed);
        let scratch = config.init(device).extract(cfg);
        let phase = Phase::train(
            "scratch",
            TrainPhase::new(epochs, schedule.lr).with_schedule(LrSchedule::Cosine { min_factor: 0.05 }),
        );
        let (scratch, _) = trainer.fit(scratch, &[phase], &data.train, None)?;
        let from_scratch = trainer.evaluate(&scratch, &data.test, "test", 0, 0).accuracy().unwrap_or(0.0);
        rows.push(SubnetComparison {
            subnet: cfg.clone(),
            macs: subnet_macs(&config, cfg),
            from_supernet: subnet_accuracy(&supernet, cfg, &data.train, &data.test, device),
            from_scratch,
        });
    }
    Ok((supernet, rows))
}

/// A search objective measured on a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubnetObjective {
    /// Validation accuracy after BN recalibration (maximised).
    Accuracy,
    /// Analytic MACs per image (minimised).
    Macs,
    /// Parameters of the extracted subnet (minimised).
    Params,
    /// Measured latency in ms at batch 1 on the search device, through a lookup table
    /// (minimised).
    Latency,
}

impl std::str::FromStr for SubnetObjective {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, SearchError> {
        match s.trim() {
            "accuracy" => Ok(Self::Accuracy),
            "macs" => Ok(Self::Macs),
            "params" => Ok(Self::Params),
            "latency" => Ok(Self::Latency),
            other => Err(SearchError::InvalidConfig(format!(
                "unknown objective `{other}`: expected accuracy, macs, params or latency"
            ))),
        }
    }
}

impl SubnetObjective {
    /// The objective's name and direction.
    pub fn objective(self) -> Objective {
        match self {
            Self::Accuracy => Objective::maximize("accuracy"),
            Self::Macs => Objective::minimize("macs"),
            Self::Params => Objective::minimize("params"),
            Self::Latency => Objective::minimize("latency_ms"),
        }
    }
}

/// Real evaluation of an encoding on the chosen objectives.
pub struct SubnetEvaluator<'a> {
    /// The trained supernet.
    pub supernet: &'a OfaSupernet,
    /// The data.
    pub data: &'a NasData,
    /// Device.
    pub device: Device,
    /// What to measure, in order.
    pub objectives: Vec<SubnetObjective>,
    /// Latency lookup table (filled on misses).
    pub latency: LatencyTable,
}

impl<'a> SubnetEvaluator<'a> {
    /// An evaluator of (accuracy, MACs), the reproduce experiment's objectives.
    pub fn accuracy_macs(supernet: &'a OfaSupernet, data: &'a NasData, device: &Device) -> Self {
        Self {
            supernet,
            data,
            device: device.clone(),
            objectives: vec![SubnetObjective::Accuracy, SubnetObjective::Macs],
            latency: LatencyTable::new(),
        }
    }
}

impl Evaluator for SubnetEvaluator<'_> {
    fn evaluate(&mut self, encoding: &[usize]) -> Vec<f64> {
        let cfg = SubnetConfig::decode(encoding, &self.supernet.config);
        let config = &self.supernet.config;
        let objectives = self.objectives.clone();
        objectives
            .into_iter()
            .map(|o| match o {
                SubnetObjective::Accuracy => {
                    subnet_accuracy(self.supernet, &cfg, &self.data.train, &self.data.valid, &self.device)
                }
                SubnetObjective::Macs => subnet_macs(config, &cfg) as f64,
                SubnetObjective::Params => subnet_params(config, &cfg) as f64,
                SubnetObjective::Latency => self.latency.get_or_measure(self.supernet, &cfg, &self.device, 1, 3, 9),
            })
            .collect()
    }
}

/// The search problem over the supernet for `objectives`; the hypervolume reference is 0 for
/// accuracy and 1.1 × the largest subnet's value for the costs.
pub fn problem_for(
    supernet: &OfaSupernet,
    objectives: &[SubnetObjective],
    device: &Device,
) -> Result<Problem, SearchError> {
    let config = &supernet.config;
    let largest = SubnetConfig::largest(config);
    let reference = objectives
        .iter()
        .map(|o| match o {
            SubnetObjective::Accuracy => 0.0,
            SubnetObjective::Macs => 1.1 * subnet_macs(config, &largest) as f64,
            SubnetObjective::Params => 1.1 * subnet_params(config, &largest) as f64,
            SubnetObjective::Latency => 1.5 * measure_latency(supernet, &largest, device, 1, 3, 9),
        })
        .collect();
    Problem::new(
        SearchSpace::new(SubnetConfig::gene_choices(config))?,
        objectives.iter().map(|o| o.objective()).collect(),
        reference,
    )
}

/// The search problem of the reproduce experiment: maximise accuracy, minimise MACs; the
/// hypervolume reference is (0, 1.1 × the largest subnet's MACs).
pub fn search_problem(config: &OfaConfig) -> Result<Problem, SearchError> {
    let max_macs = subnet_macs(config, &SubnetConfig::largest(config)) as f64;
    Problem::new(
        SearchSpace::new(SubnetConfig::gene_choices(config))?,
        vec![Objective::maximize("accuracy"), Objective::minimize("macs")],
        vec![0.0, 1.1 * max_macs],
    )
}

/// Random search, plain NSGA-II and LINAS with `budget` real evaluations each.
pub fn compare_searches(
    supernet: &OfaSupernet,
    data: &NasData,
    budget: usize,
    seed: u64,
    device: &Device,
) -> Result<[SearchTrace; 3], SearchError> {
    let problem = search_problem(&supernet.config)?;
    let mut eval = SubnetEvaluator::accuracy_macs(supernet, data, device);
    let random = random_search(&problem, &mut eval, &RandomConfig { budget, seed })?;
    let population = 10;
    let plain = nsga2(
        &problem,
        &mut eval,
        &Nsga2Config {
            population,
            generations: budget / population,
            crossover: Crossover::Uniform,
            seed,
            ..Nsga2Config::default()
        },
    )?;
    let evaluated: Vec<(Vec<usize>, Vec<f64>)> = plain.evaluated.into_iter().take(budget).collect();
    let plain = SearchTrace::from_evaluations(&problem, evaluated)?;
    let assisted = linas(
        &problem,
        &mut eval,
        &LinasConfig { initial: 10, budget, validate_per_iteration: 5, seed, ..LinasConfig::default() },
    )?;
    Ok([random, plain, assisted])
}

/// LINAS over (accuracy ↑, latency ↓) with `budget` real evaluations: latency is measured on
/// `device` at batch 1 (3 warm-up runs, median of 9) and cached in the returned table.
pub fn latency_search(
    supernet: &OfaSupernet,
    data: &NasData,
    budget: usize,
    seed: u64,
    device: &Device,
) -> Result<(SearchTrace, LatencyTable), SearchError> {
    let objectives = [SubnetObjective::Accuracy, SubnetObjective::Latency];
    let problem = problem_for(supernet, &objectives, device)?;
    let mut eval =
        SubnetEvaluator { objectives: objectives.to_vec(), ..SubnetEvaluator::accuracy_macs(supernet, data, device) };
    let trace = linas(
        &problem,
        &mut eval,
        &LinasConfig { initial: 10, budget, validate_per_iteration: 5, seed, ..LinasConfig::default() },
    )?;
    Ok((trace, eval.latency))
}
