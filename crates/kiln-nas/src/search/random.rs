//! Random search: the baseline of every NAS comparison.
//!
//! Distinct canonical encodings are drawn uniformly from the space
//! ([`SearchSpace::initial_population`](super::SearchSpace::initial_population), the sequence
//! NSGA-II and LINAS of the same seed start from) and evaluated for real until the budget is
//! spent; the [`SearchTrace`] records the hypervolume of the evaluated front after each
//! evaluation, exactly as for [`linas`](fn@super::linas), so the two compare at equal budget.

use serde::{Deserialize, Serialize};

use super::trace::TraceBuilder;
use super::{Evaluator, Problem, SearchError, SearchTrace};

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
    let mut builder = TraceBuilder::new(problem)?;
    for enc in problem.space().initial_population(config.budget, config.seed) {
        let values = problem.evaluate_checked(eval, &enc)?;
        builder.record(enc, values)?;
    }
    Ok(builder.finish())
}
