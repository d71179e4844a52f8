//! The ensemble of 1D CNNs: frame differences, SE and frame attention, fusion and
//! disagreement by hand; input layout; shapes; devices; save/load. Learning is in
//! `ensemble/learning.rs`.

mod learning;

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::testing::max_abs_diff;
use kiln_seq::SeqError;
use kiln_seq::ensemble::{
    CONFIG_FILE, Ensemble, EnsembleConfig, FrameAttention, SeAttention, SkeletonSource, SubnetKind, default_parts,
    disagreement, evaluate_ensemble, frame_difference, fuse_scores, load_ensemble, save_ensemble,
};
use kiln_seq::synth::skeleton::{SkeletonConfig, generate};

fn tensor3(values: Vec<f32>, shape: [usize; 3], device: &Device) -> Tensor<3> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

fn tensor2(values: Vec<f32>, shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

/// A tiny ensemble for 20 joints and 8 classes.
fn tiny() -> EnsembleConfig {
    let mut config = EnsembleConfig::small(20, 8);
    config.width = 8;
    config.part_width = 4;
    config.blocks = 1;
    config
}

/// Deterministic inputs `[b, 60, t]`.
fn inputs(b: usize, t: usize, device: &Device) -> Tensor<3> {
    let v = (0..b * 60 * t).map(|i| ((i * 37 % 101) as f32 / 50.0 - 1.0) * 0.5).collect();
    tensor3(v, [b, 60, t], device)
}

#[test]
fn frame_difference_matches_hand_values() {
    let device = Device::flex();
    let x = tensor3(vec![0.0, 1.0, 3.0, 2.0, 2.0, 5.0], [1, 2, 3], &device);
    assert_eq!(values(frame_difference(x)), vec![1.0, 2.0, 0.0, 3.0]);
    let single = frame_difference(tensor3(vec![4.0, 5.0], [1, 2, 1], &device));
    assert_eq!((single.dims(), values(single)), ([1, 2, 1], vec![0.0, 0.0]));
}

#[test]
fn se_attention_matches_hand_values() {
    let device = Device::flex();
    let mut se = SeAttention::new(2, 1, &device);
    // burn's Linear computes x·W + b with W of shape [in, out].
    se.squeeze.weight = Param::from_tensor(tensor2(vec![1.0, 0.0, 0.0, -1.0], [2, 2], &device));
    se.squeeze.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(vec![0.0f32, 1.0], [2]), &device)));
    se.excite.weight = Param::from_tensor(tensor2(vec![0.5, -1.0, 3.0, 3.0], [2, 2], &device));
    se.excite.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(vec![0.0f32, 0.5], [2]), &device)));
    let h = tensor3(vec![1.0, 2.0, 3.0, 0.0, 0.0, 6.0], [1, 2, 3], &device);
    // z = (2, 2); W₁ᵀz + b₁ = (2, −1) → ReLU (2, 0); W₂ᵀ(2, 0) + b₂ = (1, −1.5).
    let (s0, s1) = (sigmoid(1.0), sigmoid(-1.5));
    let w = values(se.weights(h.clone()));
    assert!((w[0] - s0).abs() < 1e-6 && (w[1] - s1).abs() < 1e-6, "{w:?}");
    let expected = [s0, 2.0 * s0, 3.0 * s0, 0.0, 0.0, 6.0 * s1];
    for (got, want) in values(se.forward(h)).iter().zip(expected) {
        assert!((got - want).abs() < 1e-5, "{got} vs {want}");
    }
}

#[test]
fn frame_attention_is_uniform_on_constant_frames() {
    let device = Device::flex();
    let attention = FrameAttention::new(4, &device);
    let per_channel: Vec<f32> = (0..8).map(|i| i as f32 * 0.3 - 1.0).collect();
    let h: Vec<f32> = per_channel.iter().flat_map(|&v| std::iter::repeat_n(v, 5)).collect();
    let h = tensor3(h, [2, 4, 5], &device);
    for w in values(attention.weights(h.clone())) {
        assert!((w - 0.2).abs() < 1e-6, "{w}");
    }
    for (got, want) in values(attention.forward(h)).iter().zip(&per_channel) {
        assert!((got - want).abs() < 1e-5);
    }
    // Frames that differ get different weights, still summing to 1.
    let varied = tensor3((0..40).map(|i| i as f32 * 0.1).collect(), [2, 4, 5], &device);
    let w = values(attention.weights(varied));
    assert!((w[..5].iter().sum::<f32>() - 1.0).abs() < 1e-5);
    assert!(w[..5].iter().any(|&v| (v - 0.2).abs() > 1e-4), "{w:?}");
}

#[test]
fn fusion_is_the_mean_of_softmax_scores() {
    let device = Device::flex();
    let ln3 = 3.0f32.ln();
    // softmax(0, ln 3) = (1/4, 3/4); softmax(ln 3, 0) = (3/4, 1/4); softmax(0, 0) = (1/2, 1/2).
    let a = tensor2(vec![0.0, ln3, 0.0, 0.0], [2, 2], &device);
    let b = tensor2(vec![ln3, 0.0, 0.0, ln3], [2, 2], &device);
    let fused = values(fuse_scores(&[a.clone(), b]).unwrap());
    for (got, want) in fused.iter().zip([0.5, 0.5, 0.375, 0.625]) {
        assert!((got - want).abs() < 1e-6, "{fused:?}");
    }
    assert!(matches!(fuse_scores(&[]), Err(SeqError::Empty { .. })));
    let wide = tensor2(vec![0.0; 6], [2, 3], &device);
    assert!(matches!(fuse_scores(&[a, wide]), Err(SeqError::Shape { .. })));
}

