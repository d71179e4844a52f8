use kiln_core::seed;
use kiln_nas::search::{
    LinasConfig, Nsga2Config, Objective, Problem, RandomConfig, SearchError, SearchSpace, SearchTrace, hypervolume,
    linas, pareto_csv, random_search,
};
use rand::Rng;

const GENES: usize = 12;
const CHOICES: usize = 4;

/// An additive accuracy/latency trade-off: larger choices are more accurate (with diminishing
/// returns) and slower, with gene-specific weights drawn from `seed`.
struct Toy {
    accuracy: Vec<Vec<f64>>,
    latency: Vec<Vec<f64>>,
}

impl Toy {
    fn new(seed: u64) -> Self {
        let mut rng = seed::rng(seed, 99);
        let mut accuracy = Vec::new();
        let mut latency = Vec::new();
        for _ in 0..GENES {
            let (u, v) = (rng.random_range(0.5..1.5), rng.random_range(0.5..1.5));
            accuracy.push((0..CHOICES).map(|c| u * (c as f64).sqrt() + rng.random_range(0.0..0.2)).collect());
            latency.push((0..CHOICES).map(|c| v * c as f64 + rng.random_range(0.0..0.2)).collect());
        }
        Self { accuracy, latency }
    }

    fn problem(&self) -> Problem {
        let max_latency: f64 = self.latency.iter().map(|row| row.iter().cloned().fold(0.0, f64::max)).sum();
        Problem::new(
            SearchSpace::new(vec![CHOICES; GENES]).unwrap(),
            vec![Objective::maximize("accuracy"), Objective::minimize("latency")],
            vec![0.0, max_latency + 1.0],
        )
        .unwrap()
    }

    fn eval(&self, enc: &[usize]) -> Vec<f64> {
        let acc = enc.iter().enumerate().map(|(g, &c)| self.accuracy[g][c]).sum();
        let lat = enc.iter().enumerate().map(|(g, &c)| self.latency[g][c]).sum();
        vec![acc, lat]
    }
}

fn config(seed: u64) -> LinasConfig {
    LinasConfig {
        initial: 20,
        budget: 50,
        validate_per_iteration: 10,
        inner: Nsga2Config { population: 40, generations: 40, ..Nsga2Config::default() },
        seed,
        ..LinasConfig::default()
    }
}

fn check_trace(trace: &SearchTrace, budget: usize) {
    assert_eq!(trace.len(), budget);
    assert_eq!(trace.hypervolume.len(), budget);
    assert!(trace.hypervolume.windows(2).all(|w| w[0] <= w[1]), "hypervolume never decreases");
    let mut encs: Vec<_> = trace.evaluations.iter().map(|(e, _)| e.clone()).collect();
    encs.sort();
    encs.dedup();
    assert_eq!(encs.len(), budget, "no encoding is evaluated twice");
}

#[test]
fn linas_beats_random_search_at_equal_budget() {
    let seeds = [1u64, 2, 3, 4, 5];
    let (mut linas_sum, mut random_sum, mut wins) = (0.0, 0.0, 0);
    for &s in &seeds {
        let toy = Toy::new(s);
        let problem = toy.problem();
        let mut calls = 0usize;
        let mut eval = |e: &[usize]| {
            calls += 1;
            toy.eval(e)
        };
        let l = linas(&problem, &mut eval, &config(s)).unwrap();
        assert_eq!(calls, 50, "LINAS spends exactly the real budget");
        let r = random_search(&problem, &mut |e: &[usize]| toy.eval(e), &RandomConfig { budget: 50, seed: s }).unwrap();
        check_trace(&l, 50);
        check_trace(&r, 50);
        // The trace's hypervolume is the batch hypervolume of all its evaluations.
        let values: Vec<Vec<f64>> = l.evaluations.iter().map(|(_, v)| v.clone()).collect();
        let batch = hypervolume(&values, problem.reference(), &problem.directions()).unwrap();
        assert!((batch - l.final_hypervolume()).abs() < 1e-9 * batch);
        // Both start from 20 random evaluations; identical prefix lengths, different searches after.
        println!("seed {s}: LINAS {:.3}, random {:.3}", l.final_hypervolume(), r.final_hypervolume());
        linas_sum += l.final_hypervolume();
        random_sum += r.final_hypervolume();
        if l.final_hypervolume() > r.final_hypervolume() {
            wins += 1;
        }
    }
    let n = seeds.len() as f64;
    assert!(linas_sum / n > 1.05 * random_sum / n, "LINAS {} vs random {}", linas_sum / n, random_sum / n);
    assert!(wins >= 4, "LINAS won only {wins} of {} seeds", seeds.len());
}

