use kiln_nas::search::{
    Crossover, Evaluator, Nsga2Config, Objective, Problem, SearchError, SearchSpace, SearchTrace, dominates,
    hypervolume, nsga2, nsga2_from,
};

use super::{quadratic_eval, quadratic_toy};

/// The true Pareto front of the quadratic toy with 10 genes: for each sum `s = 10q + r`, the
/// least `Σ (4 − x)²` puts `r` genes at `q + 1` and the rest at `q`.
fn quadratic_true_front() -> Vec<Vec<f64>> {
    (0..=40)
        .map(|s: i64| {
            let (q, r) = (s / 10, s % 10);
            let f2 = r * (3 - q).pow(2) + (10 - r) * (4 - q).pow(2);
            vec![s as f64, f2 as f64]
        })
        .collect()
}

fn small_config(seed: u64) -> Nsga2Config {
    Nsga2Config { population: 50, generations: 150, seed, ..Nsga2Config::default() }
}

#[test]
fn quadratic_toy_reaches_95_percent_of_true_hypervolume() {
    let problem = quadratic_toy(10);
    let dirs = problem.directions();
    let truth = hypervolume(&quadratic_true_front(), problem.reference(), &dirs).unwrap();
    for seed in [1, 2, 3] {
        let mut calls = 0usize;
        let mut eval = |enc: &[usize]| {
            calls += 1;
            quadratic_eval(enc)
        };
        let result = nsga2(&problem, &mut eval, &small_config(seed)).unwrap();
        let front: Vec<Vec<f64>> = result.front.iter().map(|i| i.objectives.clone()).collect();
        let hv = hypervolume(&front, problem.reference(), &dirs).unwrap();
        assert!(hv >= 0.95 * truth, "seed {seed}: {hv} < 0.95 × {truth}");
        assert_eq!(calls, result.evaluations, "memoised: one call per distinct encoding");
        assert_eq!(result.evaluated.len(), result.evaluations);
        assert!(result.evaluations <= 50 * 151);
        // Population: distinct encodings, exact size, front = rank 0, non-dominated.
        let mut encs: Vec<_> = result.population.iter().map(|i| i.encoding.clone()).collect();
        assert_eq!(encs.len(), 50);
        encs.sort();
        encs.dedup();
        assert_eq!(encs.len(), 50, "no duplicate encodings in the population");
        assert!(result.front.iter().all(|i| i.rank == 0));
        for a in &result.front {
            assert!(!result.population.iter().any(|b| dominates(&b.objectives, &a.objectives, &dirs)));
        }
    }
}

#[test]
fn linear_toy_every_crossover_reaches_95_percent() {
    // f1 = Σx, f2 = Σ(4 − x): every encoding is Pareto-optimal; the true front is (s, 40 − s).
    let space = SearchSpace::new(vec![5; 10]).unwrap();
    let problem =
        Problem::new(space, vec![Objective::minimize("f1"), Objective::minimize("f2")], vec![41.0, 41.0]).unwrap();
    let truth_pts: Vec<Vec<f64>> = (0..=40).map(|s| vec![s as f64, 40.0 - s as f64]).collect();
    let truth = hypervolume(&truth_pts, problem.reference(), &problem.directions()).unwrap();
    for crossover in [Crossover::Uniform, Crossover::OnePoint, Crossover::TwoPoint] {
        let mut eval = |enc: &[usize]| {
            let s = enc.iter().sum::<usize>() as f64;
            vec![s, 40.0 - s]
        };
        let config = Nsga2Config { crossover, ..small_config(7) };
        let result = nsga2(&problem, &mut eval, &config).unwrap();
        let front: Vec<Vec<f64>> = result.front.iter().map(|i| i.objectives.clone()).collect();
        let hv = hypervolume(&front, problem.reference(), &problem.directions()).unwrap();
        assert!(hv >= 0.95 * truth, "{crossover:?}: {hv} < 0.95 × {truth}");
    }
}

