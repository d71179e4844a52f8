//! Tests of the `DataLoader` with its image and vector batchers.

use burn::prelude::{Device, Int, Tensor};
use kiln_core::train::{BatchSource, ImageBatch, VectorBatch};
use kiln_data::{
    Augment, Batcher, DataLoader, Image, ImageBatcher, ImageExample, Normalize, VectorBatcher, VectorExample,
};

use super::assert_close;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

fn ints(t: Tensor<1, Int>) -> Vec<i64> {
    t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap()
}

/// `n` one-channel `h`×`w` images; every pixel of item `i` is `i`, and its label is `i`, so a
/// batch's pixels and targets identify the items in it.
fn marked_images(n: usize, h: usize, w: usize) -> Vec<ImageExample> {
    (0..n)
        .map(|i| ImageExample {
            image: Image { channels: 1, height: h, width: w, pixels: vec![i as f32; h * w] },
            label: i,
        })
        .collect()
}

/// Targets of every batch of `epoch`, in the order served.
fn epoch_targets<I: Send + Sync + 'static>(loader: &DataLoader<I, ImageBatch>, epoch: usize) -> Vec<i64> {
    let device = Device::flex();
    (0..loader.num_batches()).flat_map(|b| ints(loader.batch(epoch, b, &device).unwrap().targets)).collect()
}

// ---------------------------------------------------------------------------------------------
// DataLoader with ImageBatcher
// ---------------------------------------------------------------------------------------------

#[test]
fn num_batches_with_and_without_drop_last() {
    let batcher = || ImageBatcher::new(Normalize::identity(1));
    let loader = DataLoader::new(marked_images(10, 2, 2), batcher(), 4);
    assert_eq!(loader.num_batches(), 3);
    assert_eq!((loader.len(), loader.is_empty()), (10, false));
    assert_eq!(DataLoader::new(marked_images(10, 2, 2), batcher(), 4).drop_last(true).num_batches(), 2);
    assert_eq!(DataLoader::new(marked_images(8, 2, 2), batcher(), 4).num_batches(), 2);
    assert_eq!(DataLoader::new(marked_images(8, 2, 2), batcher(), 4).drop_last(true).num_batches(), 2);
    assert_eq!(DataLoader::new(marked_images(3, 2, 2), batcher(), 4).drop_last(true).num_batches(), 0);
    assert_eq!(DataLoader::new(marked_images(3, 2, 2), batcher(), 4).num_batches(), 1);
    // Batch size 0 is treated as 1.
    assert_eq!(DataLoader::new(marked_images(5, 2, 2), batcher(), 0).num_batches(), 5);
    let empty = DataLoader::new(Vec::<ImageExample>::new(), batcher(), 4);
    assert!(empty.is_empty());
    assert_eq!(empty.num_batches(), 0);
}

#[test]
fn unshuffled_loader_yields_items_in_order_with_nchw_shapes() {
    let device = Device::flex();
    let loader = DataLoader::new(marked_images(10, 2, 3), ImageBatcher::new(Normalize::identity(1)), 4);
    let expected_targets: [&[i64]; 3] = [&[0, 1, 2, 3], &[4, 5, 6, 7], &[8, 9]];
    for (b, targets) in expected_targets.iter().enumerate() {
        let batch = loader.batch(0, b, &device).unwrap();
        assert_eq!(batch.images.dims(), [targets.len(), 1, 2, 3], "batch {b}");
        assert_eq!(batch.targets.dims(), [targets.len()], "batch {b}");
        let pixels = floats(batch.images);
        let expected: Vec<f32> = targets.iter().flat_map(|&t| [t as f32; 6]).collect();
        assert_eq!(pixels, expected, "batch {b}");
        assert_eq!(ints(batch.targets), targets.to_vec(), "batch {b}");
    }
    // In order in every epoch.
    assert_eq!(epoch_targets(&loader, 3), (0..10).collect::<Vec<i64>>());
}

#[test]
fn image_batcher_normalizes_pixels() {
    let device = Device::flex();
    let batcher = ImageBatcher::new(Normalize { mean: vec![1.0], std: vec![2.0] });
    let loader = DataLoader::new(marked_images(3, 1, 2), batcher, 3);
    let batch = loader.batch(0, 0, &device).unwrap();
    assert_eq!(batch.images.dims(), [3, 1, 1, 2]);
    // (i − 1) / 2 for items 0, 1, 2.
    assert_close(&floats(batch.images), &[-0.5, -0.5, 0.0, 0.0, 0.5, 0.5], 1e-6);
}

