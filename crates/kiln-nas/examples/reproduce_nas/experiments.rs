//! The experiments of the nas page: random search, NSGA-II and LINAS at equal
//! real-evaluation budgets over many search seeds, and LINAS on measured latency.

use burn::prelude::Device;
use kiln_nas::ofa::{LatencyTable, NasData, OfaSupernet, SubnetEvaluator, SubnetObjective, problem_for};
use kiln_nas::search::{
    CachedEvaluator, Crossover, LinasConfig, Nsga2Config, RandomConfig, SearchError, SearchTrace, linas, nsga2,
    random_search,
};

/// LINAS's settings at `budget` real evaluations: 10 initial samples, 5 validated per iteration.
fn linas_config(budget: usize, seed: u64) -> LinasConfig {
    LinasConfig { initial: 10, budget, validate_per_iteration: 5, seed, ..LinasConfig::default() }
}

/// Random search, plain NSGA-II (population 10) and LINAS over (accuracy ↑, MACs ↓), each
/// with `budget` real-evaluation requests, for every search seed in `search_seeds`; all start
/// from the same seeded initial encodings per seed. Real evaluations are memoised per
/// canonical architecture across methods and seeds (one supernet): a cached answer still
/// counts against the budget. Returns, per seed, the three traces, and the number of
/// distinct architectures evaluated for real.
pub fn compare_searches(
    supernet: &OfaSupernet,
    data: &NasData,
    budget: usize,
    search_seeds: &[u64],
    device: &Device,
) -> Result<(Vec<[SearchTrace; 3]>, usize), SearchError> {
    let objectives = [SubnetObjective::Accuracy, SubnetObjective::Macs];
    let problem = problem_for(supernet, &objectives, device)?;
    let mut eval =
        CachedEvaluator::new(SubnetEvaluator::new(supernet, data, device, &objectives), problem.space().clone());
    let mut out = Vec::new();
    for &seed in search_seeds {
        let random = random_search(&problem, &mut eval, &RandomConfig { budget, seed })?;
        let population = 10;
        let plain = nsga2(
            &problem,
            &mut eval,
            &Nsga2Config {
                population,
                generations: budget.div_ceil(population),
                crossover: Crossover::Uniform,
                seed,
                ..Nsga2Config::default()
            },
        )?;
        let evaluated: Vec<(Vec<usize>, Vec<f64>)> = plain.evaluated.into_iter().take(budget).collect();
        let plain = SearchTrace::from_evaluations(&problem, evaluated)?;
        let assisted = linas(&problem, &mut eval, &linas_config(budget, seed))?;
        out.push([random, plain, assisted]);
    }
    Ok((out, eval.evaluated()))
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
