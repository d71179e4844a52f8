//! Random search: the baseline of every NAS comparison.
//!
//! Distinct encodings are drawn uniformly from the space and evaluated for real until the
//! budget is spent; the [`SearchTrace`] records the hypervolume of the evaluated front after each
//! evaluation, exactly as for [`linas`](fn@super::linas), so the two compare at equal budget.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::trace::TraceBuilder;
use super::{Evaluator, Problem, SearchError, SearchTrace};

/// Random stream of random search in [`kiln_core::seed::rng`].
const STREAM: u64 = 0x5241_4E44;

/// Random-search settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomConfig {
    /// Number of real evaluations (default 200; fewer if the space is smaller).
    pub budget: usize,
    /// Random seed (default 0).
    pub seed: u64,
}

impl Default for RandomConfig {
    fn default() -> Self {
        Self { budget: 200, seed: 0 }
    }
}

/// Evaluates `config.budget` distinct uniformly random encodings.
pub fn random_search(
    problem: &Problem,
    eval: &mut dyn Evaluator,
    config: &RandomConfig,
) -> Result<SearchTrace, SearchError> {
    if config.budget == 0 {
        return Err(SearchError::InvalidConfig("random search budget must be positive".into()));
    }
    let mut rng = kiln_core::seed::rng(config.seed, STREAM);
    let mut builder = TraceBuilder::new(problem)?;
    let mut seen = HashSet::new();
    let mut misses = 0usize;
    while builder.len() < config.budget && !problem.space().exhausted_by(seen.len()) && misses < 1000 + 10 * seen.len()
    {
        let enc = problem.space().sample(&mut rng);
        if !seen.insert(enc.clone()) {
            misses += 1;
            continue;
        }
        let values = problem.evaluate_checked(eval, &enc)?;
        builder.record(enc, values)?;
    }
    Ok(builder.finish())
}
