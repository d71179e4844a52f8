//! The Yeo-Johnson transform and its `λ`: hand-computed values, optima outside `[−3, 3]` checked
//! against a dense grid of the log-likelihood written out here, and v1's fallback of leaving a
//! column untransformed when the fit fails.

use kiln_tabular::preprocess::{PowerFitError, Preprocess, fit_yeo_johnson, power_transform, preprocess, yeo_johnson};

/// `ℓ(λ) = −n/2 ln σ̂²(ψ) + (λ − 1) Σ sign(x) ln(1 + |x|)`, written out independently of the crate.
fn log_likelihood(x: &[f64], lambda: f64) -> f64 {
    let psi = |v: f64| {
        if v >= 0.0 {
            if lambda == 0.0 { (1.0 + v).ln() } else { ((1.0 + v).powf(lambda) - 1.0) / lambda }
        } else if lambda == 2.0 {
            -(1.0 - v).ln()
        } else {
            -((1.0 - v).powf(2.0 - lambda) - 1.0) / (2.0 - lambda)
        }
    };
    let t: Vec<f64> = x.iter().map(|&v| psi(v)).collect();
    let n = t.len() as f64;
    let mean = t.iter().sum::<f64>() / n;
    let var = t.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let log_term: f64 = x.iter().map(|&v| v.signum() * (1.0 + v.abs()).ln()).sum();
    -0.5 * n * var.ln() + (lambda - 1.0) * log_term
}

/// The best `λ` on the grid `lo, lo + step, …, hi`.
fn grid_argmax(x: &[f64], lo: f64, hi: f64, step: f64) -> f64 {
    let points = ((hi - lo) / step).round() as usize;
    (0..=points)
        .map(|i| lo + i as f64 * step)
        .map(|l| (l, log_likelihood(x, l)))
        .fold((lo, f64::NEG_INFINITY), |best, (l, v)| if v > best.1 { (l, v) } else { best })
        .0
}

#[test]
fn yeo_johnson_matches_hand_computed_values() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(yeo_johnson(1.0, 0.0), 2f64.ln()));
    assert!(close(yeo_johnson(1.0, 2.0), 1.5)); // ((1+1)^2 − 1)/2
    assert!(close(yeo_johnson(-1.0, 0.0), -1.5)); // −((1+1)^2 − 1)/2
    assert!(close(yeo_johnson(-1.0, 2.0), -(2f64.ln())));
    assert!(close(yeo_johnson(3.0, 1.0), 3.0)); // λ = 1 is the identity
    // Symmetric, Gaussian-like data needs no transform: λ̂ ≈ 1.
    let sym: Vec<f64> = (-50..=50).map(|i| i as f64 / 25.0).collect();
    let lambda = fit_yeo_johnson(&sym).expect("fit");
    assert!((lambda - 1.0).abs() < 0.2, "λ̂ = {lambda}");
    // Right-skewed (exponential-like) data is pulled in: λ̂ < 1.
    let skew: Vec<f64> = (1..200).map(|i| (i as f64 / 40.0).exp() - 1.0).collect();
    assert!(fit_yeo_johnson(&skew).expect("fit") < 0.8);
    // sklearn's `test_yeo_johnson_darwin_example`: λ̂ = 1.305.
    let darwin = [6.1, -8.4, 1.0, 2.0, 0.7, 2.9, 3.5, 5.1, 1.8, 3.6, 7.0, 3.0, 9.3, 7.5, -6.0];
    let lambda = fit_yeo_johnson(&darwin).expect("fit");
    assert!((lambda - 1.305).abs() < 1e-3, "λ̂ = {lambda}");
    assert!((lambda - grid_argmax(&darwin, 0.0, 3.0, 1e-5)).abs() < 2e-5);
}

#[test]
fn a_lambda_outside_minus_3_to_3_is_found() {
    // [2, 2, 5]: sklearn's PowerTransformer docstring gives λ̂ = −3.100…; the old search,
    // clipped to [−3, 3], returned −3.
    let x = [2.0, 2.0, 5.0];
    let lambda = fit_yeo_johnson(&x).expect("fit");
    let grid = grid_argmax(&x, -10.0, 10.0, 1e-5);
    assert!((grid + 3.100_53).abs() < 1e-4, "grid optimum {grid}");
    assert!((lambda - grid).abs() < 2e-5, "λ̂ = {lambda}, grid {grid}");
    // 99 ones and one −10: a long left tail pulled in by λ̂ ≈ 32 (grid and sklearn: 32.3515).
    let mut x = vec![1.0; 99];
    x.push(-10.0);
    let lambda = fit_yeo_johnson(&x).expect("fit");
    let grid = grid_argmax(&x, 0.0, 100.0, 1e-3);
    assert!((grid - 32.3515).abs() < 2e-3, "grid optimum {grid}");
    assert!((lambda - grid).abs() < 2e-3, "λ̂ = {lambda}, grid {grid}");
    assert!(matches!(fit_yeo_johnson(&[1.0, f64::NAN]), Err(PowerFitError::TooFew { found: 1 })));
}

#[test]
fn a_column_whose_fit_fails_is_left_untransformed() {
    // Training column: 99 ones and a zero: μ = 0.99, s = √(0.99/99) = 0.1, so v1's z-scores are
    // 0.099999 and −9.899901, and λ̂ = 40.4734 (sklearn on the same values).
    let mut train = vec![1.0f32; 99];
    train.push(0.0);
    let s = 0.1 + 1e-6;
    let z = |v: f32| ((f64::from(v) - 0.99) / s) as f32;
    let z_train: Vec<f32> = train.iter().map(|&v| z(v)).collect();

    // A test value of 1.5 (z = 5.1): ψ ≈ 6.1^40.47 / 40.47 ≈ 1.5e30 fits a float32: the column
    // is transformed.
    let (mut tr, mut te) = (z_train.clone(), vec![z(1.5)]);
    let lambda = power_transform(&mut tr, &mut te).expect("fit");
    let grid = grid_argmax(&z_train.iter().map(|&v| f64::from(v)).collect::<Vec<_>>(), 30.0, 50.0, 1e-4);
    assert!((lambda - 40.4734).abs() < 1e-3 && (lambda - grid).abs() < 2e-4, "λ̂ = {lambda}, grid {grid}");
    let (power, _, _) = preprocess(&train, &[1.5], 1, 1, Preprocess { power: true, feature_shift: 0 });
    let (none, _, _) = preprocess(&train, &[1.5], 1, 1, Preprocess::default());
    assert_ne!(power, none, "a successful fit changes the column");

    // A test value of 2 (z = 10.1): ψ = (11.1^40.47 − 1)/40.47 ≈ 5.0e40 > f32::MAX, numpy's
    // overflow warning, an error in v1: the whole column, training rows too, stays as it was.
    let (mut tr, mut te) = (z_train.clone(), vec![z(2.0)]);
    assert!(matches!(power_transform(&mut tr, &mut te), Err(PowerFitError::Overflow { .. })));
    assert_eq!((tr, te), (z_train, vec![z(2.0)]), "nothing changed");
    let power = preprocess(&train, &[2.0], 1, 1, Preprocess { power: true, feature_shift: 0 });
    let none = preprocess(&train, &[2.0], 1, 1, Preprocess::default());
    assert_eq!(power, none, "the failed column is left untransformed");
}