#[test]
fn linas_and_random_are_deterministic_by_seed() {
    let toy = Toy::new(9);
    let problem = toy.problem();
    let mut eval = |e: &[usize]| toy.eval(e);
    let a = linas(&problem, &mut eval, &config(9)).unwrap();
    let b = linas(&problem, &mut eval, &config(9)).unwrap();
    assert_eq!(a, b);
    let c = linas(&problem, &mut eval, &config(10)).unwrap();
    assert_ne!(a.evaluations, c.evaluations);
    let r1 = random_search(&problem, &mut eval, &RandomConfig { budget: 30, seed: 4 }).unwrap();
    let r2 = random_search(&problem, &mut eval, &RandomConfig { budget: 30, seed: 4 }).unwrap();
    assert_eq!(r1, r2);
}

#[test]
fn trace_serialises_and_exports_its_front() {
    let toy = Toy::new(2);
    let problem = toy.problem();
    let trace = random_search(&problem, &mut |e: &[usize]| toy.eval(e), &RandomConfig { budget: 25, seed: 1 }).unwrap();
    let json = serde_json::to_string(&trace).unwrap();
    let back: SearchTrace = serde_json::from_str(&json).unwrap();
    // serde_json's default float parsing may differ in the last ulp, so compare with a tolerance.
    assert_eq!((&back.objectives, back.len()), (&trace.objectives, trace.len()));
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12 * x.abs().max(1.0));
    assert!(close(&back.reference, &trace.reference) && close(&back.hypervolume, &trace.hypervolume));
    for ((e1, v1), (e2, v2)) in back.evaluations.iter().zip(&trace.evaluations) {
        assert!(e1 == e2 && close(v1, v2));
    }

    let csv = pareto_csv(&trace);
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<String> = std::iter::once("evaluation".to_string())
        .chain((0..GENES).map(|g| format!("gene_{g}")))
        .chain(["accuracy".to_string(), "latency".to_string()])
        .collect();
    assert_eq!(lines[0], header.join(","));
    let front = trace.front().unwrap();
    assert_eq!(lines.len(), front.len() + 1);
    // Rows are sorted by accuracy, best (largest) first.
    let acc: Vec<f64> = lines[1..].iter().map(|l| l.split(',').nth(GENES + 1).unwrap().parse().unwrap()).collect();
    assert!(acc.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn small_space_is_exhausted_without_looping() {
    let problem = Problem::new(
        SearchSpace::new(vec![2, 3]).unwrap(),
        vec![Objective::maximize("a"), Objective::minimize("b")],
        vec![-1.0, 10.0],
    )
    .unwrap();
    let mut eval = |e: &[usize]| vec![(e[0] + e[1]) as f64, (e[0] * 2 + e[1]) as f64];
    let cfg = LinasConfig { initial: 2, budget: 50, validate_per_iteration: 3, ..config(0) };
    let trace = linas(&problem, &mut eval, &cfg).unwrap();
    assert_eq!(trace.len(), 6, "all six encodings, each once");
    let r = random_search(&problem, &mut eval, &RandomConfig { budget: 50, seed: 0 }).unwrap();
    assert_eq!(r.len(), 6);
}

#[test]
fn linas_rejects_bad_config() {
    let toy = Toy::new(1);
    let problem = toy.problem();
    let mut eval = |e: &[usize]| toy.eval(e);
    for bad in [
        LinasConfig { budget: 0, ..config(0) },
        LinasConfig { initial: 0, ..config(0) },
        LinasConfig { validate_per_iteration: 0, ..config(0) },
        LinasConfig { ridge_alpha: -1.0, ..config(0) },
    ] {
        assert!(matches!(linas(&problem, &mut eval, &bad), Err(SearchError::InvalidConfig(_))));
    }
    let zero_pop = LinasConfig { inner: Nsga2Config { population: 0, ..Nsga2Config::default() }, ..config(0) };
    assert_eq!(linas(&problem, &mut eval, &zero_pop), Err(SearchError::ZeroPopulation));
    assert!(matches!(
        random_search(&problem, &mut eval, &RandomConfig { budget: 0, seed: 0 }),
        Err(SearchError::InvalidConfig(_))
    ));
}