#[test]
fn disagreement_counts_differing_predictions() {
    assert_eq!(disagreement(&[0, 1, 2, 3], &[0, 1, 0, 0]), 0.5);
    assert_eq!(disagreement(&[4, 4], &[4, 4]), 0.0);
    assert_eq!(disagreement(&[], &[]), 0.0);
}

#[test]
fn ensemble_forward_is_fusion_of_its_subnets() {
    let device = Device::flex();
    let ensemble = Ensemble::new(&tiny(), &device).unwrap();
    let x = inputs(3, 12, &device);
    let logits = ensemble.logits(x.clone());
    assert_eq!(logits.len(), 4);
    for l in &logits {
        assert_eq!(l.dims(), [3, 8]);
    }
    let fused = ensemble.forward(x);
    assert!(max_abs_diff(fused.clone(), fuse_scores(&logits).unwrap()) < 1e-6);
    for row in values(fused.sum_dim(1)) {
        assert!((row - 1.0).abs() < 1e-5);
    }
    // Data with other joints is an error, not a panic inside a layer.
    let ntu = SkeletonSource::new(&[0.0; 2 * 25 * 3], &[0], 2, 25, 1).unwrap();
    assert!(matches!(evaluate_ensemble(&ensemble, &ntu, &device), Err(SeqError::Shape { .. })));
}

#[test]
fn source_centres_on_the_first_root_and_puts_coordinates_in_channels() {
    let set = generate(8, &SkeletonConfig::default(), 2).unwrap();
    let source = SkeletonSource::from_set(&set, 4).unwrap();
    let (t, j) = (set.frames, set.joints);
    let raw = set.sample(3);
    let input = source.input(3);
    for (frame, joint, c) in [(0, 0, 0), (5, 7, 1), (31, 19, 2), (10, 0, 2)] {
        let want = raw[(frame * j + joint) * 3 + c] - raw[c];
        assert!((input[(joint * 3 + c) * t + frame] - want).abs() < 1e-6);
    }
    assert_eq!(&input[..1], &[0.0]);
    assert!(matches!(SkeletonSource::new(&[0.0; 10], &[0], 32, 20, 4), Err(SeqError::Shape { .. })));
    let mut nan = set.positions[..set.sample_len()].to_vec();
    nan[17] = f32::NAN;
    assert!(matches!(SkeletonSource::new(&nan, &[0], 32, 20, 4), Err(SeqError::NonFinite { index: 17, .. })));
    assert!(matches!(SkeletonSource::new(&[0.0; 60], &[0], 1, 20, 4), Err(SeqError::Config { .. })));
}

#[test]
fn config_presets_and_validation() {
    for config in [EnsembleConfig::new(20, 8), EnsembleConfig::small(20, 8), EnsembleConfig::new(25, 60)] {
        config.validate().unwrap();
        let mut joints: Vec<usize> = config.parts.iter().flatten().copied().collect();
        joints.sort_unstable();
        assert_eq!(joints, (0..config.joints).collect::<Vec<_>>());
    }
    assert_eq!(default_parts(7).len(), 3);
    let even = EnsembleConfig { kernel: 4, ..tiny() };
    assert!(matches!(even.validate(), Err(SeqError::Config { field: "kernel", .. })));
    let outside = tiny().with_parts(vec![vec![0, 20]]);
    assert!(matches!(outside.validate(), Err(SeqError::Config { field: "parts", .. })));
    let json = serde_json::to_string(&tiny()).unwrap();
    assert_eq!(serde_json::from_str::<EnsembleConfig>(&json).unwrap(), tiny());
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    let config = tiny();
    let ensemble = Ensemble::new(&config, &device).unwrap();
    let dir = std::env::temp_dir().join(format!("kiln_seq_ensemble_{}", std::process::id()));
    save_ensemble(&ensemble, &config, &dir).unwrap();
    let (loaded, loaded_config) = load_ensemble(&dir, &device).unwrap();
    assert_eq!(loaded_config, config);
    let x = inputs(2, 10, &device);
    for kind in SubnetKind::ALL {
        let diff = max_abs_diff(ensemble.subnet_logits(kind, x.clone()), loaded.subnet_logits(kind, x.clone()));
        assert!(diff < 1e-6, "{}: {diff}", kind.name());
    }
    // Weights that do not fit the configuration are an error, not a panic.
    let wider = EnsembleConfig { width: 12, ..config };
    std::fs::write(dir.join(CONFIG_FILE), serde_json::to_string(&wider).unwrap()).unwrap();
    assert!(load_ensemble(&dir, &device).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(load_ensemble(&dir, &device), Err(SeqError::Io { .. })));
}

kiln_core::test_device!(subnets_agree_with_flex, |device| {
    let flex = Device::flex();
    let ensemble = Ensemble::new(&tiny(), &flex).unwrap();
    let moved = ensemble.clone().fork(&device);
    let x = inputs(2, 16, &flex);
    let x_device = inputs(2, 16, &device);
    for kind in SubnetKind::ALL {
        let want = values(ensemble.subnet_logits(kind, x.clone()));
        let got = values(moved.subnet_logits(kind, x_device.clone()));
        let diff = want.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(diff < 1e-3, "{}: {diff}", kind.name());
    }
});
