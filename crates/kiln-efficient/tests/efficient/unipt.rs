//! UniPT: hand values of the interaction and pooling, confidences, shape errors, devices,
//! save/load, and the frozen backbone after training.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::testing::max_abs_diff;
use kiln_core::train::{BatchSource, ImageBatch, Phase, TrainPhase, Trainer};
use kiln_efficient::EfficientError;
use kiln_efficient::unipt::interaction::parallel_interaction;
use kiln_efficient::unipt::pool::{anchor_weighted_pool, patch_weights, sum_pool, upsample_nearest};
use kiln_efficient::unipt::{UniPtClassifier, UniPtConfig};

use crate::common::{images, param_values, tiny_unipt, values};

fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
}

#[test]
fn similarity_matches_a_hand_example() {
    let device = Device::flex();
    // A = [[1, 0], [0, 1]], D = [[1, 1], [-1, 2]]: A Dᵀ = [[1, -1], [1, 2]], ReLU → [[1, 0], [1, 2]],
    // row l1norm → [[1, 0], [1/3, 2/3]], + I → [[2, 0], [1/3, 5/3]]; m = S D.
    let a = Tensor::<3>::from_floats([[[1.0, 0.0], [0.0, 1.0]]], &device);
    let d = Tensor::<3>::from_floats([[[1.0, 1.0], [-1.0, 2.0]]], &device);
    let (m, s) = parallel_interaction(a, d);
    assert!(close(&values(s), &[2.0, 0.0, 1.0 / 3.0, 5.0 / 3.0], 1e-6));
    assert!(close(&values(m), &[2.0, 2.0, -4.0 / 3.0, 11.0 / 3.0], 1e-5));
}

#[test]
fn pooling_matches_a_hand_example() {
    let device = Device::flex();
    // One 2×2 patch of scores [[1, 3], [-1, 0]]: ReLU/l1 → [[.25, .75], [0, 0]], + 1/4.
    let score = Tensor::<4>::from_floats([[[[1.0, 3.0], [-1.0, 0.0]]]], &device);
    assert!(close(&values(patch_weights(score, 2)), &[0.5, 1.0, 0.25, 0.25], 1e-6));
    let up = upsample_nearest(Tensor::<4>::from_floats([[[[1.0, 2.0]]]], &device), 2);
    assert_eq!(values(up), vec![1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0]);
    let summed = sum_pool(Tensor::<4>::from_floats([[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]], &device), 2);
    assert_eq!(values(summed), vec![14.0, 22.0]);
    // raw = [[1, 2], [3, 4]], guide 1: score = raw, weights = raw/10 + 1/4; Σ w·raw = 30/10 + 10/4.
    let raw = Tensor::<4>::from_floats([[[[1.0, 2.0], [3.0, 4.0]]]], &device);
    let pooled = anchor_weighted_pool(raw, Tensor::<4>::ones([1, 1, 1, 1], &device), 2);
    assert!(close(&values(pooled), &[5.5], 1e-5));
}

#[test]
fn confidences_sum_to_one() {
    let device = Device::flex();
    let model = tiny_unipt(&device).valid();
    let states = model.backbone.hidden_states(images(3, &device));
    let out = match model.unipt.forward_detailed(states) {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(out.confidences.dims(), [3, 3]);
    assert_eq!(out.features.dims(), [3, 16, 2, 2]);
    assert_eq!(out.similarities.len(), 3);
    let c = values(out.confidences);
    assert!(c.iter().all(|&v| v > 0.0 && v < 1.0));
    for row in c.chunks(3) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
    }
}

