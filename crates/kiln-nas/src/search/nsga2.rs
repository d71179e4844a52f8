//! NSGA-II over categorical encodings (Deb, Pratap, Agarwal & Meyarivan 2002).
//!
//! One generation, with population size `μ = λ = N`:
//! 1. **Selection.** Binary tournament: draw two members, keep the one with the lower
//!    non-domination rank, then the larger crowding distance (the crowded-comparison operator
//!    `i ≺_n j ⇔ r_i < r_j ∨ (r_i = r_j ∧ d_i > d_j)`).
//! 2. **Variation.** With probability `crossover_prob` the two parents are recombined (uniform
//!    crossover by default, or one/two-point); each child gene then mutates with probability
//!    `mutation_prob` to a uniformly random *different* choice. Children identical to a member
//!    of the population or to an earlier child are discarded (pymoo's `eliminate_duplicates`).
//! 3. **Survival.** Elitist `(μ + λ)`: the union of parents and children is sorted into fronts
//!    `F_1, F_2, …`; whole fronts are kept while they fit, and the last one is truncated by
//!    decreasing crowding distance.
//!
//! DyNAS-T (Cummings et al. 2022) runs pymoo's NSGA-II with `N = 50`, crossover probability 0.9
//! (SBX, η = 15) and polynomial mutation (η = 20) on integer genes with rounding. On categorical
//! genes the ordinal structure SBX exploits is not meaningful, so the discrete analogues are
//! used here: uniform crossover with the same probability 0.9, and per-gene mutation with the
//! classic rate `1/L` (pymoo's default per-variable rate; DyNAS-T's `0.02` is a per-individual
//! probability in pymoo ≥ 0.6, which barely mutates and is not reproduced).
//!
//! Evaluations are memoised within a run: an encoding is evaluated at most once, and
//! [`Nsga2Result::evaluations`] counts the distinct evaluator calls. The same code runs against
//! real measurements or a cheap surrogate ([`SurrogateEvaluator`](super::SurrogateEvaluator)).

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::pareto::{crowding_distance, non_dominated_sort};
use super::{Evaluator, Problem, SearchError, SearchSpace, check_probability};

/// Random stream of NSGA-II in [`kiln_core::seed::rng`].
const STREAM: u64 = 0x004E_5347_4132;

/// Recombination of two parent encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Crossover {
    /// Each gene is swapped between the children with probability 1/2 (default).
    #[default]
    Uniform,
    /// The tails after one random cut point are swapped.
    OnePoint,
    /// The segment between two random cut points is swapped.
    TwoPoint,
}

/// NSGA-II settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nsga2Config {
    /// Population size `N` (default 50, as in DyNAS-T).
    pub population: usize,
    /// Number of generations (default 400: DyNAS-T's 20,000 evaluations of its inner, predictor
    /// driven search at `N = 50`).
    pub generations: usize,
    /// Crossover operator (default [`Crossover::Uniform`]).
    pub crossover: Crossover,
    /// Probability that two parents are recombined (default 0.9, as in DyNAS-T).
    pub crossover_prob: f64,
    /// Per-gene mutation probability; `None` (default) means `1/L` for `L` genes.
    pub mutation_prob: Option<f64>,
    /// Random seed (default 0).
    pub seed: u64,
}

impl Default for Nsga2Config {
    fn default() -> Self {
        Self {
            population: 50,
            generations: 400,
            crossover: Crossover::Uniform,
            crossover_prob: 0.9,
            mutation_prob: None,
            seed: 0,
        }
    }
}

impl Nsga2Config {
    fn validate(&self) -> Result<(), SearchError> {
        if self.population == 0 {
            return Err(SearchError::ZeroPopulation);
        }
        check_probability("crossover_prob", self.crossover_prob)?;
        if let Some(p) = self.mutation_prob {
            check_probability("mutation_prob", p)?;
        }
        Ok(())
    }
}

