//! Tests of `kiln_nas::search`: Pareto utilities, hypervolume, NSGA-II, predictors, LINAS.

mod canonical;
mod hypervolume;
mod linas;
mod nsga2;
mod pareto;
mod plot;
mod predictor;

use kiln_nas::search::{Objective, Problem, SearchSpace};

/// The bi-objective toy of the NSGA-II tests: `genes` genes of 5 choices, minimise
/// `f1 = Σ x_i` and `f2 = Σ (4 − x_i)²`.
pub fn quadratic_toy(genes: usize) -> Problem {
    let space = SearchSpace::new(vec![5; genes]).expect("valid space");
    let objectives = vec![Objective::minimize("sum"), Objective::minimize("sq_dist")];
    Problem::new(space, objectives, vec![4.0 * genes as f64 + 1.0, 16.0 * genes as f64 + 1.0]).expect("valid problem")
}

/// Objective values of [`quadratic_toy`].
pub fn quadratic_eval(enc: &[usize]) -> Vec<f64> {
    let f1 = enc.iter().sum::<usize>() as f64;
    let f2 = enc.iter().map(|&x| (4.0 - x as f64).powi(2)).sum();
    vec![f1, f2]
}