#[test]
fn hidden_states_of_wrong_count_or_shape_are_typed_errors() {
    let device = Device::flex();
    let model = tiny_unipt(&device).valid();
    let states = model.backbone.hidden_states(images(1, &device));
    let three = states[1..].to_vec();
    assert!(matches!(model.unipt.forward(three), Err(EfficientError::StageCount { expected: 4, got: 3 })));
    let mut wrong_channels = states.clone();
    wrong_channels[1] = Tensor::zeros([1, 9, 8, 8], &device);
    assert!(matches!(model.unipt.forward(wrong_channels), Err(EfficientError::StageShape { index: 1, .. })));
    let mut wrong_grid = states;
    wrong_grid[0] = Tensor::zeros([1, 4, 15, 15], &device);
    let err = model.unipt.forward(wrong_grid);
    assert!(matches!(err, Err(EfficientError::StageShape { index: 0, .. })), "{err:?}");
    assert!(UniPtConfig::new(vec![8], 16).init(&device).is_err());
    assert!(UniPtConfig::new(vec![8, 16], 1).init(&device).is_err());
}

#[test]
fn save_and_load_round_trip() {
    let device = Device::flex();
    let model = tiny_unipt(&device).valid();
    let path = std::env::temp_dir().join(format!("kiln_efficient_unipt_{}.bpk", std::process::id()));
    if let Err(e) = model.save(&path) {
        panic!("{e}");
    }
    let fresh = tiny_unipt(&device).valid();
    let loaded = match fresh.load(&path) {
        Ok(m) => m.valid(),
        Err(e) => panic!("{e}"),
    };
    let x = images(2, &device);
    let (a, b) = match (model.forward(x.clone()), loaded.forward(x)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => panic!("forward failed"),
    };
    // Loaded weights may be read lazily from the file: remove it only once they are used.
    let _ = std::fs::remove_file(&path);
    assert!(max_abs_diff(a, b) < 1e-6);
    let missing = tiny_unipt(&device).load(std::path::Path::new("/nonexistent/kiln/unipt.bpk"));
    assert!(matches!(missing, Err(EfficientError::File { .. })));
}

kiln_core::test_device!(flex_matches_every_device, |device| {
    let flex = Device::flex();
    let model = tiny_unipt(&flex).valid();
    let x = images(2, &flex);
    let expected = match model.forward(x.clone()) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let moved = model.to_device(&device);
    let got = match moved.forward(x.to_device(&device)) {
        Ok(t) => t.to_device(&flex),
        Err(e) => panic!("{e}"),
    };
    let diff = max_abs_diff(expected, got);
    assert!(diff < 1e-4, "{diff}");
});

/// Random images with random labels: enough to take optimiser steps.
struct Noise;

impl BatchSource<ImageBatch> for Noise {
    fn num_batches(&self) -> usize {
        3
    }

    fn batch(&self, _epoch: usize, index: usize, device: &Device) -> kiln_core::Result<ImageBatch> {
        let images = images(4, device).add_scalar(index as f64 * 0.1);
        let targets = Tensor::<1, Int>::from_ints([0, 1, 2, (index % 5) as i32], device);
        Ok(ImageBatch { images, targets })
    }
}

#[test]
fn backbone_is_bitwise_unchanged_after_training() {
    let device = Device::flex();
    let model = tiny_unipt(&device);
    let backbone_before = param_values(&model.backbone);
    let unipt_before = param_values(&model.unipt);
    let x = images(2, &device);
    let states_before: Vec<Vec<f32>> = model.backbone.hidden_states(x.clone()).into_iter().map(values).collect();
    let phase = TrainPhase::new(2, 1e-2).with_trainable(UniPtClassifier::trainable());
    let trained = match Trainer::new(device.clone()).fit(model, &[Phase::train("unipt", phase)], &Noise, None) {
        Ok((m, _)) => m,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(param_values(&trained.backbone), backbone_before, "backbone parameters changed");
    let states_after: Vec<Vec<f32>> = trained.backbone.hidden_states(x).into_iter().map(values).collect();
    assert_eq!(states_after, states_before, "backbone outputs (running statistics) changed");
    assert_ne!(param_values(&trained.unipt), unipt_before, "the parallel network did not train");
}
