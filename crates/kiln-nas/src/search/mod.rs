//! Multi-objective architecture search over categorical encodings.
//!
//! An architecture is a flat integer vector, one gene per elastic parameter (kernel size, expand
//! ratio, depth, heads, ...), exactly as in DyNAS-T: gene `i` takes a value in `0..choices[i]`
//! ([`SearchSpace`]). The caller measures architectures through an [`Evaluator`] that returns one
//! value per [`Objective`] (accuracy, latency, MACs, parameters), each either maximised or
//! minimised.
//!
//! # Algorithms
//!
//! * **Pareto utilities** ([`pareto`]): dominance, fast non-dominated sorting and crowding
//!   distance from NSGA-II (Deb, Pratap, Agarwal & Meyarivan, *A fast and elitist multiobjective
//!   genetic algorithm: NSGA-II*, IEEE TEVC 6(2), 2002). For minimised objectives, `a ≺ b` iff
//!   `∀m: f_m(a) ≤ f_m(b)` and `∃m: f_m(a) < f_m(b)`; a maximised objective is negated first.
//! * **NSGA-II** ([`nsga2`](mod@nsga2)): binary tournament on `(rank, crowding)`, uniform crossover,
//!   per-gene mutation, elitist `(μ + λ)` survival.
//! * **Predictors** ([`predictor`]): ridge regression on one-hot genes,
//!   `w = (XᵀX + αD)⁻¹ Xᵀy` (D = identity without the intercept), with Spearman's ρ and Kendall's τ.
//! * **LINAS** ([`linas`](mod@linas)): the predictor-assisted loop of DyNAS-T (Cummings, Sarah, Sridhar,
//!   Szankin, Munoz & Sundaresan, *A hardware-aware framework for accelerating neural architecture
//!   search across modalities*, 2022, arXiv:2205.10358): fit one predictor per objective on every
//!   real measurement, run NSGA-II on the predictors, validate the best predicted candidates.
//! * **Random search** ([`random`]): the baseline at equal real-evaluation budget.
//! * **Hypervolume** ([`hypervolume`](mod@hypervolume)): the exact dominated volume with respect to a reference
//!   point, `HV(S) = λ(⋃_{s∈S} [s, r])` in minimisation form.
//!
//! Every search returns a [`SearchTrace`]: the real evaluations in order and the hypervolume of
//! their non-dominated front after each one, the curve on which searches are compared;
//! [`pareto_csv`] writes its front and [`pareto_plot`] draws fronts as a chart (PNG or SVG).

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub mod cache;
pub mod hypervolume;
pub mod linas;
pub mod nsga2;
pub mod pareto;
pub mod plot;
pub mod predictor;
pub mod random;
pub mod space;
pub mod trace;

pub use cache::CachedEvaluator;
pub use hypervolume::{HypervolumeTracker, hypervolume};
pub use linas::{LinasConfig, linas};
pub use nsga2::{Crossover, Individual, Nsga2Config, Nsga2Result, nsga2, nsga2_from};
pub use pareto::{crowding_distance, dominates, non_dominated_front, non_dominated_sort};
pub use plot::pareto_plot;
pub use predictor::{Predictor, Ridge, SurrogateEvaluator, average_ranks, kendall_tau, spearman};
pub use random::{RandomConfig, random_search};
pub use space::{ActiveIf, SearchSpace};
pub use trace::{SearchTrace, pareto_csv};

/// Errors from invalid search inputs.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SearchError {
    /// The search space has no genes.
    #[error("the search space has no genes")]
    EmptySpace,
    /// A gene has zero choices.
    #[error("gene {gene} has zero choices")]
    ZeroChoices {
        /// Index of the gene.
        gene: usize,
    },
    /// An encoding has the wrong number of genes.
    #[error("encoding has {got} genes, the space has {expected}")]
    EncodingLength {
        /// Genes in the space.
        expected: usize,
        /// Genes in the encoding.
        got: usize,
    },
    /// A gene value is outside its range of choices.
    #[error("gene {gene} has value {value}, but only {choices} choices")]
    ChoiceOutOfRange {
        /// Index of the gene.
        gene: usize,
        /// The offending value.
        value: usize,
        /// Number of choices of the gene.
        choices: usize,
    },
    /// No objectives were given.
    #[error("at least one objective is required")]
    NoObjectives,
    /// A vector of objective values (or a reference point) has the wrong length.
    #[error("expected {expected} objective values, got {got}")]
    ObjectiveCount {
        /// Number of objectives.
        expected: usize,
        /// Number of values supplied.
        got: usize,
    },
    /// An objective value or reference coordinate is NaN or infinite.
    #[error("non-finite objective value or reference coordinate")]
    NonFinite,
    /// A population size of zero.
    #[error("the population size must be positive")]
    ZeroPopulation,
    /// A probability outside `[0, 1]`.
    #[error("{name} = {value} is not a probability in [0, 1]")]
    InvalidProbability {
        /// Name of the parameter.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An encoding could not be measured.
    #[error("evaluating {encoding:?}: {message}")]
    Evaluation {
        /// The encoding.
        encoding: Vec<usize>,
        /// What went wrong.
        message: String,
    },
    /// An invalid configuration value (zero budget, negative ridge penalty, ...).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Features and labels of different lengths, or no training data.
    #[error("training data: {0}")]
    TrainingData(String),
    /// The normal equations could not be solved.
    #[error("singular system in the ridge normal equations")]
    Singular,
    /// A predictor was used before it was fitted.
    #[error("the predictor has not been fitted")]
    NotFitted,
}