#[test]
fn image_batcher_keeps_channels_separate() {
    let device = Device::flex();
    let image = Image { channels: 3, height: 1, width: 2, pixels: vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0] };
    let batcher = ImageBatcher::new(Normalize { mean: vec![1.0, 2.0, 3.0], std: vec![1.0, 0.5, 0.25] });
    let batch = batcher.batch(&[ImageExample { image, label: 4 }], &device, None);
    assert_eq!(batch.images.dims(), [1, 3, 1, 2]);
    assert_eq!(floats(batch.images), vec![0.0; 6]);
    assert_eq!(ints(batch.targets), vec![4]);
}

#[test]
fn shuffled_loader_visits_every_item_once_per_epoch() {
    let device = Device::flex();
    let loader = DataLoader::new(marked_images(23, 2, 2), ImageBatcher::new(Normalize::identity(1)), 5).shuffled(3);
    assert_eq!(loader.num_batches(), 5);
    for epoch in 0..3 {
        let mut seen = Vec::new();
        for b in 0..loader.num_batches() {
            let batch = loader.batch(epoch, b, &device).unwrap();
            let n = if b == 4 { 3 } else { 5 };
            assert_eq!(batch.images.dims(), [n, 1, 2, 2]);
            let targets = ints(batch.targets);
            let pixels = floats(batch.images);
            // Images stay paired with their labels: item i's pixels are all i.
            for (k, &t) in targets.iter().enumerate() {
                assert_eq!(&pixels[k * 4..k * 4 + 4], &[t as f32; 4], "epoch {epoch}, batch {b}");
            }
            seen.extend(targets);
        }
        assert_ne!(seen, (0..23).collect::<Vec<i64>>(), "epoch {epoch} is not shuffled");
        seen.sort_unstable();
        assert_eq!(seen, (0..23).collect::<Vec<i64>>(), "epoch {epoch}");
    }
}

#[test]
fn shuffled_loader_with_drop_last_serves_distinct_items() {
    let loader = DataLoader::new(marked_images(10, 1, 1), ImageBatcher::new(Normalize::identity(1)), 4)
        .shuffled(11)
        .drop_last(true);
    assert_eq!(loader.num_batches(), 2);
    let mut seen = epoch_targets(&loader, 0);
    assert_eq!(seen.len(), 8);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 8, "an item was served twice");
}

#[test]
fn shuffling_is_deterministic_per_seed_and_epoch() {
    let make =
        |seed| DataLoader::new(marked_images(40, 1, 1), ImageBatcher::new(Normalize::identity(1)), 8).shuffled(seed);
    let a = make(5);
    let b = make(5);
    let a0 = epoch_targets(&a, 0);
    assert_eq!(a0, epoch_targets(&b, 0), "same seed and epoch, different order");
    assert_eq!(epoch_targets(&a, 1), epoch_targets(&b, 1));
    assert_ne!(a0, epoch_targets(&a, 1), "epochs 0 and 1 have the same order");
    assert_ne!(epoch_targets(&a, 1), epoch_targets(&a, 2));
    assert_ne!(a0, epoch_targets(&make(6), 0), "seeds 5 and 6 have the same order");
    // Asking again for an earlier epoch gives its order back.
    assert_eq!(epoch_targets(&a, 0), a0);
}

#[test]
fn interleaved_epochs_give_the_same_batches_as_sequential_ones() {
    // The loader caches one epoch's permutation; asking for batches of different epochs in turn
    // (as concurrent evaluation or a resumed run might) must not mix the orders up.
    let device = Device::flex();
    let loader = DataLoader::new(marked_images(30, 1, 1), ImageBatcher::new(Normalize::identity(1)), 6).shuffled(9);
    let e0 = epoch_targets(&loader, 0);
    let e1 = epoch_targets(&loader, 1);
    let mut i0 = Vec::new();
    let mut i1 = Vec::new();
    for b in 0..loader.num_batches() {
        i1.extend(ints(loader.batch(1, b, &device).unwrap().targets));
        i0.extend(ints(loader.batch(0, b, &device).unwrap().targets));
    }
    assert_eq!(i0, e0);
    assert_eq!(i1, e1);
}

