//! Tests of the in-memory side of `kiln-data`: the `Dataset` trait and `split`, the embedded
//! digits, `Normalize` and `Augment`, and the `DataLoader` with its image and vector batchers.

use burn::prelude::{Device, Int, Tensor};
use kiln_core::seed::rng;
use kiln_core::train::{BatchSource, ImageBatch, VectorBatch};
use kiln_data::digits::NUM_DIGITS;
use kiln_data::{
    Augment, Batcher, DataLoader, Dataset, Image, ImageBatcher, ImageExample, Normalize, VectorBatcher, VectorExample,
    digits, split,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

fn ints(t: Tensor<1, Int>) -> Vec<i64> {
    t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap()
}

fn assert_close(actual: &[f32], expected: &[f32], tol: f32) {
    assert_eq!(actual.len(), expected.len(), "length: {actual:?} vs {expected:?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tol, "element {i}: {a} vs {e} (all: {actual:?} vs {expected:?})");
    }
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

/// A one-channel image whose pixels are `1, 2, 3, ...` (all distinct, none zero).
fn numbered_image(h: usize, w: usize) -> Image {
    Image { channels: 1, height: h, width: w, pixels: (1..=h * w).map(|v| v as f32).collect() }
}

/// Reference pad-and-crop: `out[y, x] = image[y + dy, x + dx]`, zero outside.
fn shifted(image: &Image, dy: isize, dx: isize) -> Image {
    let mut out = Image::zeros(image.channels, image.height, image.width);
    for c in 0..image.channels {
        for y in 0..image.height {
            for x in 0..image.width {
                let (sy, sx) = (y as isize + dy, x as isize + dx);
                if sy >= 0 && sx >= 0 && (sy as usize) < image.height && (sx as usize) < image.width {
                    *out.at_mut(c, y, x) = image.at(c, sy as usize, sx as usize);
                }
            }
        }
    }
    out
}

/// Targets of every batch of `epoch`, in the order served.
fn epoch_targets<I: Send + Sync + 'static>(loader: &DataLoader<I, ImageBatch>, epoch: usize) -> Vec<i64> {
    let device = Device::flex();
    (0..loader.num_batches()).flat_map(|b| ints(loader.batch(epoch, b, &device).unwrap().targets)).collect()
}

// ---------------------------------------------------------------------------------------------
// Dataset and split
// ---------------------------------------------------------------------------------------------

#[test]
fn vec_is_a_dataset() {
    let items = vec![10u32, 20, 30];
    assert_eq!(Dataset::len(&items), 3);
    assert!(!Dataset::is_empty(&items));
    assert_eq!(Dataset::get(&items, 0), Some(10));
    assert_eq!(Dataset::get(&items, 2), Some(30));
    assert_eq!(Dataset::get(&items, 3), None);
    let empty: Vec<u32> = Vec::new();
    assert!(Dataset::is_empty(&empty));
    assert_eq!(Dataset::get(&empty, 0), None);
}

#[test]
fn split_sizes_are_rounded_down_and_parts_partition_the_items() {
    // 103 · 0.1 = 10.3 → 10 validation items; 103 · 0.2 = 20.6 → 20 test items; 73 train.
    let items: Vec<usize> = (0..103).collect();
    let s = split(items, 0.1, 0.2, 42);
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (73, 10, 20));
    let mut all: Vec<usize> = s.train.iter().chain(&s.valid).chain(&s.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..103).collect::<Vec<_>>(), "parts must be disjoint and cover every item");
    // The split shuffles: the test part is not simply the first items.
    assert_ne!(s.test, (0..20).collect::<Vec<_>>());
    assert_ne!(s.train, (30..103).collect::<Vec<_>>());
}

