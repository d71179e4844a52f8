//! `kiln search`: train a Once-for-All supernet on the embedded digits with progressive
//! shrinking, then search its subnets for the Pareto front of the chosen objectives.

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_nas::ofa::{
    LatencyTable, OfaConfig, ShrinkingSchedule, SubnetEvaluator, SubnetObjective, nas_data, problem_for,
};
use kiln_nas::search::{
    LinasConfig, Nsga2Config, RandomConfig, SearchTrace, linas, nsga2, pareto_csv, pareto_plot, random_search,
};

use crate::error::{CliError, Result};
use crate::run::write_json;

/// The search strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchMethod {
    /// NSGA-II on ridge predictors, validating the best candidates for real (LINAS).
    Linas,
    /// Plain NSGA-II on real evaluations.
    Nsga2,
    /// Uniform random sampling.
    Random,
}

/// Options of `kiln search`.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Objectives, e.g. `accuracy,latency`.
    pub objectives: Vec<SubnetObjective>,
    /// Real evaluations.
    pub evals: usize,
    /// Strategy.
    pub method: SearchMethod,
    /// Supernet training epochs in all (split over the shrinking stages).
    pub epochs: usize,
    /// Seed.
    pub seed: u64,
    /// Output directory.
    pub out: PathBuf,
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

fn usage<E: std::fmt::Display>(e: E) -> CliError {
    CliError::Usage(e.to_string())
}

/// Trains the supernet, runs the search and writes `pareto.csv`, `pareto.png` (the first
/// objective against the second), `trace.json` and `latency.json` into `options.out`.
pub fn search(options: &SearchOptions, device: &Device, progress: bool) -> Result<SearchTrace> {
    let data = nas_data(options.seed)?;
    let e = options.epochs.max(4);
    let schedule =
        ShrinkingSchedule { full: e / 2, kernel: e / 6, depth: e / 6, width: e - e / 2 - 2 * (e / 6), lr: 3e-3 };
    device.seed(options.seed);
    let trainer = Trainer::new(device.clone())
        .with_seed(options.seed)
        .with_progress(progress)
        .with_run_dir(options.out.join("supernet"));
    let (supernet, _) = trainer.fit(OfaConfig::digits().init(device), &schedule.phases(), &data.train, None)?;
    let latency_path = options.out.join("latency.json");
    let table = LatencyTable::load(&latency_path).map_err(usage)?;
    let mut eval = SubnetEvaluator {
        supernet: &supernet,
        data: &data,
        device: device.clone(),
        objectives: options.objectives.clone(),
        latency: table,
    };
    let problem = problem_for(&supernet, &options.objectives, device).map_err(usage)?;
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
    write_files(&options.out, &trace)?;
    Ok(trace)
}

fn write_files(out: &Path, trace: &SearchTrace) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| kiln_core::CoreError::io(out, e))?;
    let csv = out.join("pareto.csv");
    std::fs::write(&csv, pareto_csv(trace)).map_err(|e| kiln_core::CoreError::io(&csv, e))?;
    let title = format!("Pareto front after {} evaluations", trace.len());
    pareto_plot(&title, &[("search", trace)], 1, 0).map_err(usage)?.save_png(out.join("pareto.png")).map_err(usage)?;
    write_json(&out.join("trace.json"), trace)
}
