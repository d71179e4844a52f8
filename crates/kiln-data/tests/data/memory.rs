//! Tests of the in-memory side of `kiln-data` before batching: the `Dataset` trait and `split`,
//! the embedded digits, `Normalize` and `Augment`.

use kiln_core::seed::rng;
use kiln_data::digits::NUM_DIGITS;
use kiln_data::{Augment, Dataset, Image, ImageExample, Normalize, digits, split};

use super::assert_close;

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