#[test]
fn split_is_deterministic_by_seed_and_seeds_differ() {
    let items: Vec<usize> = (0..200).collect();
    let a = split(items.clone(), 0.1, 0.2, 7);
    let b = split(items.clone(), 0.1, 0.2, 7);
    assert_eq!(a, b);
    let c = split(items, 0.1, 0.2, 8);
    assert_ne!(a.test, c.test);
    assert_ne!(a.valid, c.valid);
    assert_ne!(a.train, c.train);
}

#[test]
fn split_edge_fractions() {
    let items: Vec<usize> = (0..10).collect();
    // No validation or test: everything is training data (shuffled, but all there).
    let s = split(items.clone(), 0.0, 0.0, 1);
    assert!(s.valid.is_empty() && s.test.is_empty());
    let mut train = s.train.clone();
    train.sort_unstable();
    assert_eq!(train, items);
    // Fractions over 1 in total: validation first, the test set gets what is left, train nothing.
    let s = split(items.clone(), 0.7, 0.5, 1);
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (0, 7, 3));
    // Out-of-range fractions are clamped.
    let s = split(items.clone(), -0.5, 2.0, 1);
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (0, 0, 10));
    // Empty input.
    let s = split(Vec::<usize>::new(), 0.1, 0.2, 1);
    assert!(s.train.is_empty() && s.valid.is_empty() && s.test.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Digits
// ---------------------------------------------------------------------------------------------

#[test]
fn digits_are_1797_grey_8x8_images_in_unit_range() {
    let items = digits().unwrap();
    assert_eq!(items.len(), 1797);
    assert_eq!(NUM_DIGITS, 1797);
    for (i, e) in items.iter().enumerate() {
        assert_eq!(e.image.shape(), [1, 8, 8], "item {i}");
        assert_eq!(e.image.pixels.len(), 64, "item {i}");
        assert!(e.image.pixels.iter().all(|p| (0.0..=1.0).contains(p)), "item {i} has a pixel outside [0, 1]");
        assert!(e.label <= 9, "item {i} has label {}", e.label);
    }
    // Values are pixel counts 0..=16 scaled by 1/16: both ends of the range occur.
    let all = items.iter().flat_map(|e| e.image.pixels.iter().copied());
    let (min, max) = all.fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p), hi.max(p)));
    assert_eq!((min, max), (0.0, 1.0));
    assert!(items.iter().flat_map(|e| &e.image.pixels).all(|p| (p * 16.0).fract() == 0.0));
}

#[test]
fn digits_class_counts_match_the_uci_test_set() {
    let items = digits().unwrap();
    let mut counts = [0usize; 10];
    for e in &items {
        counts[e.label] += 1;
    }
    // The counts of scikit-learn's `load_digits`.
    assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    assert_eq!(counts.iter().sum::<usize>(), 1797);
    assert!(counts.iter().all(|&c| c >= 170), "{counts:?}");
}

#[test]
fn first_digit_is_the_known_zero() {
    let items = digits().unwrap();
    let first = &items[0];
    assert_eq!(first.label, 0);
    let row0: Vec<f32> = [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0].iter().map(|v| v / 16.0).collect();
    let row1: Vec<f32> = [0.0, 0.0, 13.0, 15.0, 10.0, 15.0, 5.0, 0.0].iter().map(|v| v / 16.0).collect();
    assert_eq!(&first.image.pixels[..8], row0.as_slice());
    assert_eq!(&first.image.pixels[8..16], row1.as_slice());
    // Loading is deterministic.
    assert_eq!(digits().unwrap(), items);
}

// ---------------------------------------------------------------------------------------------
// Normalize
// ---------------------------------------------------------------------------------------------

