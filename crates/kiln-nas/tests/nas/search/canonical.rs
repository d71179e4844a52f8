//! Activity rules, canonical encodings, the shared initial population and cached evaluations.

use kiln_nas::ofa::{OfaConfig, SubnetConfig};
use kiln_nas::search::{
    ActiveIf, CachedEvaluator, Evaluator, LinasConfig, Nsga2Config, Objective, Problem, RandomConfig, SearchSpace,
    linas, nsga2, random_search,
};

/// Gene 0 is a depth in {1, 2, 3}; genes 1 and 2 are the kernels of blocks 2 and 3, active
/// only when the depth reaches them; gene 3 is unconditional.
fn depth_space() -> SearchSpace {
    SearchSpace::new(vec![3, 2, 2, 2])
        .unwrap()
        .with_activity(vec![
            (1, ActiveIf { controller: 0, values: vec![1, 2] }),
            (2, ActiveIf { controller: 0, values: vec![2] }),
        ])
        .unwrap()
}

fn all_encodings(choices: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &c in choices {
        out = out.into_iter().flat_map(|e| (0..c).map(move |v| [e.clone(), vec![v]].concat())).collect();
    }
    out
}

#[test]
fn inactive_genes_share_a_canonical_form_and_features() {
    let space = depth_space();
    assert_eq!(space.canonical(&[0, 1, 1, 1]), vec![0, 0, 0, 1]);
    assert_eq!(space.canonical(&[1, 1, 1, 0]), vec![1, 1, 0, 0]);
    assert_eq!(space.canonical(&[2, 1, 1, 0]), vec![2, 1, 1, 0]);
    assert_eq!(space.one_hot(&[0, 1, 1, 1]), space.one_hot(&[0, 0, 0, 1]));
    // depth one-hot (3) + kernel genes zeroed + gene 3's one-hot.
    assert_eq!(space.one_hot(&[0, 1, 1, 1]), vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    // Cardinality = distinct canonical forms, counted by brute force: (1 + 2 + 4) · 2 = 14.
    let distinct: std::collections::HashSet<_> =
        all_encodings(&[3, 2, 2, 2]).iter().map(|e| space.canonical(e)).collect();
    assert_eq!(space.cardinality(), Some(distinct.len() as u128));
    assert_eq!(distinct.len(), 14);
    // The rules survive serialisation; a plain space keeps its plain form.
    let json = serde_json::to_string(&space).unwrap();
    assert_eq!(serde_json::from_str::<SearchSpace>(&json).unwrap(), space);
    assert_eq!(serde_json::to_string(&SearchSpace::new(vec![2, 3]).unwrap()).unwrap(), "[2,3]");
    // Bad rules are refused.
    let bad =
        SearchSpace::new(vec![2, 2]).unwrap().with_activity(vec![(1, ActiveIf { controller: 0, values: vec![5] })]);
    assert!(bad.is_err());
}

#[test]
fn ofa_encodings_that_differ_past_a_units_depth_are_one_architecture() {
    let cfg = OfaConfig::digits();
    let space = SubnetConfig::search_space(&cfg).unwrap();
    let mut a = SubnetConfig::largest(&cfg);
    a.depths = vec![1, 3];
    let mut b = a.clone();
    b.kernels[2] = 3; // unit 0, block 2: past depth 1
    b.expands[1] = 2; // unit 0, block 1
    let (ea, eb) = (a.encode(&cfg), b.encode(&cfg));
    assert_ne!(ea, eb);
    assert_eq!(space.canonical(&ea), space.canonical(&eb));
    assert_eq!(space.one_hot(&ea), space.one_hot(&eb));
    // A gene inside the depth still counts.
    let mut c = a.clone();
    c.kernels[0] = 3;
    assert_ne!(space.canonical(&c.encode(&cfg)), space.canonical(&ea));
    // 2 units, depths {1,2,3}, (kernel, expand) 2·3 = 6 per active block, 2 resolutions:
    // (6 + 6² + 6³)² · 2.
    assert_eq!(space.cardinality(), Some((6u128 + 36 + 216).pow(2) * 2));
}

fn toy_problem() -> Problem {
    Problem::new(depth_space(), vec![Objective::maximize("acc"), Objective::minimize("cost")], vec![0.0, 20.0]).unwrap()
}

fn toy_eval(enc: &[usize]) -> Vec<f64> {
    let s: usize = enc.iter().sum();
    vec![(s as f64).sqrt() + 0.1 * enc[3] as f64, s as f64 + 0.5 * enc[0] as f64]
}

#[test]
fn the_three_searches_of_a_seed_start_with_the_same_evaluations() {
    let problem = toy_problem();
    for seed in [0u64, 7] {
        let n = 6;
        let random = random_search(&problem, &mut toy_eval, &RandomConfig { budget: 10, seed }).unwrap();
        let ga =
            nsga2(&problem, &mut toy_eval, &Nsga2Config { population: n, generations: 2, seed, ..Default::default() })
                .unwrap();
        let lin = linas(
            &problem,
            &mut toy_eval,
            &LinasConfig { initial: n, budget: 10, validate_per_iteration: 2, seed, ..Default::default() },
        )
        .unwrap();
        let first = |evals: &[(Vec<usize>, Vec<f64>)]| evals.iter().take(n).map(|(e, _)| e.clone()).collect::<Vec<_>>();
        let start = problem.space().initial_population(n, seed);
        assert_eq!(first(&random.evaluations), start);
        assert_eq!(first(&ga.evaluated), start);
        assert_eq!(first(&lin.evaluations), start);
        // Every evaluation is canonical and distinct within a search.
        for evals in [&random.evaluations, &ga.evaluated, &lin.evaluations] {
            let set: std::collections::HashSet<_> = evals.iter().map(|(e, _)| e.clone()).collect();
            assert_eq!(set.len(), evals.len());
            assert!(evals.iter().all(|(e, _)| problem.space().canonical(e) == *e));
        }
    }
    // A longer initial population extends a shorter one.
    let space = depth_space();
    assert_eq!(space.initial_population(9, 3)[..4], space.initial_population(4, 3)[..]);
    // The whole space: exactly its 14 canonical encodings.
    assert_eq!(space.initial_population(100, 1).len(), 14);
}

#[test]
fn cached_evaluations_are_reused_across_searches() {
    let problem = toy_problem();
    let mut calls = 0usize;
    let counting = |enc: &[usize]| {
        calls += 1;
        toy_eval(enc)
    };
    let mut cached = CachedEvaluator::new(counting, problem.space().clone());
    let a = random_search(&problem, &mut cached, &RandomConfig { budget: 8, seed: 2 }).unwrap();
    let b = random_search(&problem, &mut cached, &RandomConfig { budget: 8, seed: 2 }).unwrap();
    assert_eq!(a.evaluations, b.evaluations);
    assert_eq!((cached.evaluated(), cached.hits()), (8, 8));
    // A non-canonical request is answered with its canonical form's values.
    assert_eq!(cached.evaluate(&[0, 1, 1, 1]).unwrap(), toy_eval(&[0, 0, 0, 1]));
    let evaluated = cached.evaluated();
    drop(cached);
    assert_eq!(calls, evaluated, "one real evaluation per canonical encoding");
}
