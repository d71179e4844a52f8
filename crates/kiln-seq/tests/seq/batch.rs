//! Padding, typed errors, masked means and losses against hand values, and the seeded batch
//! source.

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_core::train::BatchSource;
use kiln_seq::SeqError;
use kiln_seq::batch::{SeqBatch, SeqBatches, SeqExample, masked_cross_entropy, masked_mean};

#[test]
fn pads_mixed_lengths_with_mask_and_lengths() {
    let device = Device::flex();
    let a = [1.0, 2.0, 3.0, 4.0];
    let b = [5.0, 6.0];
    let batch = SeqBatch::from_sequences(&[&a, &b], 2, &device).unwrap();
    assert_eq!(batch.lengths, vec![2, 1]);
    assert_eq!(batch.inputs.dims(), [2, 2, 2]);
    assert_eq!(to_vec(batch.inputs), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 0.0]);
    assert_eq!(to_vec(batch.mask), vec![1.0, 1.0, 1.0, 0.0]);
}

#[test]
fn empty_nan_and_ragged_inputs_are_typed_errors() {
    let device = Device::flex();
    assert!(matches!(SeqBatch::from_sequences(&[], 1, &device), Err(SeqError::Empty { .. })));
    let empty: [f32; 0] = [];
    assert!(matches!(SeqBatch::from_sequences(&[&[1.0], &empty], 1, &device), Err(SeqError::Empty { .. })));
    let err = SeqBatch::from_sequences(&[&[1.0, f32::NAN, 2.0]], 1, &device).unwrap_err();
    assert!(matches!(err, SeqError::NonFinite { index: 1, .. }), "{err}");
    let err = SeqBatch::from_sequences(&[&[1.0, f32::INFINITY]], 2, &device).unwrap_err();
    assert!(matches!(err, SeqError::NonFinite { .. }), "{err}");
    assert!(matches!(SeqBatch::from_sequences(&[&[1.0, 2.0, 3.0]], 2, &device), Err(SeqError::Shape { .. })));
    assert!(matches!(SeqBatch::from_sequences(&[&[1.0]], 0, &device), Err(SeqError::Config { .. })));
    assert!(matches!(SeqBatches::<SeqExample>::new(Vec::new(), 4), Err(SeqError::Empty { .. })));
}

#[test]
fn masked_mean_ignores_padding_even_nan() {
    let device = Device::flex();
    let values = Tensor::<2>::from_data(TensorData::new(vec![1.0, 3.0, f32::NAN, 10.0, 100.0, -7.0], [2, 3]), &device);
    let mask = Tensor::<2>::from_data(TensorData::new(vec![1.0, 1.0, 0.0, 1.0, 0.0, 0.0], [2, 3]), &device);
    // (1 + 3 + 10) / 3.
    let m = to_vec(masked_mean(values, mask))[0];
    assert!((m - 14.0 / 3.0).abs() < 1e-6, "{m}");
}

#[test]
fn masked_cross_entropy_matches_hand_value() {
    let device = Device::flex();
    // B = 1, L = 2, C = 3: step 0 target 2 (p = 0.5), step 1 target 0 but masked.
    let probs = [0.25f32, 0.25, 0.5, 0.9, 0.05, 0.05];
    let lp: Vec<f32> = probs.iter().map(|p| p.ln()).collect();
    let lp = Tensor::<3>::from_data(TensorData::new(lp, [1, 2, 3]), &device);
    let targets = Tensor::<2, Int>::from_data(TensorData::new(vec![2i64, 0], [1, 2]), &device);
    let mask = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 0.0], [1, 2]), &device);
    let loss = to_vec(masked_cross_entropy(lp.clone(), targets.clone(), mask))[0];
    assert!((loss - 0.5f32.ln().abs()).abs() < 1e-6, "{loss}");
    let both = Tensor::<2>::ones([1, 2], &device);
    let loss = to_vec(masked_cross_entropy(lp, targets, both))[0];
    let want = -(0.5f32.ln() + 0.9f32.ln()) / 2.0;
    assert!((loss - want).abs() < 1e-6, "{loss} vs {want}");
}

#[test]
fn batch_source_covers_every_example_and_shuffles_per_epoch() {
    let device = Device::flex();
    let examples: Vec<SeqExample> =
        (0..10).map(|i| SeqExample { values: vec![i as f32; i % 3 + 1], features: 1 }).collect();
    let source = SeqBatches::new(examples, 4).unwrap().shuffled(5);
    assert_eq!(source.num_batches(), 3);
    let mut seen: Vec<usize> = (0..3).flat_map(|i| source.indices(0, i)).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..10).collect::<Vec<_>>());
    assert_eq!(source.indices(0, 2).len(), 2, "the partial last batch is kept");
    assert_ne!(source.indices(0, 0), source.indices(1, 0), "another epoch, another order");
    assert_eq!(source.indices(1, 0), source.indices(1, 0));
    let batch: SeqBatch = source.batch(0, 0, &device).unwrap();
    let first = source.indices(0, 0);
    let want: Vec<usize> = first.iter().map(|&i| i % 3 + 1).collect();
    assert_eq!(batch.lengths, want);
    // Every value of example i is i: the first step of each row is its example's index.
    let values = to_vec(batch.inputs.clone());
    let t = batch.max_len();
    for (row, &i) in first.iter().enumerate() {
        assert_eq!(values[row * t], i as f32);
    }
}
