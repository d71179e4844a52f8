//! The module without training: σ = 0 against the plain PSENN and Li et al.'s formula, the
//! uncertainty decomposition, seeded sampling, errors, decoding, save and load, devices.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::softmax;
use kiln_core::testing::max_abs_diff;
use kiln_proto::prob_psenn::loss::{r1, r2};
use kiln_proto::prob_psenn::noise::standard_normal;
use kiln_proto::prob_psenn::{ProbPsennError, PrototypeMode, decompose};

use super::{host, small_model, unit_inputs, zero_sigma};

fn max_abs(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

#[test]
fn prob_psenn_sigma_zero_equals_the_deterministic_psenn() {
    let device = Device::flex();
    let model = zero_sigma(small_model(1, 0.3, &device));
    assert!(host(model.sigma()).iter().all(|s| *s == 0.0), "softplus(-1e4) is not 0");
    let x = unit_inputs(24, &device);
    let sampled = model.predict_with_uncertainty(x.clone(), 20).unwrap();
    let plain = model.clone().with_mode(PrototypeMode::Deterministic);
    let plain_probs = softmax(plain.forward(x.clone()), 1);
    let diff = max_abs_diff(sampled.mean_probs.clone(), plain_probs.clone());
    assert!(diff < 1e-6, "σ = 0 mean probabilities differ from the plain PSENN by {diff}");
    assert!(max_abs(&host(sampled.epistemic)) < 1e-6);
    // Every sample's nearest prototype is the same: no explanatory uncertainty.
    assert!(max_abs(&host(sampled.explanatory)) < 1e-6);
    // The deterministic mode is Li et al.'s PSENN: softmax(‖f(x) − μ_j‖² W), by hand on the host.
    let z = host(model.encode(x));
    let mu = host(model.prototype_means.val());
    let w = host(model.last_layer.weight.val());
    let (m, d, c) = (model.num_prototypes(), model.latent_dim(), model.num_classes());
    let expected: Vec<f32> = (0..24)
        .flat_map(|i| {
            let dist: Vec<f32> =
                (0..m).map(|j| (0..d).map(|k| (z[i * d + k] - mu[j * d + k]).powi(2)).sum::<f32>()).collect();
            let logits: Vec<f32> = (0..c).map(|k| (0..m).map(|j| dist[j] * w[j * c + k]).sum::<f32>()).collect();
            let top = logits.iter().fold(f32::MIN, |a, b| a.max(*b));
            let norm: f32 = logits.iter().map(|l| (l - top).exp()).sum();
            logits.into_iter().map(move |l| (l - top).exp() / norm)
        })
        .collect();
    let got = host(plain_probs);
    let worst = got.iter().zip(&expected).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(worst < 1e-4, "plain PSENN differs from the formula by {worst}");
    // With σ = 0.3 the samples move the prediction away from the means' PSENN.
    let noisy = small_model(1, 0.3, &device);
    let x = unit_inputs(24, &device);
    let sampled = noisy.predict_with_uncertainty(x.clone(), 20).unwrap().mean_probs;
    let moved = max_abs_diff(sampled, softmax(noisy.forward(x), 1));
    assert!(moved > 1e-4, "σ = 0.3 left the prediction unchanged ({moved})");
}

#[test]
fn prob_psenn_decomposition_matches_hand_values() {
    let device = Device::flex();
    // Two samples, two classes: p₁ = (¼, ¾), p₂ = (¾, ¼); p̄ = (½, ½).
    let l3 = 3f32.ln();
    let logits = Tensor::<3>::from_data(TensorData::new(vec![0.0, l3, l3, 0.0], [2, 1, 2]), &device);
    let (mean, total, aleatoric, epistemic) = decompose(logits);
    let h = -(0.25f32 * 0.25f32.ln() + 0.75 * 0.75f32.ln());
    assert!(host(mean).iter().all(|p| (p - 0.5).abs() < 1e-6));
    assert!((host(total)[0] - 2f32.ln()).abs() < 1e-6);
    assert!((host(aleatoric)[0] - h).abs() < 1e-6);
    assert!((host(epistemic)[0] - (2f32.ln() - h)).abs() < 1e-6);
}

#[test]
fn prob_psenn_epistemic_is_non_negative_and_total_decomposes() {
    let device = Device::flex();
    let ln_c = 5f32.ln();
    let mut largest = 0.0f32;
    for seed in 0..4 {
        let model = small_model(seed, 0.5, &device);
        let x = unit_inputs(32, &device);
        let u = model.predict_with_uncertainty_seeded(x, 20, seed).unwrap();
        let (total, aleatoric, epistemic) = (host(u.total), host(u.aleatoric), host(u.epistemic));
        for i in 0..32 {
            assert!(epistemic[i] >= -1e-6, "seed {seed}: epistemic {} < 0", epistemic[i]);
            let gap = (total[i] - aleatoric[i] - epistemic[i]).abs();
            assert!(gap < 1e-5 * total[i].max(1.0), "seed {seed}: H[p̄] − E H[p_s] − MI = {gap}");
            assert!(total[i] <= ln_c + 1e-5 && aleatoric[i] >= -1e-6);
        }
        largest = largest.max(max_abs(&epistemic));
        let probs = host(u.mean_probs.sum_dim(1));
        assert!(probs.iter().all(|s| (s - 1.0).abs() < 1e-5));
        let nearest = host(u.nearest_prototype_distribution.sum_dim(1));
        assert!(nearest.iter().all(|s| (s - 1.0).abs() < 1e-5));
        assert!(host(u.explanatory).iter().all(|h| *h >= 0.0 && *h <= 10f32.ln() + 1e-5));
    }
    assert!(largest > 1e-4, "σ = 0.5 gave no epistemic uncertainty at all ({largest})");
}

#[test]
fn prob_psenn_same_seed_gives_the_same_samples() {
    let device = Device::flex();
    let model = small_model(2, 0.2, &device);
    let a = model.sample_prototypes(6, 42).unwrap();
    let b = model.sample_prototypes(6, 42).unwrap();
    let other = model.sample_prototypes(6, 43).unwrap();
    assert_eq!(host(a.clone()), host(b));
    assert!(max_abs_diff(a.clone(), other) > 1e-3);
    // Reparameterisation: (P_s − μ) / σ is exactly the seed's standard-normal stream.
    let eps = host((a - model.prototype_means.val().unsqueeze::<3>()) / model.sigma().unsqueeze::<3>());
    let stream = standard_normal(42, eps.len());
    let worst = eps.iter().zip(&stream).map(|(e, s)| (e - s).abs()).fold(0.0f32, f32::max);
    assert!(worst < 1e-3, "samples are not μ + σ ε: {worst}");
    // The stream is standard normal, and a prefix does not depend on the length asked for.
    let many = standard_normal(7, 200_000);
    let mean = many.iter().map(|v| f64::from(*v)).sum::<f64>() / many.len() as f64;
    let var = many.iter().map(|v| (f64::from(*v) - mean).powi(2)).sum::<f64>() / many.len() as f64;
    assert!(mean.abs() < 0.01 && (var - 1.0).abs() < 0.02, "mean {mean}, variance {var}");
    let beyond = many.iter().filter(|v| v.abs() > 1.96).count() as f64 / many.len() as f64;
    assert!((beyond - 0.05).abs() < 0.005, "{beyond} beyond 1.96");
    assert_eq!(standard_normal(7, 11), many[..11].to_vec());
    // Predictions with the same seed agree; the default seed is the configuration's.
    let x = unit_inputs(8, &device);
    let first = model.predict_with_uncertainty(x.clone(), 5).unwrap();
    let second = model.predict_with_uncertainty_seeded(x, 5, model.config.sampling_seed).unwrap();
    assert_eq!(host(first.mean_probs), host(second.mean_probs));
    assert_eq!(host(first.nearest_prototype_distribution), host(second.nearest_prototype_distribution));
}

#[test]
fn prob_psenn_zero_samples_and_wrong_widths_are_typed_errors() {
    let device = Device::flex();
    let model = small_model(3, 0.1, &device);
    let x = unit_inputs(4, &device);
    assert_eq!(model.predict_with_uncertainty(x.clone(), 0).err(), Some(ProbPsennError::ZeroSamples));
    assert_eq!(model.sample_prototypes(0, 1).err(), Some(ProbPsennError::ZeroSamples));
    assert_eq!(model.decode_prototype_samples(0, 1).err(), Some(ProbPsennError::ZeroSamples));
    let narrow = Tensor::<2>::zeros([4, 63], &device);
    assert_eq!(
        model.predict_with_uncertainty(narrow, 3).err(),
        Some(ProbPsennError::InputWidth { expected: 64, found: 63 })
    );
    assert!(model.predict_with_uncertainty(x, 1).is_ok());
}

#[test]
fn prob_psenn_decodes_prototype_means_and_samples() {
    let device = Device::flex();
    let model = small_model(4, 0.5, &device);
    let means = model.decode_prototype_means();
    assert_eq!(means.dims(), [10, 64]);
    assert!(host(means.clone()).iter().all(|v| (0.0..=1.0).contains(v)));
    let samples = model.decode_prototype_samples(3, 9).unwrap();
    assert_eq!(samples.dims(), [3, 10, 64]);
    assert!(max_abs_diff(samples.clone(), means.clone().unsqueeze::<3>().repeat_dim(0, 3)) > 1e-4);
    // σ = 0: every decoded sample is the decoded mean.
    let flat = zero_sigma(model).decode_prototype_samples(3, 9).unwrap();
    assert!(max_abs_diff(flat, means.unsqueeze::<3>().repeat_dim(0, 3)) < 1e-6);
}

#[test]
fn prob_psenn_loss_is_the_weighted_sum_of_its_terms() {
    let device = Device::flex();
    let model = small_model(5, 0.2, &device);
    let x = unit_inputs(16, &device);
    let y = Tensor::<1, Int>::from_data(TensorData::new((0..16i64).map(|i| i % 5).collect::<Vec<_>>(), [16]), &device);
    for mode in [PrototypeMode::Probabilistic, PrototypeMode::Deterministic] {
        let m = model.clone().with_mode(mode);
        let out = m.losses(x.clone(), y.clone(), 4, 11);
        let term = |name: &str| host(out.terms.iter().find(|(n, _)| *n == name).unwrap().1.clone())[0];
        let c = &m.config;
        let expected = term("cross_entropy") * c.lambda_class as f32
            + term("reconstruction") * c.lambda_reconstruction as f32
            + term("r1") * c.lambda_r1 as f32
            + term("r2") * c.lambda_r2 as f32
            + term("kl") * c.kl_weight as f32;
        if mode == PrototypeMode::Probabilistic {
            assert!((term("mean_sigma") - 0.2).abs() < 1e-5);
            assert!(term("kl") > 0.0, "σ = 0.2 against a unit prior has a positive KL");
        } else {
            assert_eq!((term("kl"), term("mean_sigma")), (0.0, 0.0));
        }
        let loss = host(out.loss)[0];
        assert!((loss - expected).abs() < 1e-4 * expected.abs().max(1.0), "{mode:?}: {loss} vs {expected}");
        assert!(term("r1") >= 0.0 && term("r2") >= 0.0 && term("kl").is_finite());
    }
    // R1 and R2 by hand: distances of 3 inputs to 2 prototypes (one sampled set).
    let d = Tensor::<3>::from_data(TensorData::new(vec![1.0f32, 4.0, 9.0, 3.0, 5.0, 8.0], [1, 3, 2]), &device);
    assert!((host(r1(d.clone()))[0] - 2.0).abs() < 1e-6, "R1 = mean_j min_i d = (1 + 3) / 2");
    assert!((host(r2(d))[0] - 3.0).abs() < 1e-6, "R2 = mean_i min_j d = (1 + 3 + 5) / 3");
}

#[test]
fn prob_psenn_save_load_round_trip() {
    let device = Device::flex();
    let model = small_model(6, 0.3, &device);
    let dir = std::env::temp_dir().join(format!("kiln-proto-prob-psenn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("prob_psenn.bpk");
    model.clone().save_file(&path).unwrap();
    let loaded = small_model(7, 0.05, &device).load_file(&path);
    assert_eq!(host(model.sigma()), host(loaded.sigma()));
    let x = unit_inputs(8, &device);
    let (a, b) =
        (model.predict_with_uncertainty(x.clone(), 7).unwrap(), loaded.predict_with_uncertainty(x, 7).unwrap());
    assert_eq!(host(a.mean_probs), host(b.mean_probs));
    assert_eq!(host(a.epistemic), host(b.epistemic));
    assert_eq!(host(model.decode_prototype_means()), host(loaded.decode_prototype_means()));
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(prob_psenn_uncertainty_agrees_with_flex, |device| {
    let flex = Device::flex();
    let model = small_model(8, 0.4, &flex);
    let x = unit_inputs(12, &flex);
    let moved = model.clone().to_device(&device);
    let here = model.predict_with_uncertainty(x.clone(), 10).unwrap();
    let there = moved.predict_with_uncertainty(x.to_device(&device), 10).unwrap();
    let probs = max_abs_diff(here.mean_probs, there.mean_probs.to_device(&flex));
    let epistemic = max_abs_diff(here.epistemic, there.epistemic.to_device(&flex));
    assert!(probs < 1e-4 && epistemic < 1e-4, "devices differ: probs {probs}, epistemic {epistemic}");
});
