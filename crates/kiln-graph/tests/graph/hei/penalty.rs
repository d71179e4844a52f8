//! The IRMv1 penalty against a finite difference, and the λ schedule.

use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::softmax;
use kiln_graph::hei::{
    HeiConfig, HeiObjective, HeiPhase, backbone_loss, environment_risks, hei_phases, irm_penalty, penalty_lambda,
    phase_of_epoch,
};

fn scalar(t: Tensor<1>) -> f64 {
    f64::from(kiln_core::tensor::try_to_vec(t).unwrap()[0])
}

#[test]
fn penalty_matches_a_finite_difference_in_the_scale() {
    let device = Device::flex();
    let logits: Vec<f32> = (0..18).map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.4).collect();
    let logits = Tensor::<2>::from_data(TensorData::new(logits, [6, 3]), &device);
    let targets = Tensor::<1, Int>::from_data(TensorData::new(vec![0i64, 2, 1, 1, 0, 2], [6]), &device);
    let q: Vec<f32> = (0..24).map(|i| ((i * 13 % 7) as f32) * 0.5).collect();
    let q = softmax(Tensor::<2>::from_data(TensorData::new(q, [6, 4]), &device), 1);
    let p = scalar(irm_penalty(logits.clone(), targets.clone(), q.clone()));
    let h = 1e-3f32;
    let up =
        kiln_core::tensor::try_to_vec(environment_risks(logits.clone(), targets.clone(), q.clone(), 1.0 + h)).unwrap();
    let down = kiln_core::tensor::try_to_vec(environment_risks(logits, targets, q, 1.0 - h)).unwrap();
    let fd: f64 = up.iter().zip(&down).map(|(a, b)| (f64::from(a - b) / (2.0 * f64::from(h))).powi(2)).sum();
    assert!(p > 1e-3, "penalty {p} too small to test");
    assert!(((p - fd) / fd).abs() < 1e-3, "closed form {p}, finite difference {fd}");
}

#[test]
fn lambda_is_zero_in_the_warmup_and_the_weight_after() {
    assert_eq!(penalty_lambda(HeiPhase::Warmup, 1e4), 0.0);
    assert_eq!(penalty_lambda(HeiPhase::Invariant, 1e4), 1e4);
    assert_eq!(phase_of_epoch(4, 5), HeiPhase::Warmup);
    assert_eq!(phase_of_epoch(5, 5), HeiPhase::Invariant);
    let config = HeiConfig::new(3);
    let phases = hei_phases(&config);
    assert_eq!(phases.len(), 2);
    assert_eq!((phases[0].stage, phases[0].epochs()), (HeiPhase::Warmup, 5));
    assert_eq!((phases[1].stage, phases[1].epochs()), (HeiPhase::Invariant, 495));
    let erm = hei_phases(&config.with_objective(HeiObjective::Erm));
    assert_eq!(erm.len(), 1);
    assert_eq!(erm[0].epochs(), 500);
}

#[test]
fn loss_adds_the_clamped_penalty_and_divides_by_one_plus_lambda() {
    let device = Device::flex();
    let t = |v: f32| Tensor::<1>::from_data(TensorData::new(vec![v], [1]), &device);
    let warm = scalar(backbone_loss(t(2.0), t(0.5), t(3.0), 0.0));
    assert!((warm - 2.5).abs() < 1e-6, "{warm}");
    let inv = scalar(backbone_loss(t(2.0), t(0.5), t(3.0), 1e4));
    let want = (2.5 + 3.0e4) / 10001.0;
    assert!((inv - want).abs() < 1e-5, "{inv} vs {want}");
    let negative = scalar(backbone_loss(t(2.0), t(0.5), t(-1.0), 1e4));
    assert!((negative - 2.5 / 10001.0).abs() < 1e-7, "max(P, 0): {negative}");
}
