//! LINAS: predictor-assisted NSGA-II (Cummings et al. 2022, DyNAS-T).
//!
//! Real evaluations (accuracy after BN recalibration, measured latency, …) are expensive, so the
//! evolutionary search runs on cheap predictors and only its most promising candidates are
//! measured. With `A` the archive of real evaluations:
//!
//! 1. `A ← initial` distinct uniformly random canonical encodings, evaluated for real: the
//!    start random search and NSGA-II of the same seed share
//!    ([`SearchSpace::initial_population`](super::SearchSpace::initial_population)).
//! 2. Repeat until `|A| = budget`:
//!    * fit one ridge predictor `f̂_m` per objective on all of `A` (see [`Ridge`]);
//!    * run NSGA-II on `(f̂_1, …, f̂_M)` for `inner.generations` generations, its first
//!      population seeded with the best members of `A` (by rank, then crowding distance);
//!    * from the final inner population, drop encodings already in `A`, rank the rest by
//!      predicted non-domination rank and crowding distance, and evaluate the best
//!      `validate_per_iteration` for real (topped up with random unseen encodings if too few).
//!
//! DyNAS-T validates its whole inner population (`P = 50`) each iteration and runs the inner
//! search for 20,000 predictor evaluations; set `initial = validate_per_iteration = 50` and
//! `inner.generations = 400` to mirror it. The defaults here validate in smaller batches, which
//! is more sample-efficient at small budgets. The hypervolume of `A`'s front is recorded after
//! every real evaluation.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::nsga2::{Nsga2Config, nsga2_from, survive};
use super::predictor::{Predictor, Ridge, SurrogateEvaluator};
use super::trace::TraceBuilder;
use super::{Evaluator, Problem, SearchError, SearchTrace};

/// Random stream of LINAS in [`kiln_core::seed::rng`].
const STREAM: u64 = 0x004C_494E_4153;

/// LINAS settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinasConfig {
    /// Random real evaluations before the first predictor fit (default 20; at least 1).
    pub initial: usize,
    /// Total real evaluations (default 200).
    pub budget: usize,
    /// Candidates validated for real per iteration (default 10).
    pub validate_per_iteration: usize,
    /// The inner NSGA-II on the predictors (default [`Nsga2Config::default`]: population 50,
    /// 400 generations); its seed is replaced by one derived from [`seed`](Self::seed) and the
    /// iteration.
    pub inner: Nsga2Config,
    /// Ridge penalty of the predictors (default 1).
    pub ridge_alpha: f64,
    /// Random seed (default 0).
    pub seed: u64,
}

impl Default for LinasConfig {
    fn default() -> Self {
        Self {
            initial: 20,
            budget: 200,
            validate_per_iteration: 10,
            inner: Nsga2Config::default(),
            ridge_alpha: Ridge::DEFAULT_ALPHA,
            seed: 0,
        }
    }
}

/// Runs LINAS and returns the trace of real evaluations.
pub fn linas(problem: &Problem, eval: &mut dyn Evaluator, config: &LinasConfig) -> Result<SearchTrace, SearchError> {
    if config.budget == 0 || config.initial == 0 || config.validate_per_iteration == 0 {
        return Err(SearchError::InvalidConfig(
            "LINAS budget, initial and validate_per_iteration must be positive".into(),
        ));
    }
    let space = problem.space();
    let objectives = problem.objectives().len();
    // Validates alpha before any real evaluation is spent.
    Ridge::new(space.clone(), config.ridge_alpha)?;
    let mut rng = kiln_core::seed::rng(config.seed, STREAM);
    let mut builder = TraceBuilder::new(problem)?;
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    let mut archive: Vec<(Vec<usize>, Vec<f64>)> = Vec::new();

    let measure = |enc: Vec<usize>,
                   builder: &mut TraceBuilder,
                   archive: &mut Vec<(Vec<usize>, Vec<f64>)>,
                   eval: &mut dyn Evaluator|
     -> Result<(), SearchError> {
        let values = problem.evaluate_checked(eval, &enc)?;
        builder.record(enc.clone(), values.clone())?;
        archive.push((enc, values));
        Ok(())
    };

    for enc in space.initial_population(config.initial.min(config.budget), config.seed) {
        seen.insert(enc.clone());
        measure(enc, &mut builder, &mut archive, eval)?;
    }
    let mut misses = 0usize;

    let mut iteration = 0u64;
    while builder.len() < config.budget && !archive.is_empty() {
        iteration += 1;
        let encodings: Vec<Vec<usize>> = archive.iter().map(|(e, _)| e.clone()).collect();
        let mut predictors = Vec::with_capacity(objectives);
        for m in 0..objectives {
            let targets: Vec<f64> = archive.iter().map(|(_, v)| v[m]).collect();
            let mut ridge = Ridge::new(space.clone(), config.ridge_alpha)?;
            ridge.fit(&encodings, &targets)?;
            predictors.push(ridge);
        }
        let mut surrogate = SurrogateEvaluator { predictors };

        let elite = survive(archive.clone(), config.inner.population.max(1), problem)?;
        let seeds: Vec<Vec<usize>> = elite.into_iter().map(|ind| ind.encoding).collect();
        let inner = Nsga2Config { seed: kiln_core::seed::derive_seed(config.seed, iteration), ..config.inner.clone() };
        let result = nsga2_from(problem, &mut surrogate, &inner, &seeds)?;

        let wanted = config.validate_per_iteration.min(config.budget - builder.len());
        let fresh: Vec<(Vec<usize>, Vec<f64>)> = result
            .population
            .into_iter()
            .filter(|ind| !seen.contains(&ind.encoding))
            .map(|ind| (ind.encoding, ind.objectives))
            .collect();
        let mut batch: Vec<Vec<usize>> = survive(fresh, wanted, problem)?.into_iter().map(|ind| ind.encoding).collect();
        while batch.len() < wanted && !space.exhausted_by(seen.len() + batch.len()) && misses < 1000 + 10 * seen.len() {
            let enc = space.canonical(&space.sample(&mut rng));
            if seen.contains(&enc) || batch.contains(&enc) {
                misses += 1;
            } else {
                batch.push(enc);
            }
        }
        if batch.is_empty() {
            break;
        }
        for enc in batch {
            seen.insert(enc.clone());
            measure(enc, &mut builder, &mut archive, eval)?;
        }
    }
    Ok(builder.finish())
}