#[test]
fn augmentation_applies_only_to_shuffled_loaders_and_is_reproducible() {
    let device = Device::flex();
    // Items whose left column is 1 and right column 0: a flip is visible.
    let items: Vec<ImageExample> = (0..16)
        .map(|i| ImageExample { image: Image { channels: 1, height: 1, width: 2, pixels: vec![1.0, 0.0] }, label: i })
        .collect();
    let batcher = ImageBatcher::new(Normalize::identity(1)).with_augment(Augment { flip: true, ..Augment::default() });

    // Evaluation (unshuffled): never augmented.
    let eval = DataLoader::new(items.clone(), batcher.clone(), 16);
    assert_eq!(floats(eval.batch(0, 0, &device).unwrap().images), [1.0, 0.0].repeat(16));

    // Training (shuffled): some items flipped, some not, every pixel pair is [1,0] or [0,1].
    let train = DataLoader::new(items, batcher, 16).shuffled(4);
    let pixels = floats(train.batch(0, 0, &device).unwrap().images);
    let pairs: Vec<&[f32]> = pixels.chunks(2).collect();
    assert!(pairs.iter().all(|p| *p == [1.0, 0.0] || *p == [0.0, 1.0]), "{pairs:?}");
    let flipped = pairs.iter().filter(|p| **p == [0.0, 1.0]).count();
    assert!(flipped > 0 && flipped < 16, "{flipped} of 16 flipped");
    // The same (epoch, batch) is augmented the same way again.
    assert_eq!(floats(train.batch(0, 0, &device).unwrap().images), pixels);
}

// ---------------------------------------------------------------------------------------------
// VectorBatcher
// ---------------------------------------------------------------------------------------------

fn rows(features: &[[f32; 2]]) -> Vec<VectorExample> {
    features.iter().enumerate().map(|(i, f)| VectorExample { features: f.to_vec(), label: i % 3 }).collect()
}

#[test]
fn vector_batcher_fit_standardises_and_handles_constant_features() {
    let device = Device::flex();
    // Feature 0: {1, 3, 5} → mean 3, population variance 8/3. Feature 1: constant 5.
    let train = rows(&[[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]]);
    let batcher = VectorBatcher::fit(&train);
    let sd = (8.0f32 / 3.0).sqrt();
    assert_eq!(batcher.standardize.len(), 2);
    assert_close(&[batcher.standardize[0].0, batcher.standardize[0].1], &[3.0, sd], 1e-6);
    assert_eq!(batcher.standardize[1], (5.0, 1.0), "a constant feature must get std 1");

    let batch = batcher.batch(&train, &device, None);
    assert_eq!(batch.features.dims(), [3, 2]);
    assert_close(&floats(batch.features), &[-2.0 / sd, 0.0, 0.0, 0.0, 2.0 / sd, 0.0], 1e-5);
    assert_eq!(ints(batch.targets), vec![0, 1, 2]);

    // Rows not seen by `fit` use the training statistics; the constant feature does not blow up.
    let test = rows(&[[7.0, 6.0]]);
    let out = floats(batcher.batch(&test, &device, None).features);
    assert_close(&out, &[4.0 / sd, 1.0], 1e-5);
}

#[test]
fn vector_batcher_fit_gives_mean_zero_std_one_on_training_rows() {
    let device = Device::flex();
    // 50 rows of 3 features with different scales and offsets.
    let train: Vec<VectorExample> = (0..50)
        .map(|i| {
            let x = i as f32;
            VectorExample { features: vec![x, 100.0 + 3.0 * (x * 0.7).sin(), -0.01 * x * x], label: i % 2 }
        })
        .collect();
    let loader = DataLoader::new(train.clone(), VectorBatcher::fit(&train), 16);
    assert_eq!(loader.num_batches(), 4);
    let values: Vec<f32> = (0..loader.num_batches())
        .flat_map(|b| {
            let batch: VectorBatch = loader.batch(0, b, &device).unwrap();
            assert_eq!(batch.features.dims()[1], 3);
            floats(batch.features)
        })
        .collect();
    assert_eq!(values.len(), 150);
    for j in 0..3 {
        let column: Vec<f64> = values.iter().skip(j).step_by(3).map(|&v| f64::from(v)).collect();
        let mean = column.iter().sum::<f64>() / 50.0;
        let std = (column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 50.0).sqrt();
        assert!(mean.abs() < 1e-4, "feature {j}: mean {mean}");
        assert!((std - 1.0).abs() < 1e-4, "feature {j}: std {std}");
    }
}

#[test]
fn default_vector_batcher_passes_features_through() {
    let device = Device::flex();
    let items = rows(&[[1.5, -2.0], [0.0, 8.0]]);
    let loader = DataLoader::new(items, VectorBatcher::default(), 8);
    let batch = loader.batch(0, 0, &device).unwrap();
    assert_eq!(batch.features.dims(), [2, 2]);
    assert_eq!(floats(batch.features), vec![1.5, -2.0, 0.0, 8.0]);
    assert_eq!(ints(batch.targets), vec![0, 1]);
}

#[test]
fn vector_batcher_fit_on_nothing_is_empty() {
    assert!(VectorBatcher::fit(&[]).standardize.is_empty());
}
