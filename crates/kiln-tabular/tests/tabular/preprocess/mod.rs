//! Preprocessing against hand-computed values: v1's z-score (`n − 1`, `+10⁻⁶`), outlier
//! squashing, feature shifts; the Yeo-Johnson fit in [`yeo_johnson`].

mod yeo_johnson;

use kiln_tabular::preprocess::{Preprocess, preprocess};

/// The sample standard deviation of `values` (`n − 1`).
fn sample_std(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

#[test]
fn z_score_uses_the_sample_std_plus_1e6() {
    // Column 0: [1, 2, 3, 4], μ = 2.5, s = √(5/3) = 1.290994; test value 12.5.
    // Column 1: [0, 1e-6, 0, 1e-6] (as f32), where the +1e-6 dominates s = 5.77e-7.
    let tiny = f64::from(1e-6f32);
    let train = [1.0, 0.0, 2.0, 1e-6, 3.0, 0.0, 4.0, 1e-6];
    let test = [12.5, 1e-6];
    let (tr, te, used) = preprocess(&train, &test, 2, 2, Preprocess::default());
    assert_eq!(used, 2);
    let s0 = (5.0f64 / 3.0).sqrt() + 1e-6;
    for (i, x) in [1.0, 2.0, 3.0, 4.0].into_iter().enumerate() {
        let want = (x - 2.5) / s0; // −1.161894, −0.387298, 0.387298, 1.161894
        assert!((f64::from(tr[2 * i]) - want).abs() < 1e-6, "row {i}: {} vs {want}", tr[2 * i]);
    }
    // The population std would give −1.341641 for the first row.
    assert!((tr[0] + 1.161_894).abs() < 1e-5);
    let s1 = sample_std(&[0.0, tiny, 0.0, tiny]) + 1e-6;
    let z1 = 0.5 * tiny / s1; // 0.316987
    assert!((z1 - 0.316_987).abs() < 1e-5);
    for i in 0..4 {
        let want = if i % 2 == 0 { -z1 } else { z1 };
        assert!((f64::from(tr[2 * i + 1]) - want).abs() < 1e-6, "row {i}: {} vs {want}", tr[2 * i + 1]);
    }
    // The test value 12.5 has z = 10/s0 = 7.745961, beyond the squashing bound
    // u = 4 · s(z_train) = 4 · √(5/3)/s0, so it becomes u + ln(1 + z) = 6.168589.
    let z = 10.0 / s0;
    let u = 4.0 * (5.0f64 / 3.0).sqrt() / s0;
    let want = u + z.ln_1p();
    assert!((want - 6.168_589).abs() < 1e-5);
    assert!((f64::from(te[0]) - want).abs() < 1e-5, "squashed test value {} vs {want}", te[0]);
}

#[test]
fn z_score_drops_constant_features_and_scales_by_used_features() {
    // Two features: [1, 2, 3] and a constant 7. Train stats: μ = 2, s = 1 (n − 1).
    let train = [1.0, 7.0, 2.0, 7.0, 3.0, 7.0];
    let test = [2.0, 7.0, f32::NAN, 7.0];
    let (tr, te, used) = preprocess(&train, &test, 2, 4, Preprocess::default());
    assert_eq!(used, 1, "the constant feature is dropped");
    let z = 1.0 / (1.0 + 1e-6);
    let scale = 4.0; // max_features / used
    assert_eq!(tr.len(), 3 * 4);
    assert!((tr[0] + z * scale).abs() < 1e-5 && tr[4].abs() < 1e-6 && (tr[8] - z * scale).abs() < 1e-5);
    assert!(tr.iter().enumerate().all(|(i, &v)| i % 4 == 0 || v == 0.0), "zero padding");
    assert_eq!(te[0], 0.0, "the mean maps to 0");
    assert_eq!(te[4], 0.0, "a missing value becomes 0");
}

#[test]
fn outliers_are_squashed_logarithmically() {
    let mut train: Vec<f32> = (0..100).map(|i| (i % 10) as f32).collect();
    train.push(1e4);
    let (tr, _, _) = preprocess(&train, &[], 1, 1, Preprocess::default());
    // z-scores: the outlier sits at z ≈ 10, the rest near −0.1 with s ≈ 0.003 once the outlier is
    // excluded, so the bound is u ≈ −0.09 and the outlier maps to u + ln(1 + 10) ≈ 2.3.
    let big = tr[100];
    let rest = tr[..100].iter().copied().fold(f32::MIN, f32::max);
    assert!(big < 3.0 && big > rest, "the outlier is squashed to {big} (others up to {rest})");
}

#[test]
fn feature_shift_rotates_the_used_features() {
    let train = [1.0, 10.0, 100.0, 2.0, 20.0, 300.0];
    let (plain, _, _) = preprocess(&train, &[], 3, 3, Preprocess::default());
    let (shifted, _, _) = preprocess(&train, &[], 3, 3, Preprocess { power: false, feature_shift: 1 });
    assert_eq!(&shifted[0..3], &[plain[1], plain[2], plain[0]]);
}

#[test]
fn a_feature_shift_past_the_features_left_rotates_nothing() {
    // Four features, two constant: two are left. A shift of 3 (drawn from the four input
    // features) rotates nothing, as v1's `x[..., 3:] ++ x[..., :3]` on two columns; wrapping it
    // (3 mod 2 = 1) would swap the two columns.
    let train = [1.0, 5.0, 10.0, 5.0, 2.0, 5.0, 30.0, 5.0, 4.0, 5.0, 20.0, 5.0];
    let (plain, _, used) = preprocess(&train, &[], 4, 4, Preprocess::default());
    assert_eq!(used, 2);
    let (past, _, _) = preprocess(&train, &[], 4, 4, Preprocess { power: false, feature_shift: 3 });
    assert_eq!(past, plain);
    let (one, _, _) = preprocess(&train, &[], 4, 4, Preprocess { power: false, feature_shift: 1 });
    assert_eq!(&one[0..2], &[plain[1], plain[0]]);
}
