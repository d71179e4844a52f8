//! Least-squares stitch initialisation and the stitch layer.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::testing::max_abs_diff;
use kiln_nas::stitch::{StitchError, StitchLayer, least_squares, least_squares_tokens};
use rand::{Rng, SeedableRng};

fn random(n: usize, rng: &mut rand::rngs::StdRng) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

/// `Y = X·A + b` exactly (computed in f64, rounded once).
fn affine(x: &[f32], a: &[f32], b: &[f32], rows: usize, d_f: usize, d_e: usize) -> Vec<f32> {
    let mut y = vec![0.0f32; rows * d_e];
    for r in 0..rows {
        for k in 0..d_e {
            let s: f64 = (0..d_f).map(|i| f64::from(x[r * d_f + i]) * f64::from(a[i * d_e + k])).sum();
            y[r * d_e + k] = (s + f64::from(b[k])) as f32;
        }
    }
    y
}

#[test]
fn least_squares_recovers_the_affine_map() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for (rows, d_f, d_e) in [(200, 6, 4), (64, 12, 24), (30, 3, 1)] {
        let x = random(rows * d_f, &mut rng);
        let (a, b) = (random(d_f * d_e, &mut rng), random(d_e, &mut rng));
        let y = affine(&x, &a, &b, rows, d_f, d_e);
        let (a_hat, b_hat) = least_squares(&x, &y, rows, d_f, d_e).unwrap();
        let err = a.iter().zip(&a_hat).chain(b.iter().zip(&b_hat)).map(|(u, v)| (u - v).abs()).fold(0.0, f32::max);
        assert!(err < 1e-4, "{rows}×{d_f}→{d_e}: max error {err}");
    }
}

#[test]
fn least_squares_rejects_bad_input() {
    assert!(matches!(least_squares(&[1.0; 6], &[1.0; 4], 2, 3, 3), Err(StitchError::Shape { .. })));
    assert_eq!(least_squares(&[], &[], 0, 3, 2), Err(StitchError::Empty));
    assert_eq!(least_squares(&[f32::NAN, 1.0], &[1.0, 1.0], 2, 1, 1), Err(StitchError::NonFinite));
}

#[test]
fn least_squares_of_constant_inputs_is_the_mean() {
    // Rank-deficient X (every row equal): the ridge keeps the solve finite, A ≈ 0, b = mean(Y).
    let x = vec![0.5f32; 10 * 3];
    let y: Vec<f32> = (0..10).map(|i| i as f32).collect();
    let (a, b) = least_squares(&x, &y, 10, 3, 1).unwrap();
    assert!(a.iter().all(|v| v.abs() < 1e-3), "{a:?}");
    assert!((b[0] - 4.5).abs() < 1e-4, "{b:?}");
}

#[test]
fn stitch_layer_applies_the_fitted_map_to_every_token() {
    let device = Device::flex();
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let (batch, tokens, d_f, d_e) = (4, 5, 6, 3);
    let x = random(batch * tokens * d_f, &mut rng);
    let (a, b) = (random(d_f * d_e, &mut rng), random(d_e, &mut rng));
    let y = affine(&x, &a, &b, batch * tokens, d_f, d_e);
    let xt = Tensor::<3>::from_data(TensorData::new(x, [batch, tokens, d_f]), &device);
    let yt = Tensor::<3>::from_data(TensorData::new(y, [batch, tokens, d_e]), &device);
    let (a_hat, b_hat) = least_squares_tokens(xt.clone(), yt.clone()).unwrap();
    let layer = StitchLayer::from_host(a_hat, b_hat, d_f, d_e, &device);
    assert_eq!(layer.dims(), (d_f, d_e));
    assert!(max_abs_diff(layer.forward(xt.clone()), yt) < 1e-4);
    assert!(max_abs_diff(StitchLayer::identity(d_f, &device).forward(xt.clone()), xt) < 1e-7);
    assert_eq!(StitchLayer::new(d_f, d_e, &device).forward(Tensor::zeros([2, 7, d_f], &device)).dims(), [2, 7, d_e]);
}
