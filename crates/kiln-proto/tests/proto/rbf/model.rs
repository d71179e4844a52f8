//! The RBF radius against hand values and perturbation grids; save and load.

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};
use kiln_proto::attack::Scores;
use kiln_proto::certify::Certificate;
use kiln_proto::rbf::{Rbf, RbfConfig};

use super::random_2d_rbf;
use crate::cbc::{assert_class_kept_within_radius, host, host_int, labels, matrix};

/// Two components `w₀ = (0, 0)`, `w₁ = (1, 0)`, σ = 1, raw weights `V`.
fn hand_model(weights: &[&[f32]], layer_normalization: bool, device: &Device) -> Rbf {
    let mut model = RbfConfig::new(2, 2)
        .with_num_components(2)
        .with_sigma(1.0)
        .with_layer_normalization(layer_normalization)
        .init(device);
    model.components = Param::from_tensor(matrix(&[&[0.0, 0.0], &[1.0, 0.0]], device));
    model.weights = Param::from_tensor(matrix(weights, device));
    model
}

#[test]
fn rbf_radius_matches_hand_values() {
    let device = Device::flex();
    let x = matrix(&[&[0.2, 0.0], &[0.9, 0.0]], &device);
    // Layer-normalised, V = ln 3 · I: W = [[¾, ¼], [¼, ¾]]. At x = (0.2, 0): d₀ = e^{−0.2},
    // d₁ = e^{−0.8}, s₀ = ¾d₀ + ¼d₁ = 0.726380, s₁ = ¼d₀ + ¾d₁ = 0.541679, and the radius is
    // ½ ln(s₀/s₁) = 0.146700. At (0.9, 0): s₀ = 0.531137, s₁ = 0.780270, radius
    // ½ ln(s₁/s₀) = 0.192311 for class 1.
    let a = 3f32.ln();
    let robust = hand_model(&[&[a, 0.0], &[0.0, a]], true, &device);
    let scores = host(robust.scores(x.clone()));
    for (s, e) in scores.iter().zip([0.726380, 0.541679, 0.531137, 0.780270]) {
        assert!((s - e).abs() < 1e-5, "scores {scores:?}");
    }
    let radius = host(robust.certified_radius(x.clone()));
    assert!((radius[0] - 0.146700).abs() < 1e-5 && (radius[1] - 0.192311).abs() < 1e-5, "{radius:?}");
    // Against the wrong labels the robustness is the negative.
    let wrong = host(robust.robustness(x.clone(), labels(&[1, 0], &device)));
    assert!((wrong[0] + 0.146700).abs() < 1e-5 && (wrong[1] + 0.192311).abs() < 1e-5, "{wrong:?}");
    // The decision boundary is x₀ = 0.5, so the radius is sound (0.1467 ≤ 0.3, 0.1923 ≤ 0.4).
    let certified = robust.certified(x.clone(), labels(&[0, 1], &device), 0.15).unwrap();
    assert_eq!(host_int(certified.int()), vec![0, 1]);

    // Signed weights W = I (nearest component): P = d₀, N = d₁ against class 1, so the
    // radius is ½ ln(d₀/d₁) = ½ · 0.6 = 0.3, exactly the distance to the boundary x₀ = 0.5.
    let plain = hand_model(&[&[1.0, 0.0], &[0.0, 1.0]], false, &device);
    let radius = host(plain.certified_radius(x.clone()));
    assert!((radius[0] - 0.3).abs() < 1e-5 && (radius[1] - 0.4).abs() < 1e-5, "{radius:?}");
    // Signed weights with a negative entry: W₀ = (1, −1), W₁ = (0, 1). At (0.2, 0):
    // v = W₀ − W₁ = (1, −2), P = d₀, N = 2d₁, radius ½ ln(d₀ / (2d₁)) = ½(0.6 − ln 2) < 0:
    // s₀ = d₀ − d₁ = 0.369 < s₁ = d₁ = 0.449, so class 1 is predicted with radius
    // ½ ln(2d₁/d₀) = 0.046574.
    let signed = hand_model(&[&[1.0, -1.0], &[0.0, 1.0]], false, &device);
    let x0 = matrix(&[&[0.2, 0.0]], &device);
    assert_eq!(host_int(signed.scores(x0.clone()).argmax(1).squeeze_dim::<1>(1)), vec![1]);
    let radius = host(signed.certified_radius(x0))[0];
    assert!((radius - 0.046574).abs() < 1e-5, "{radius}");
}

#[test]
fn rbf_perturbations_inside_the_radius_never_change_the_class() {
    let device = Device::flex();
    for layer_normalization in [true, false] {
        let mut certified_points = 0;
        for seed in 0..6 {
            // Polar grid strictly inside the certified ball, capped at 2 (beyond the square).
            let model = random_2d_rbf(seed, layer_normalization, &device);
            let context = format!("normalised {layer_normalization}, seed {seed}");
            certified_points += assert_class_kept_within_radius(&model, 2.0, &context, &device);
        }
        assert!(certified_points > 50, "normalised {layer_normalization}: only {certified_points} certified points");
    }
}

#[test]
fn rbf_save_load_round_trip_and_layer_normalised_weights() {
    let device = Device::flex();
    device.seed(4);
    let config = RbfConfig::small(64, 10).with_layer_normalization(true);
    let model = config.init(&device);
    let rows = host(model.decoded_weights().sum_dim(1));
    assert!(rows.iter().all(|s| (s - 1.0).abs() < 1e-5), "{rows:?}");
    let dir = std::env::temp_dir().join(format!("kiln-proto-rbf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rbf.bpk");
    model.clone().save_file(&path).unwrap();
    device.seed(5);
    let loaded = config.init(&device).load_file(&path);
    let x = Tensor::<2>::random([4, 64], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
    assert_eq!(host(model.scores(x.clone())), host(loaded.scores(x.clone())));
    assert_eq!(host(model.certified_radius(x.clone())), host(loaded.certified_radius(x)));
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(rbf_scores_and_radius_agree_with_flex, |device| {
    let flex = Device::flex();
    for layer_normalization in [true, false] {
        let model = random_2d_rbf(3, layer_normalization, &flex);
        let x = matrix(&[&[0.1, 0.2], &[0.5, 0.5], &[0.9, 0.3], &[0.7, 0.8]], &flex);
        let moved = model.clone().to_device(&device);
        let xd = x.clone().to_device(&device);
        let scores =
            kiln_core::testing::max_abs_diff(model.scores(x.clone()), moved.scores(xd.clone()).to_device(&flex));
        assert!(scores < 1e-4, "scores differ by {scores}");
        let radius =
            kiln_core::testing::max_abs_diff(model.certified_radius(x), moved.certified_radius(xd).to_device(&flex));
        assert!(radius < 1e-4, "radius differs by {radius}");
    }
});