/// A population member: encoding, objective values, non-domination rank (0 = first front) and
/// crowding distance within its front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Individual {
    /// The architecture encoding.
    pub encoding: Vec<usize>,
    /// One value per objective.
    pub objectives: Vec<f64>,
    /// Non-domination rank, 0 for the first front.
    pub rank: usize,
    /// Crowding distance within its front (`∞` at the boundaries).
    pub crowding: f64,
}

/// The outcome of an NSGA-II run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nsga2Result {
    /// The final population, ordered by rank, then decreasing crowding distance.
    pub population: Vec<Individual>,
    /// Its non-dominated members (rank 0), in the same order.
    pub front: Vec<Individual>,
    /// Number of distinct evaluator calls.
    pub evaluations: usize,
    /// Every distinct evaluation in call order (feed it to
    /// [`SearchTrace::from_evaluations`](super::SearchTrace::from_evaluations) for a hypervolume curve).
    pub evaluated: Vec<(Vec<usize>, Vec<f64>)>,
}

/// Runs NSGA-II from the seeded initial population
/// ([`SearchSpace::initial_population`]) that random search and LINAS of the same seed share.
pub fn nsga2(problem: &Problem, eval: &mut dyn Evaluator, config: &Nsga2Config) -> Result<Nsga2Result, SearchError> {
    nsga2_from(problem, eval, config, &[])
}

/// Runs NSGA-II with `initial` encodings seeding the first population (canonicalised,
/// deduplicated and truncated to the population size; the rest from
/// [`SearchSpace::initial_population`]). Children are canonicalised before the duplicate check.
pub fn nsga2_from(
    problem: &Problem,
    eval: &mut dyn Evaluator,
    config: &Nsga2Config,
    initial: &[Vec<usize>],
) -> Result<Nsga2Result, SearchError> {
    config.validate()?;
    let space = problem.space();
    for enc in initial {
        space.validate(enc)?;
    }
    let mut rng = kiln_core::seed::rng(config.seed, STREAM);
    let mutation_prob = config.mutation_prob.unwrap_or(1.0 / space.len() as f64);
    let mut memo = Memo { cache: HashMap::new(), evaluated: Vec::new() };

    let mut seen = HashSet::new();
    let mut start: Vec<Vec<usize>> = Vec::new();
    let shared = space.initial_population(config.population, config.seed);
    for enc in initial.iter().map(|e| space.canonical(e)).chain(shared) {
        if start.len() < config.population && seen.insert(enc.clone()) {
            start.push(enc);
        }
    }
    let mut members = Vec::with_capacity(start.len());
    for enc in start {
        let values = memo.get(problem, eval, &enc)?;
        members.push((enc, values));
    }
    let mut population = survive(members, config.population, problem)?;

    for _ in 0..config.generations {
        let children = offspring(space, &population, config, mutation_prob, &mut rng);
        if children.is_empty() {
            break;
        }
        let mut combined: Vec<(Vec<usize>, Vec<f64>)> =
            population.into_iter().map(|ind| (ind.encoding, ind.objectives)).collect();
        for enc in children {
            let values = memo.get(problem, eval, &enc)?;
            combined.push((enc, values));
        }
        population = survive(combined, config.population, problem)?;
    }

    let front = population.iter().filter(|ind| ind.rank == 0).cloned().collect();
    Ok(Nsga2Result { population, front, evaluations: memo.evaluated.len(), evaluated: memo.evaluated })
}

/// Memoised evaluations of one run.
struct Memo {
    cache: HashMap<Vec<usize>, Vec<f64>>,
    evaluated: Vec<(Vec<usize>, Vec<f64>)>,
}

impl Memo {
    fn get(&mut self, problem: &Problem, eval: &mut dyn Evaluator, enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        if let Some(values) = self.cache.get(enc) {
            return Ok(values.clone());
        }
        let values = problem.evaluate_checked(eval, enc)?;
        self.cache.insert(enc.to_vec(), values.clone());
        self.evaluated.push((enc.to_vec(), values.clone()));
        Ok(values)
    }
}

