//! Theorem 1's radius against hand values and perturbation grids; reasoning ranges; save and
//! load; agreement across devices.

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};
use kiln_core::testing::max_abs_diff;
use kiln_proto::attack::Scores;
use kiln_proto::cbc::{RobustCbcConfig, StableCbc};
use kiln_proto::certify::Certificate;

use super::{assert_class_kept_within_radius, host, labels, matrix, random_2d_model};

/// Two components `w₀ = (0, 0)`, `w₁ = (1, 0)`, σ = 1, one concept per class; class 0
/// requires component 0 and class 1 component 1 (`r = I`), uniform prior `π = ½`.
fn hand_model(device: &Device) -> StableCbc {
    let mut model =
        RobustCbcConfig::new(2, 2).with_num_components(2).with_concepts_per_class(1).with_sigma(1.0).init(device);
    model.components = Param::from_tensor(matrix(&[&[0.0, 0.0], &[1.0, 0.0]], device));
    model.requiredness = Param::from_tensor(matrix(&[&[1.0, 0.0], &[0.0, 1.0]], device));
    model.prior_logits = Param::from_tensor(Tensor::zeros([2, 2], device));
    model
}

#[test]
fn cbc_radius_matches_hand_values() {
    let device = Device::flex();
    let model = hand_model(&device);
    // x = (0.2, 0): d₀ = e^{−0.2} = 0.818731, d₁ = e^{−0.8} = 0.449329.
    // p₀ = ½[d₀·1 + (1 − d₁)·1] = 0.684701, p₁ = ½[(1 − d₀) + d₁] = 0.315299.
    // R = r ⊙ π = ½I, B₀ = B₁ = ½ so b₀₁ = 0; a₀₁ = d₁(0 − ½) − d₁·½ = −d₁,
    // a₁₀ = d₀(0 − ½) − d₀·½ = −d₀; ρ₀₁ = −√(4 d₀ d₁) / (2·(−d₁)) = √(d₀/d₁) = e^{0.3};
    // robustness = min σ · ln ρ₀₁ = 0.3: exactly the distance to the boundary x₁ = 0.5.
    let x = matrix(&[&[0.2, 0.0], &[0.9, 0.0]], &device);
    let scores = host(model.scores(x.clone()));
    let expected = [0.684701, 0.315299];
    for (s, e) in scores[..2].iter().zip(expected) {
        assert!((s - e).abs() < 1e-5, "scores {scores:?}");
    }
    let radius = host(model.certified_radius(x.clone()));
    assert!((radius[0] - 0.3).abs() < 1e-5, "radius {radius:?}");
    // x = (0.9, 0) is class 1 at distance 0.4 from the boundary (by symmetry, the same algebra).
    assert!((radius[1] - 0.4).abs() < 1e-5, "radius {radius:?}");
    // Against the wrong label the robustness is negative: −0.3.
    let wrong = host(model.robustness(x.clone(), labels(&[1, 0], &device)));
    assert!((wrong[0] + 0.3).abs() < 1e-5 && (wrong[1] + 0.4).abs() < 1e-5, "{wrong:?}");
    let certified = model.certified(x, labels(&[0, 1], &device), 0.35).unwrap();
    assert_eq!(certified.int().into_data().convert::<i64>().try_to_vec::<i64>().unwrap(), vec![0, 1]);
}

#[test]
fn cbc_perturbations_inside_the_radius_never_change_the_class() {
    let device = Device::flex();
    let mut certified_points = 0;
    for seed in 0..6 {
        // Polar grid strictly inside the certified ball (radius not clipped to [0, 1]²).
        let model = random_2d_model(seed, &device);
        certified_points += assert_class_kept_within_radius(&model, f64::INFINITY, &format!("seed {seed}"), &device);
    }
    assert!(certified_points > 50, "only {certified_points} points had a positive radius");
}

#[test]
fn cbc_reasoning_lies_in_unit_interval_and_prior_columns_sum_to_one() {
    let device = Device::flex();
    device.seed(2);
    let model = RobustCbcConfig::small(64, 10).init(&device);
    let x = Tensor::<2>::random([16, 64], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
    let p = host(model.concept_probabilities(x.clone()));
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "probabilities outside [0, 1]");
    let d = host(model.detections(x));
    assert!(d.iter().all(|v| *v > 0.0 && *v <= 1.0));
    let sums = host(model.prior().sum_dim(0));
    assert_eq!(sums.len(), 20);
    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{sums:?}");
    // Extreme requiredness keeps probabilities in [0, 1] too.
    let two = random_2d_model(9, &device);
    let q = host(two.concept_probabilities(matrix(&[&[0.0, 1.0], &[1.0, 0.0], &[0.5, 0.5]], &device)));
    assert!(q.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn cbc_save_load_round_trip() {
    let device = Device::flex();
    device.seed(4);
    let model = RobustCbcConfig::small(64, 10).init(&device);
    let dir = std::env::temp_dir().join(format!("kiln-proto-cbc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cbc.bpk");
    model.clone().save_file(&path).unwrap();
    device.seed(5);
    let loaded = RobustCbcConfig::small(64, 10).init(&device).load_file(&path);
    let x = Tensor::<2>::random([4, 64], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
    assert_eq!(host(model.scores(x.clone())), host(loaded.scores(x.clone())));
    assert_eq!(host(model.certified_radius(x.clone())), host(loaded.certified_radius(x)));
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(cbc_radius_and_reasoning_agree_with_flex, |device| {
    let flex = Device::flex();
    let model = random_2d_model(3, &flex);
    let x = matrix(&[&[0.1, 0.2], &[0.5, 0.5], &[0.9, 0.3], &[0.7, 0.8]], &flex);
    let y = labels(&[0, 1, 0, 1], &flex);
    let moved = model.clone().to_device(&device);
    let (xd, yd) = (x.clone().to_device(&device), y.clone().to_device(&device));
    let reasoning =
        max_abs_diff(model.concept_probabilities(x.clone()), moved.concept_probabilities(xd.clone()).to_device(&flex));
    assert!(reasoning < 1e-4, "reasoning differs by {reasoning}");
    let robustness = max_abs_diff(model.robustness(x, y), moved.robustness(xd, yd).to_device(&flex));
    assert!(robustness < 1e-4, "robustness differs by {robustness}");
});
