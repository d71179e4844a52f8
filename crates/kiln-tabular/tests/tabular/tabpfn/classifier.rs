//! The shipped classifier: accuracy on a linearly separable prior set, invariances of the
//! ensemble pipeline, and typed errors for bad input.

use burn::prelude::Device;
use kiln_tabular::{EnsembleConfig, PriorConfig, PriorMix, TabPfnClassifier, TabularError};

/// Prior features with labels from a hyperplane through their median: linearly separable.
fn separable(seed: u64, rows: usize, features: usize) -> (Vec<Vec<f32>>, Vec<usize>) {
    let d = PriorConfig::new(rows).with_num_features(features).with_mix(PriorMix::Gp).generate(seed).expect("prior");
    let x = d.rows();
    let w: Vec<f32> = (0..features).map(|j| if j % 2 == 0 { 1.0 } else { -0.5 }).collect();
    let score: Vec<f32> = x.iter().map(|r| r.iter().zip(&w).map(|(a, b)| a * b).sum()).collect();
    let mut sorted = score.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[rows / 2];
    (x, score.iter().map(|&s| usize::from(s > median)).collect())
}

#[test]
fn shipped_model_classifies_a_linearly_separable_prior_set() {
    let device = Device::flex();
    let mut clf = TabPfnClassifier::new(&device).expect("shipped weights load");
    let mut accuracies = Vec::new();
    for seed in 0..3 {
        let (x, y) = separable(seed, 300, 4);
        clf.fit(&x[..100], &y[..100]).expect("fit");
        let pred = clf.predict(&x[100..]).expect("predict");
        let correct = pred.iter().zip(&y[100..]).filter(|(a, b)| a == b).count();
        accuracies.push(correct as f32 / 200.0);
    }
    let mean = accuracies.iter().sum::<f32>() / 3.0;
    eprintln!("linearly separable prior sets: accuracy {accuracies:?}");
    assert!(mean > 0.9, "accuracy {accuracies:?}");
}

#[test]
fn probabilities_sum_to_one_and_labels_are_the_fitted_ones() {
    let device = Device::flex();
    let mut clf = TabPfnClassifier::new(&device).expect("weights").with_ensemble(EnsembleConfig::with_members(4));
    let x: Vec<Vec<f32>> = (0..30).map(|i| vec![i as f32, (i % 3) as f32]).collect();
    let y: Vec<usize> = (0..30).map(|i| [7, 3, 12][i % 3]).collect();
    clf.fit(&x, &y).expect("fit");
    assert_eq!(clf.classes(), &[3, 7, 12]);
    let p = clf.predict_proba(&x[..5]).expect("proba");
    for row in &p {
        assert_eq!(row.len(), 3);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
    assert!(clf.predict(&x[..5]).expect("predict").iter().all(|l| [3, 7, 12].contains(l)));
}

#[test]
fn a_test_row_does_not_affect_another_and_train_order_barely_matters() {
    let device = Device::flex();
    let mut clf = TabPfnClassifier::new(&device).expect("weights");
    let (x, y) = separable(4, 80, 3);
    clf.fit(&x[..50], &y[..50]).expect("fit");
    let base = clf.predict_proba(&x[50..60]).expect("proba");
    let mut changed = x[50..60].to_vec();
    changed[3] = vec![9.0, -9.0, 4.0];
    let other = clf.predict_proba(&changed).expect("proba");
    for i in (0..10).filter(|&i| i != 3) {
        for c in 0..2 {
            assert!((base[i][c] - other[i][c]).abs() < 1e-6, "row {i} changed");
        }
    }
    // Shuffled training rows.
    let order: Vec<usize> = (0..50).map(|i| (i * 17) % 50).collect();
    let xs: Vec<Vec<f32>> = order.iter().map(|&i| x[i].clone()).collect();
    let ys: Vec<usize> = order.iter().map(|&i| y[i]).collect();
    clf.fit(&xs, &ys).expect("fit");
    let shuffled = clf.predict_proba(&x[50..60]).expect("proba");
    let diff = base.iter().flatten().zip(shuffled.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(diff < 1e-3, "probabilities moved by {diff}");
}

#[test]
fn limits_and_malformed_input_give_typed_errors() {
    let device = Device::flex();
    let mut clf = TabPfnClassifier::new(&device).expect("weights");
    assert!(matches!(clf.predict(&[vec![1.0]]), Err(TabularError::NotFitted)));
    let wide = vec![vec![0.0; 101], vec![1.0; 101]];
    assert!(matches!(clf.fit(&wide, &[0, 1]), Err(TabularError::TooManyFeatures { found: 101, max: 100 })));
    let x: Vec<Vec<f32>> = (0..11).map(|i| vec![i as f32]).collect();
    let y: Vec<usize> = (0..11).collect();
    assert!(matches!(clf.fit(&x, &y), Err(TabularError::TooManyClasses { found: 11, max: 10 })));
    let tall: Vec<Vec<f32>> = (0..1025).map(|i| vec![i as f32]).collect();
    let y: Vec<usize> = (0..1025).map(|i| i % 2).collect();
    assert!(matches!(clf.fit(&tall, &y), Err(TabularError::TooManyRows { found: 1025, max: 1024 })));
    assert!(matches!(clf.fit(&[vec![1.0], vec![2.0, 3.0]], &[0, 1]), Err(TabularError::ShapeMismatch { row: 1, .. })));
    assert!(matches!(clf.fit(&[vec![1.0], vec![2.0]], &[0]), Err(TabularError::LengthMismatch { .. })));
    assert!(matches!(clf.fit(&[vec![1.0], vec![f32::INFINITY]], &[0, 1]), Err(TabularError::NotFinite { row: 1, .. })));
    assert!(matches!(clf.fit(&[vec![1.0], vec![2.0]], &[1, 1]), Err(TabularError::TooFew { what: "classes", .. })));
    clf.fit(&[vec![1.0, f32::NAN], vec![2.0, 0.5], vec![3.0, 1.0]], &[0, 1, 1]).expect("NaN is a missing value");
    assert!(matches!(clf.predict(&[vec![1.0]]), Err(TabularError::ShapeMismatch { expected: 2, found: 1, .. })));
    assert!(clf.predict(&[vec![f32::NAN, f32::NAN]]).is_ok());
}

#[test]
fn weights_load_from_a_file_as_from_the_embedded_copy() {
    let device = Device::flex();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/tabpfn-small.bpk");
    let (x, y) = separable(9, 40, 2);
    let mut a = TabPfnClassifier::new(&device).expect("embedded");
    let mut b = TabPfnClassifier::from_file(path, &device).expect("file");
    a.fit(&x[..30], &y[..30]).expect("fit");
    b.fit(&x[..30], &y[..30]).expect("fit");
    assert_eq!(a.predict_proba(&x[30..]).expect("a"), b.predict_proba(&x[30..]).expect("b"));
    assert!(matches!(TabPfnClassifier::from_file("no/such/file.bpk", &device), Err(TabularError::Weights { .. })));
}
