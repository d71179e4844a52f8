//! PGD-L2: the analytic minimum on a linear model, the ball and box constraints, and no
//! adversarial example inside a certified radius.

use burn::prelude::{Device, Tensor};
use kiln_proto::attack::{PgdConfig, Scores, pgd_l2};
use kiln_proto::certify::Certificate;
use kiln_proto::error::RobustError;

use crate::cbc::{host, host_int, labels, matrix, random_2d_model};

/// Two-class linear scores `s = x W + b`.
struct Linear {
    weight: Tensor<2>,
    bias: Tensor<2>,
}

impl Scores for Linear {
    fn scores(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.weight.clone()) + self.bias.clone()
    }
}

#[test]
fn pgd_reaches_the_analytic_minimal_perturbation_of_a_linear_model() {
    let device = Device::flex();
    device.seed(1);
    // s₁ − s₀ = (w₁ − w₀)·x + (b₁ − b₀) = 0.6 x₀ − 0.8 x₁ + 0.05.
    let model = Linear {
        weight: matrix(&[&[0.0, 0.6], &[0.0, -0.8], &[0.0, 0.0]], &device),
        bias: matrix(&[&[0.0, 0.05]], &device),
    };
    // x = (0.4, 0.5, 0.5): s₁ − s₀ = 0.24 − 0.4 + 0.05 = −0.11, class 0; the distance to the
    // boundary is 0.11 / ‖(0.6, −0.8, 0)‖ = 0.11, reached inside [0, 1]³.
    let x = matrix(&[&[0.4, 0.5, 0.5]], &device);
    let y = labels(&[0], &device);
    let minimal = 0.11;
    for (factor, flips) in [(1.01, true), (0.99, false)] {
        let adv = pgd_l2(&model, x.clone(), y.clone(), minimal * factor, &PgdConfig::new()).unwrap();
        let class = host_int(model.scores(adv).argmax(1).squeeze_dim::<1>(1))[0];
        assert_eq!(class == 1, flips, "δ = {factor}·minimal");
    }
}

#[test]
fn pgd_stays_in_the_ball_and_the_unit_box() {
    let device = Device::flex();
    let model = random_2d_model(11, &device);
    let x = matrix(&[&[0.0, 0.0], &[1.0, 0.5], &[0.3, 1.0], &[0.5, 0.5]], &device);
    let y = labels(&[0, 1, 0, 1], &device);
    let delta = 0.2;
    let config = PgdConfig { steps: 20, ..PgdConfig::new() };
    let adv = pgd_l2(&model, x.clone(), y, delta, &config).unwrap();
    let (a, x) = (host(adv), host(x));
    assert!(a.iter().all(|v| (0.0..=1.0).contains(v)), "{a:?}");
    for (row_a, row_x) in a.chunks(2).zip(x.chunks(2)) {
        let norm = row_a.iter().zip(row_x).map(|(p, q)| (p - q).powi(2)).sum::<f32>().sqrt();
        assert!(norm <= delta as f32 * (1.0 + 1e-5), "perturbation {norm}");
    }
}

#[test]
fn pgd_finds_nothing_inside_certified_radii() {
    let device = Device::flex();
    for seed in 0..4 {
        let model = random_2d_model(seed, &device);
        let x = matrix(&[&[0.2, 0.2], &[0.8, 0.2], &[0.2, 0.8], &[0.8, 0.8], &[0.5, 0.5]], &device);
        let predicted = model.scores(x.clone()).argmax(1).squeeze_dim::<1>(1);
        let radius = host(model.certified_radius(x.clone()));
        let smallest = radius.iter().copied().fold(f32::INFINITY, f32::min);
        if smallest <= 1e-3 {
            continue;
        }
        let config = PgdConfig { steps: 50, ..PgdConfig::new() };
        let adv = pgd_l2(&model, x, predicted.clone(), f64::from(smallest) * 0.999, &config).unwrap();
        assert_eq!(host_int(model.scores(adv).argmax(1).squeeze_dim::<1>(1)), host_int(predicted), "seed {seed}");
    }
}

#[test]
fn pgd_rejects_bad_radii_and_settings() {
    let device = Device::flex();
    let model = random_2d_model(0, &device);
    let x = matrix(&[&[0.5, 0.5]], &device);
    let y = labels(&[0], &device);
    for delta in [-0.1, f64::NAN, f64::INFINITY] {
        let err = pgd_l2(&model, x.clone(), y.clone(), delta, &PgdConfig::new()).unwrap_err();
        assert!(matches!(err, RobustError::InvalidRadius { .. }), "{err}");
    }
    let err = pgd_l2(&model, x.clone(), y.clone(), 0.1, &PgdConfig { steps: 0, ..PgdConfig::new() }).unwrap_err();
    assert!(matches!(err, RobustError::InvalidAttack(_)));
    let err = pgd_l2(&model, x.clone(), labels(&[0, 1], &device), 0.1, &PgdConfig::new()).unwrap_err();
    assert!(matches!(err, RobustError::BatchMismatch { inputs: 1, labels: 2 }));
    assert!(matches!(model.certified(x, y, -1.0), Err(RobustError::InvalidRadius { .. })));
}