#[test]
fn nsga2_is_deterministic_by_seed() {
    let problem = quadratic_toy(8);
    let config = Nsga2Config { population: 20, generations: 10, seed: 42, ..Nsga2Config::default() };
    let a = nsga2(&problem, &mut quadratic_eval, &config).unwrap();
    let b = nsga2(&problem, &mut quadratic_eval, &config).unwrap();
    assert_eq!(a, b);
    let c = nsga2(&problem, &mut quadratic_eval, &Nsga2Config { seed: 43, ..config }).unwrap();
    assert_ne!(a.evaluated, c.evaluated);
    let trace = SearchTrace::from_evaluations(&problem, a.evaluated.clone()).unwrap();
    assert_eq!(trace.len(), a.evaluations);
    assert!(trace.hypervolume.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn tiny_space_and_seeded_population() {
    // 2 × 2 = 4 encodings but a population of 10: the run must not loop or duplicate.
    let problem =
        Problem::new(SearchSpace::new(vec![2, 2]).unwrap(), vec![Objective::maximize("a")], vec![-1.0]).unwrap();
    let mut eval = |enc: &[usize]| vec![(enc[0] + 2 * enc[1]) as f64];
    let config = Nsga2Config { population: 10, generations: 5, ..Nsga2Config::default() };
    let result = nsga2_from(&problem, &mut eval, &config, &[vec![0, 0], vec![0, 0]]).unwrap();
    assert_eq!(result.population.len(), 4);
    assert_eq!(result.evaluations, 4);
    assert_eq!(result.front.len(), 1);
    assert_eq!(result.front[0].encoding, vec![1, 1]);
}

struct WrongCount;

impl Evaluator for WrongCount {
    fn evaluate(&mut self, _enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        Ok(vec![1.0])
    }
}

#[test]
fn nsga2_rejects_bad_input() {
    let problem = quadratic_toy(4);
    let zero = Nsga2Config { population: 0, ..Nsga2Config::default() };
    assert_eq!(nsga2(&problem, &mut quadratic_eval, &zero), Err(SearchError::ZeroPopulation));
    let bad_p = Nsga2Config { crossover_prob: 1.5, ..Nsga2Config::default() };
    assert!(matches!(nsga2(&problem, &mut quadratic_eval, &bad_p), Err(SearchError::InvalidProbability { .. })));
    assert_eq!(
        nsga2(&problem, &mut WrongCount, &small_config(0)),
        Err(SearchError::ObjectiveCount { expected: 2, got: 1 })
    );
    let mut nan = |_: &[usize]| vec![f64::NAN, 0.0];
    assert_eq!(nsga2(&problem, &mut nan, &small_config(0)), Err(SearchError::NonFinite));
    let seeded = nsga2_from(&problem, &mut quadratic_eval, &small_config(0), &[vec![9, 0, 0, 0]]);
    assert_eq!(seeded, Err(SearchError::ChoiceOutOfRange { gene: 0, value: 9, choices: 5 }));
}

#[test]
fn space_and_problem_validation() {
    assert_eq!(SearchSpace::new(vec![]), Err(SearchError::EmptySpace));
    assert_eq!(SearchSpace::new(vec![3, 0]), Err(SearchError::ZeroChoices { gene: 1 }));
    let space = SearchSpace::new(vec![2, 3]).unwrap();
    assert_eq!(space.cardinality(), Some(6));
    assert_eq!(space.one_hot(&[1, 2]), vec![0.0, 1.0, 0.0, 0.0, 1.0]);
    assert_eq!(space.validate(&[1]), Err(SearchError::EncodingLength { expected: 2, got: 1 }));
    assert_eq!(Problem::new(space.clone(), vec![], vec![]), Err(SearchError::NoObjectives));
    assert_eq!(
        Problem::new(space.clone(), vec![Objective::minimize("x")], vec![1.0, 2.0]),
        Err(SearchError::ObjectiveCount { expected: 1, got: 2 })
    );
    let json = serde_json::to_string(&space).unwrap();
    assert_eq!(json, "[2,3]");
    assert_eq!(serde_json::from_str::<SearchSpace>(&json).unwrap(), space);
    assert!(serde_json::from_str::<SearchSpace>("[2,0]").is_err());
}