#[test]
fn normalize_fit_computes_per_channel_mean_and_population_std() {
    // Two 2-channel 1×2 images. Channel 0 holds {1, 3, 5, 7}: mean 4, variance (9+1+1+9)/4 = 5.
    // Channel 1 holds {0, 0, 2, 2}: mean 1, variance 1.
    let a = Image { channels: 2, height: 1, width: 2, pixels: vec![1.0, 3.0, 0.0, 0.0] };
    let b = Image { channels: 2, height: 1, width: 2, pixels: vec![5.0, 7.0, 2.0, 2.0] };
    let set = vec![ImageExample { image: a, label: 0 }, ImageExample { image: b, label: 1 }];
    let norm = Normalize::fit(&set);
    assert_close(&norm.mean, &[4.0, 1.0], 1e-6);
    assert_close(&norm.std, &[5f32.sqrt(), 1.0], 1e-6);

    let mut pixels = vec![1.0, 3.0, 0.0, 2.0];
    norm.apply(&mut pixels, 2);
    let s5 = 5f32.sqrt();
    assert_close(&pixels, &[-3.0 / s5, -1.0 / s5, -1.0, 1.0], 1e-6);
}

#[test]
fn normalize_apply_uses_each_channels_statistics() {
    let norm = Normalize { mean: vec![0.5, 1.0, -2.0], std: vec![0.25, 2.0, 4.0] };
    // Three channels of a 2×1 image (plane 2).
    let mut pixels = vec![0.5, 1.0, 3.0, 5.0, 2.0, -2.0];
    norm.apply(&mut pixels, 2);
    assert_close(&pixels, &[0.0, 2.0, 1.0, 2.0, 1.0, 0.0], 1e-6);
}

#[test]
fn normalize_identity_changes_nothing() {
    let norm = Normalize::identity(3);
    assert_eq!(norm.mean, vec![0.0; 3]);
    assert_eq!(norm.std, vec![1.0; 3]);
    let mut pixels: Vec<f32> = (0..12).map(|v| v as f32 * 0.1).collect();
    let before = pixels.clone();
    norm.apply(&mut pixels, 4);
    assert_eq!(pixels, before);
}

#[test]
fn normalize_fit_on_a_constant_channel_keeps_std_positive() {
    let image = Image { channels: 1, height: 2, width: 2, pixels: vec![0.3; 4] };
    let norm = Normalize::fit(&[ImageExample { image, label: 0 }]);
    assert_close(&norm.mean, &[0.3], 1e-6);
    assert!(norm.std[0] > 0.0 && norm.std[0].is_finite(), "{:?}", norm.std);
    let mut pixels = vec![0.3; 4];
    norm.apply(&mut pixels, 4);
    assert!(pixels.iter().all(|p| p.is_finite() && p.abs() < 1e-3), "{pixels:?}");
}

#[test]
fn normalize_fit_on_digits_gives_zero_mean_unit_std() {
    let items = digits().unwrap();
    let norm = Normalize::fit(&items);
    assert_eq!((norm.mean.len(), norm.std.len()), (1, 1));
    let mut all: Vec<f32> = items.iter().flat_map(|e| e.image.pixels.iter().copied()).collect();
    let plane = all.len();
    norm.apply(&mut all, plane);
    let n = all.len() as f64;
    let mean = all.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = all.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
    assert!(mean.abs() < 1e-4, "mean {mean}");
    assert!((var.sqrt() - 1.0).abs() < 1e-4, "std {}", var.sqrt());
}

// ---------------------------------------------------------------------------------------------
// Augment
// ---------------------------------------------------------------------------------------------

#[test]
fn flip_mirrors_rows_and_happens_for_some_seeds_only() {
    // 1×2×3:  1 2 3        3 2 1
    //         4 5 6   →    6 5 4
    let image = numbered_image(2, 3);
    let mirrored = Image { channels: 1, height: 2, width: 3, pixels: vec![3.0, 2.0, 1.0, 6.0, 5.0, 4.0] };
    let aug = Augment { flip: true, ..Augment::default() };
    let (mut flipped, mut kept) = (0, 0);
    for seed in 0..64 {
        let out = aug.apply(&image, &mut rng(seed, 0));
        if out == mirrored {
            flipped += 1;
        } else {
            assert_eq!(out, image, "seed {seed}: neither the image nor its mirror");
            kept += 1;
        }
        // The same seed gives the same outcome.
        assert_eq!(aug.apply(&image, &mut rng(seed, 0)), out, "seed {seed}");
    }
    // Probability ½ each: over 64 seeds both outcomes must occur, in roughly equal numbers.
    assert!(flipped >= 16 && kept >= 16, "flipped {flipped}, kept {kept}");
}