/// Whether an objective is maximised (accuracy) or minimised (latency, MACs, parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// Larger is better.
    Maximize,
    /// Smaller is better.
    Minimize,
}

impl Direction {
    /// The value in minimisation form: negated when maximised.
    pub fn to_min(self, value: f64) -> f64 {
        match self {
            Direction::Maximize => -value,
            Direction::Minimize => value,
        }
    }
}

/// A named objective with its direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Objective {
    /// Name, used as the CSV column header.
    pub name: String,
    /// Whether larger or smaller is better.
    pub direction: Direction,
}

impl Objective {
    /// An objective to maximise.
    pub fn maximize(name: impl Into<String>) -> Self {
        Self { name: name.into(), direction: Direction::Maximize }
    }

    /// An objective to minimise.
    pub fn minimize(name: impl Into<String>) -> Self {
        Self { name: name.into(), direction: Direction::Minimize }
    }
}

/// The directions of a list of objectives.
pub fn directions(objectives: &[Objective]) -> Vec<Direction> {
    objectives.iter().map(|o| o.direction).collect()
}

/// Measures an architecture: one value per objective, in the order of the problem's objectives.
///
/// Implemented for every `FnMut(&[usize]) -> Vec<f64>`, so a closure can serve as an evaluator.
pub trait Evaluator {
    /// The objective values of encoding `enc`.
    ///
    /// # Errors
    /// When the encoding cannot be measured (a data batch that cannot be built, a predictor
    /// that is not fitted); the search stops with the error.
    fn evaluate(&mut self, enc: &[usize]) -> Result<Vec<f64>, SearchError>;
}

/// A closure that always measures is an evaluator.
impl<F: FnMut(&[usize]) -> Vec<f64>> Evaluator for F {
    fn evaluate(&mut self, enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        Ok(self(enc))
    }
}

/// A search problem: the space, the objectives and the hypervolume reference point.
///
/// The reference point is given in the objectives' own units and directions: for a minimised
/// objective it is an upper bound (worse than any point of interest), for a maximised objective
/// a lower bound. Only points strictly better than the reference in every objective add volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    space: SearchSpace,
    objectives: Vec<Objective>,
    reference: Vec<f64>,
}

impl Problem {
    /// Checks that there is at least one objective and that the reference point is finite and
    /// has one coordinate per objective.
    pub fn new(space: SearchSpace, objectives: Vec<Objective>, reference: Vec<f64>) -> Result<Self, SearchError> {
        if objectives.is_empty() {
            return Err(SearchError::NoObjectives);
        }
        if reference.len() != objectives.len() {
            return Err(SearchError::ObjectiveCount { expected: objectives.len(), got: reference.len() });
        }
        if reference.iter().any(|r| !r.is_finite()) {
            return Err(SearchError::NonFinite);
        }
        Ok(Self { space, objectives, reference })
    }

    /// The search space.
    pub fn space(&self) -> &SearchSpace {
        &self.space
    }

    /// The objectives.
    pub fn objectives(&self) -> &[Objective] {
        &self.objectives
    }

    /// The hypervolume reference point.
    pub fn reference(&self) -> &[f64] {
        &self.reference
    }

    /// The objectives' directions.
    pub fn directions(&self) -> Vec<Direction> {
        directions(&self.objectives)
    }

    /// Evaluates `enc` and checks the result's length and finiteness.
    pub(crate) fn evaluate_checked(&self, eval: &mut dyn Evaluator, enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        let values = eval.evaluate(enc)?;
        if values.len() != self.objectives.len() {
            return Err(SearchError::ObjectiveCount { expected: self.objectives.len(), got: values.len() });
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(SearchError::NonFinite);
        }
        Ok(values)
    }
}

/// Checks that `p` is a probability.
pub(crate) fn check_probability(name: &'static str, value: f64) -> Result<(), SearchError> {
    if (0.0..=1.0).contains(&value) { Ok(()) } else { Err(SearchError::InvalidProbability { name, value }) }
}