/// Elitist survival: whole fronts while they fit, then the last front by decreasing crowding.
/// Returns the survivors ordered by rank, then decreasing crowding.
pub(crate) fn survive(
    members: Vec<(Vec<usize>, Vec<f64>)>,
    size: usize,
    problem: &Problem,
) -> Result<Vec<Individual>, SearchError> {
    let values: Vec<Vec<f64>> = members.iter().map(|(_, v)| v.clone()).collect();
    let fronts = non_dominated_sort(&values, &problem.directions())?;
    let mut slots: Vec<Option<(Vec<usize>, Vec<f64>)>> = members.into_iter().map(Some).collect();
    let mut survivors = Vec::with_capacity(size.min(slots.len()));
    for (rank, front) in fronts.iter().enumerate() {
        if survivors.len() >= size {
            break;
        }
        let front_values: Vec<Vec<f64>> = front.iter().map(|&i| values[i].clone()).collect();
        let crowding = crowding_distance(&front_values)?;
        let mut order: Vec<usize> = (0..front.len()).collect();
        order.sort_by(|&a, &b| crowding[b].total_cmp(&crowding[a]).then(a.cmp(&b)));
        for k in order.into_iter().take(size - survivors.len()) {
            if let Some((encoding, objectives)) = slots[front[k]].take() {
                survivors.push(Individual { encoding, objectives, rank, crowding: crowding[k] });
            }
        }
    }
    Ok(survivors)
}

/// Crowded-comparison binary tournament; returns the winner's index.
fn tournament(population: &[Individual], rng: &mut StdRng) -> usize {
    let n = population.len();
    let a = rng.random_range(0..n);
    let b = if n > 1 { (a + rng.random_range(1..n)) % n } else { a };
    let (pa, pb) = (&population[a], &population[b]);
    if pa.rank != pb.rank {
        return if pa.rank < pb.rank { a } else { b };
    }
    match pa.crowding.total_cmp(&pb.crowding) {
        std::cmp::Ordering::Greater => a,
        std::cmp::Ordering::Less => b,
        std::cmp::Ordering::Equal => {
            if rng.random::<bool>() {
                a
            } else {
                b
            }
        }
    }
}

/// Recombines two parents in place.
fn recombine(kind: Crossover, x: &mut [usize], y: &mut [usize], rng: &mut StdRng) {
    let len = x.len();
    match kind {
        Crossover::Uniform => {
            for i in 0..len {
                if rng.random::<bool>() {
                    std::mem::swap(&mut x[i], &mut y[i]);
                }
            }
        }
        Crossover::OnePoint if len > 1 => {
            let cut = rng.random_range(1..len);
            x[cut..].swap_with_slice(&mut y[cut..]);
        }
        Crossover::TwoPoint if len > 1 => {
            let (mut c1, mut c2) = (rng.random_range(0..len), rng.random_range(0..len));
            if c1 > c2 {
                std::mem::swap(&mut c1, &mut c2);
            }
            x[c1..=c2].swap_with_slice(&mut y[c1..=c2]);
        }
        _ => {}
    }
}

/// Up to `population.len()` children that differ from the population and from each other.
fn offspring(
    space: &SearchSpace,
    population: &[Individual],
    config: &Nsga2Config,
    mutation_prob: f64,
    rng: &mut StdRng,
) -> Vec<Vec<usize>> {
    let target = population.len();
    let mut seen: HashSet<Vec<usize>> = population.iter().map(|ind| ind.encoding.clone()).collect();
    let mut children = Vec::with_capacity(target);
    let max_attempts = 20 * target.max(5);
    let mut attempts = 0;
    while children.len() < target && attempts < max_attempts {
        attempts += 1;
        let mut x = population[tournament(population, rng)].encoding.clone();
        let mut y = population[tournament(population, rng)].encoding.clone();
        if rng.random::<f64>() < config.crossover_prob {
            recombine(config.crossover, &mut x, &mut y, rng);
        }
        for mut child in [x, y] {
            space.mutate(&mut child, mutation_prob, rng);
            let child = space.canonical(&child);
            if children.len() < target && seen.insert(child.clone()) {
                children.push(child);
            }
        }
    }
    children
}
