use kiln_core::seed;
use kiln_nas::search::{Predictor, Ridge, SearchError, SearchSpace, kendall_tau, spearman};
use rand::Rng;

#[test]
fn ridge_ranks_held_out_encodings_of_an_additive_function() {
    let space = SearchSpace::new(vec![4; 12]).unwrap();
    let mut rng = seed::rng(3, 0);
    let table: Vec<Vec<f64>> = (0..12).map(|_| (0..4).map(|_| rng.random_range(0.0..1.0)).collect()).collect();
    let truth = |enc: &[usize]| enc.iter().enumerate().map(|(g, &c)| table[g][c]).sum::<f64>();
    let sample =
        |rng: &mut rand::rngs::StdRng, n: usize| -> Vec<Vec<usize>> { (0..n).map(|_| space.sample(rng)).collect() };
    let train = sample(&mut rng, 150);
    let labels: Vec<f64> = train.iter().map(|e| truth(e) + rng.random_range(-0.15..0.15)).collect();
    let test = sample(&mut rng, 100);
    let mut ridge = Ridge::new(space.clone(), 1.0).unwrap();
    ridge.fit(&train, &labels).unwrap();
    let predicted: Vec<f64> = test.iter().map(|e| ridge.predict(e).unwrap()).collect();
    let actual: Vec<f64> = test.iter().map(|e| truth(e)).collect();
    let rho = spearman(&predicted, &actual).unwrap();
    assert!(rho >= 0.9, "Spearman {rho}");
    let tau = kendall_tau(&predicted, &actual).unwrap();
    assert!(tau >= 0.7, "Kendall {tau}");
}

#[test]
fn ridge_with_small_penalty_recovers_noise_free_additive_values() {
    let space = SearchSpace::new(vec![3, 2, 4]).unwrap();
    let (t0, t1, t2) = ([0.0, 1.0, 5.0], [2.0, -1.0], [0.5, 0.25, 3.0, -2.0]);
    let value = |e: &[usize]| 10.0 + t0[e[0]] + t1[e[1]] + t2[e[2]];
    let mut all = Vec::new();
    for a in 0..3 {
        for b in 0..2 {
            for c in 0..4 {
                all.push(vec![a, b, c]);
            }
        }
    }
    let labels: Vec<f64> = all.iter().map(|e| value(e)).collect();
    let mut ridge = Ridge::new(space, 1e-8).unwrap();
    ridge.fit(&all, &labels).unwrap();
    for (e, y) in all.iter().zip(&labels) {
        assert!((ridge.predict(e).unwrap() - y).abs() < 1e-5);
    }
}

#[test]
fn rank_correlations_with_ties() {
    let a = [1.0, 2.0, 2.0, 3.0];
    assert!((spearman(&a, &a).unwrap() - 1.0).abs() < 1e-12);
    let rev = [4.0, 3.0, 2.0, 1.0];
    assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &rev).unwrap() + 1.0).abs() < 1e-12);
    // Ranks of a: 1, 2.5, 2.5, 4; of b: 1, 2, 3, 4 → ρ = 4.5 / √(4.5 · 5) = 0.9487.
    let rho = spearman(&a, &[1.0, 2.0, 3.0, 4.0]).unwrap();
    assert!((rho - 4.5 / (4.5f64 * 5.0).sqrt()).abs() < 1e-12, "{rho}");
    // τ_b: 5 concordant, 0 discordant, 1 tie in a: 5 / √(5 · 6).
    let tau = kendall_tau(&a, &[1.0, 2.0, 3.0, 4.0]).unwrap();
    assert!((tau - 5.0 / 30f64.sqrt()).abs() < 1e-12, "{tau}");
    assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]).unwrap(), 0.0);
}

#[test]
fn predictors_reject_bad_input() {
    let space = SearchSpace::new(vec![2, 2]).unwrap();
    assert!(matches!(Ridge::new(space.clone(), 0.0), Err(SearchError::InvalidConfig(_))));
    let mut ridge = Ridge::new(space, 1.0).unwrap();
    assert_eq!(ridge.predict(&[0, 0]), Err(SearchError::NotFitted));
    assert!(matches!(ridge.fit(&[vec![0, 0]], &[1.0, 2.0]), Err(SearchError::TrainingData(_))));
    assert!(matches!(ridge.fit(&[], &[]), Err(SearchError::TrainingData(_))));
    assert_eq!(ridge.fit(&[vec![0, 5]], &[1.0]), Err(SearchError::ChoiceOutOfRange { gene: 1, value: 5, choices: 2 }));
    ridge.fit(&[vec![0, 1]], &[1.0]).unwrap();
    assert_eq!(ridge.predict(&[0]), Err(SearchError::EncodingLength { expected: 2, got: 1 }));
    assert!(matches!(spearman(&[1.0], &[1.0]), Err(SearchError::TrainingData(_))));
    assert!(matches!(spearman(&[1.0, 2.0], &[1.0]), Err(SearchError::TrainingData(_))));
}