#[test]
fn flip_of_a_multichannel_image_mirrors_every_channel() {
    let image = Image { channels: 2, height: 1, width: 3, pixels: vec![1.0, 2.0, 3.0, 10.0, 20.0, 30.0] };
    let aug = Augment { flip: true, ..Augment::default() };
    let out = (0..64)
        .map(|seed| aug.apply(&image, &mut rng(seed, 0)))
        .find(|out| *out != image)
        .expect("no seed in 0..64 flipped the image");
    assert_eq!(out.pixels, vec![3.0, 2.0, 1.0, 30.0, 20.0, 10.0]);
    assert_eq!(out.shape(), [2, 1, 3]);
}

#[test]
fn disabled_augmentation_is_the_identity() {
    let image = numbered_image(4, 5);
    let off = Augment { crop_padding: 0, flip: false, max_rotation_degrees: 0.0 };
    assert_eq!(off, Augment::default());
    for seed in 0..16 {
        assert_eq!(off.apply(&image, &mut rng(seed, 0)), image, "seed {seed}");
    }
}

#[test]
fn tiny_rotation_leaves_a_small_image_unchanged() {
    // On a 3×3 image the farthest pixel is √2 from the centre; a rotation of at most 1° moves it
    // by under 0.03 pixels, so nearest-neighbour sampling gives back the same image.
    let image = numbered_image(3, 3);
    let aug = Augment { max_rotation_degrees: 1.0, ..Augment::default() };
    for seed in 0..16 {
        assert_eq!(aug.apply(&image, &mut rng(seed, 0)), image, "seed {seed}");
    }
}

#[test]
fn rotation_only_moves_pixels_or_zeroes_them() {
    let image = numbered_image(7, 7);
    let aug = Augment { max_rotation_degrees: 30.0, ..Augment::default() };
    let mut changed = 0;
    for seed in 0..16 {
        let out = aug.apply(&image, &mut rng(seed, 0));
        assert_eq!(out.shape(), image.shape());
        assert!(out.pixels.iter().all(|p| *p == 0.0 || image.pixels.contains(p)), "seed {seed}: {:?}", out.pixels);
        // The centre pixel is the rotation's fixed point.
        assert_eq!(out.at(0, 3, 3), image.at(0, 3, 3), "seed {seed}");
        if out != image {
            changed += 1;
        }
    }
    assert!(changed > 0, "no seed rotated a 7×7 image by up to 30°");
}

#[test]
fn crop_shift_keeps_the_shape_and_is_a_translation_within_the_padding() {
    let image = numbered_image(4, 4);
    let aug = Augment { crop_padding: 2, ..Augment::default() };
    let mut shifts = std::collections::BTreeSet::new();
    for seed in 0..64 {
        let out = aug.apply(&image, &mut rng(seed, 0));
        assert_eq!(out.shape(), [1, 4, 4], "seed {seed}");
        let shift = (-2..=2isize)
            .flat_map(|dy| (-2..=2isize).map(move |dx| (dy, dx)))
            .find(|&(dy, dx)| shifted(&image, dy, dx) == out);
        let Some(shift) = shift else { panic!("seed {seed}: {:?} is not a shift of at most 2 pixels", out.pixels) };
        shifts.insert(shift);
    }
    // 25 possible offsets, 64 draws: several distinct ones must occur, including a non-zero one.
    assert!(shifts.len() >= 5, "{shifts:?}");
    assert!(shifts.iter().any(|&s| s != (0, 0)));
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
