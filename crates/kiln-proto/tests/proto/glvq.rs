//! GLVQ: the hypothesis-margin certificate by hand, and learning on the digits.

use burn::module::Param;
use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_data::{DataLoader, VectorBatcher};
use kiln_proto::attack::Scores;
use kiln_proto::certify::{Certificate, certified_accuracy, clean_accuracy};
use kiln_proto::glvq::GlvqConfig;

use crate::cbc::{host, labels, matrix};

#[test]
fn glvq_radius_is_half_the_distance_gap() {
    let device = Device::flex();
    let mut model = GlvqConfig::new(2, 2).with_prototypes_per_class(1).init(&device);
    model.prototypes = Param::from_tensor(matrix(&[&[0.0, 0.0], &[1.0, 0.0]], &device));
    // x = (0.2, 0): d⁺ = 0.2, d⁻ = 0.8 → radius 0.3 (the bisector x₀ = 0.5 is 0.3 away).
    let x = matrix(&[&[0.2, 0.0]], &device);
    assert!((host(model.certified_radius(x.clone()))[0] - 0.3).abs() < 1e-6);
    // Loss μ = (0.2 − 0.8) / (0.2 + 0.8) = −0.6.
    assert!((model.loss(x.clone(), labels(&[0], &device)).into_scalar::<f32>() + 0.6).abs() < 1e-6);
    assert_eq!(host(model.scores(x.clone())), vec![-0.2, -0.8]);
    let certified = model.certified(x, labels(&[0], &device), 0.31).unwrap();
    assert_eq!(certified.int().into_scalar::<i64>(), 0);
}

#[test]
fn glvq_learns_digits() {
    kiln_testkit::in_own_process("glvq::glvq_learns_digits", glvq_learns_digits_alone);
}

/// The body of [`glvq_learns_digits`], run in a process of its own (burn's device RNG to itself).
fn glvq_learns_digits_alone() {
    let device = Device::flex();
    device.seed(3);
    let (train, test) = crate::cbc::digit_vectors(3);
    let loader = DataLoader::new(train, VectorBatcher::default(), 128).shuffled(3);
    let phases = vec![kiln_core::train::Phase::train("glvq", kiln_core::train::TrainPhase::new(100, 5e-3))];
    let model = GlvqConfig::new(64, 10).init(&device);
    let (model, _) = Trainer::new(device.clone()).with_seed(3).fit(model, &phases, &loader, None).unwrap();
    let (x, y) = crate::cbc::vector_batch(&test, &device);
    let clean = clean_accuracy(&model, x.clone(), y.clone());
    let certified = certified_accuracy(&model, x, y, 0.3).unwrap();
    eprintln!("GLVQ on digits: clean {clean:.3}, certified@0.3 {certified:.3}");
    assert!(clean > 0.85, "clean {clean}");
    assert!(certified > 0.0 && certified <= clean);
}
