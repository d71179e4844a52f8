//! The experiments of the nas page: subnets from the supernet against standalone training, and
//! random search, NSGA-II and LINAS at equal real-evaluation budgets.

use burn::prelude::Device;
use kiln_core::train::{LrSchedule, Phase, TrainPhase, Trainer};
use kiln_nas::ofa::{
    LatencyTable, NasData, OfaConfig, OfaSupernet, ProgressiveShrinking, ShrinkingSchedule, SubnetConfig,
    SubnetEvaluator, SubnetObjective, problem_for, subnet_accuracy, subnet_macs,
};
use kiln_nas::search::{
    Crossover, LinasConfig, Nsga2Config, RandomConfig, SearchError, SearchTrace, linas, nsga2, random_search,
};

/// One subnet: supernet accuracy against standalone training.
#[derive(Debug, Clone)]
pub struct SubnetComparison {
    /// MACs per image.
    pub macs: u64,
    /// Test accuracy inside the supernet trained by the simple schedule (after BN
    /// recalibration).
    pub from_supernet: f64,
    /// Test accuracy inside the supernet trained by OFA's own schedule
    /// ([`ProgressiveShrinking`], same total epochs).
    pub from_ofa_schedule: f64,
    /// Test accuracy trained alone from scratch at equal epochs.
    pub from_scratch: f64,
}

/// Trains the supernet with `schedule` and with OFA's own schedule at the same total epochs,
/// then each of `subnets` from scratch for those epochs, and compares test accuracies.
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
    device.seed(seed);
    let ofa =
        ProgressiveShrinking::ofa_with_total_epochs(epochs).fit(&config, &data.train, device, |_| trainer.clone())?;
    let mut rows = Vec::new();
    for cfg in subnets {
        device.seed(seed);
        let scratch = config.init(device).extract(cfg);
        let phase = Phase::train(
            "scratch",
            TrainPhase::new(epochs, schedule.lr).with_schedule(LrSchedule::Cosine { min_factor: 0.05 }),
        );
        let (scratch, _) = trainer.fit(scratch, &[phase], &data.train, None)?;
        let from_scratch = trainer.evaluate(&scratch, &data.test)?.accuracy().unwrap_or(0.0);
        rows.push(SubnetComparison {
            macs: subnet_macs(&config, cfg),
            from_supernet: subnet_accuracy(&supernet, cfg, &data.train, &data.test, device)?,
            from_ofa_schedule: subnet_accuracy(&ofa, cfg, &data.train, &data.test, device)?,
            from_scratch,
        });
    }
    Ok((supernet, rows))
}

/// LINAS's settings at `budget` real evaluations: 10 initial samples, 5 validated per iteration.
fn linas_config(budget: usize, seed: u64) -> LinasConfig {
    LinasConfig { initial: 10, budget, validate_per_iteration: 5, seed, ..LinasConfig::default() }
}

/// Random search, plain NSGA-II (population 10) and LINAS over (accuracy ↑, MACs ↓) with
/// `budget` real evaluations each.
pub fn compare_searches(
    supernet: &OfaSupernet,
    data: &NasData,
    budget: usize,
    seed: u64,
    device: &Device,
) -> Result<[SearchTrace; 3], SearchError> {
    let objectives = [SubnetObjective::Accuracy, SubnetObjective::Macs];
    let problem = problem_for(supernet, &objectives, device)?;
    let mut eval = SubnetEvaluator::new(supernet, data, device, &objectives);
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
    let assisted = linas(&problem, &mut eval, &linas_config(budget, seed))?;
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
    let mut eval = SubnetEvaluator::new(supernet, data, device, &objectives);
    let trace = linas(&problem, &mut eval, &linas_config(budget, seed))?;
    Ok((trace, eval.latency))
}
