//! SimCLR's augmentations (`tf2/data_util.py`): TensorFlow's distorted-box crop, v2 colour jitter,
//! greyscale, and the composed view.

use kiln_data::Image;
use kiln_data::transform::{
    ColourJitter, CropBox, ResizedCrop, SimClrAugment, adjust_contrast_per_channel, adjust_saturation_hsv,
    crop_and_resize, grey_rgb,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::image;

/// A colourful RGB image with values spread over `[0, 1]`.
fn colourful(height: usize, width: usize) -> Image {
    image(3, height, width, |c, y, x| ((c * 37 + y * 11 + x * 5) % 17) as f32 / 16.0)
}

fn close(a: &[f32], b: &[f32], tolerance: f32) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < tolerance)
}

#[test]
fn jitter_of_zero_strength_is_the_identity() {
    let source = colourful(6, 5);
    let jitter = ColourJitter { strength: 0.0, probability: 1.0 };
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..10 {
        assert_eq!(jitter.apply(&source, &mut rng), source);
    }
}

#[test]
fn contrast_is_per_channel_and_saturation_scales_hsv_saturation() {
    // Channel 0 = [0.2, 0.6] (mean 0.4), channel 1 = [0.0, 1.0] (mean 0.5); factor ½.
    let source = Image { channels: 2, height: 1, width: 2, pixels: vec![0.2, 0.6, 0.0, 1.0] };
    let out = adjust_contrast_per_channel(&source, 0.5);
    assert!(close(&out.pixels, &[0.3, 0.5, 0.25, 0.75], 1e-6), "{:?}", out.pixels);
    // (1, ½, ½): h = 0, s = ½, v = 1; s·½ = ¼ gives (1, ¾, ¾).
    let pink = Image { channels: 3, height: 1, width: 1, pixels: vec![1.0, 0.5, 0.5] };
    let out = adjust_saturation_hsv(&pink, 0.5);
    assert!(close(&out.pixels, &[1.0, 0.75, 0.75], 1e-6), "{:?}", out.pixels);
    // Factor 3 clips s to 1: (1, 0, 0).
    assert!(close(&adjust_saturation_hsv(&pink, 3.0).pixels, &[1.0, 0.0, 0.0], 1e-6));
}

#[test]
fn greyscale_makes_equal_channels_with_tensorflows_weights() {
    let out = grey_rgb(&Image { channels: 3, height: 1, width: 1, pixels: vec![1.0, 0.5, 0.0] });
    // 0.2989·1 + 0.5870·½ = 0.5924.
    assert!(close(&out.pixels, &[0.5924; 3], 1e-6), "{:?}", out.pixels);
    let grey_view = SimClrAugment { greyscale_probability: 1.0, ..SimClrAugment::colour(1.0) };
    let view = grey_view.apply(&colourful(8, 8), &mut StdRng::seed_from_u64(3));
    let plane = 64;
    assert_eq!(view.pixels[..plane], view.pixels[plane..2 * plane]);
    assert_eq!(view.pixels[..plane], view.pixels[2 * plane..]);
}

#[test]
fn a_full_area_square_crop_returns_the_image() {
    let crop = ResizedCrop { min_area: 1.0, max_area: 1.0, min_aspect: 1.0, max_aspect: 1.0, ..ResizedCrop::default() };
    let mut rng = StdRng::seed_from_u64(4);
    for (h, w) in [(8, 8), (5, 7), (32, 32)] {
        let source = colourful(h, w);
        assert_eq!(crop.sample(h, w, &mut rng), CropBox { top: 0, left: 0, height: h, width: w });
        assert_eq!(crop.apply(&source, &mut rng), source);
    }
}

#[test]
fn crop_and_resize_is_bilinear_with_half_pixel_centres() {
    // The 2×2 box at (1, 1) of a 3×3 image holds [[4, 5], [7, 8]] / 10, resized to 4×4.
    let source = image(1, 3, 3, |_, y, x| (3 * y + x) as f32 / 10.0);
    let out = crop_and_resize(&source, CropBox { top: 1, left: 1, height: 2, width: 2 }, 4, 4);
    // Output column x reads box column (x + ½)/2 − ½ = −¼, ¼, ¾, 1¼, clamped to [0, 1]: weights
    // 0, ¼, ¾, 1 of the right pixel; rows likewise, with a step of 0.3 between the rows.
    let row = |top: f32| [top, top + 0.025, top + 0.075, top + 0.1];
    let expected: Vec<f32> = [0.4, 0.4 + 0.075, 0.4 + 0.225, 0.7].into_iter().flat_map(row).collect();
    assert!(close(&out.pixels, &expected, 1e-6), "{:?} vs {expected:?}", out.pixels);
}

#[test]
fn crop_samples_obey_the_area_and_aspect_bounds() {
    let mut rng = StdRng::seed_from_u64(5);
    for (crop, h, w, smallest) in [
        // SimCLR: area ≥ max(0.08, min_covered 0.1).
        (ResizedCrop::default(), 32, 32, 0.1),
        (ResizedCrop::default(), 24, 40, 0.1),
        (SimClrAugment::digits().crop, 8, 8, 0.3),
    ] {
        let image_aspect = w as f32 / h as f32;
        let (mut small, mut large) = (0, 0);
        for _ in 0..2000 {
            let b = crop.sample(h, w, &mut rng);
            let area = (b.height * b.width) as f32 / (h * w) as f32;
            assert!((smallest..=1.0).contains(&area), "{b:?}: area {area}");
            // width = round(height·r): within half a pixel of the aspect range.
            let slack = 0.5 / b.height as f32;
            let aspect = b.width as f32 / b.height as f32 / image_aspect;
            let whole = b.height == h && b.width == w;
            assert!(whole || (aspect >= crop.min_aspect - slack && aspect <= crop.max_aspect + slack), "{b:?}");
            assert!(b.top + b.height <= h && b.left + b.width <= w, "{b:?}");
            small += usize::from(area < smallest + 0.15);
            large += usize::from(area > 0.9);
        }
        assert!(small > 50 && large > 50, "areas spread over the range: {small} small, {large} large");
    }
}

#[test]
fn views_stay_in_range_keep_the_size_and_repeat_with_the_seed() {
    let source = colourful(12, 10);
    for augment in [SimClrAugment::colour(0.5), SimClrAugment::colour(1.0), SimClrAugment::colour(2.0)] {
        let mut rng = StdRng::seed_from_u64(6);
        for _ in 0..50 {
            let view = augment.apply(&source, &mut rng);
            assert_eq!(view.shape(), source.shape());
            assert!(view.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        let view = |seed| augment.apply(&source, &mut StdRng::seed_from_u64(seed));
        assert_eq!(view(7), view(7));
        assert_ne!(view(7), view(8));
    }
    let digit = image(1, 8, 8, |_, y, x| if (2..6).contains(&x) && y > 0 { 1.0 } else { 0.0 });
    let view = SimClrAugment::digits().apply(&digit, &mut StdRng::seed_from_u64(9));
    assert_eq!(view.shape(), [1, 8, 8]);
}

#[test]
fn flip_only_views_are_the_image_or_its_mirror() {
    let full = ResizedCrop { min_area: 1.0, max_area: 1.0, min_aspect: 1.0, max_aspect: 1.0, ..ResizedCrop::default() };
    let augment = SimClrAugment { crop: full, flip: true, jitter: None, greyscale_probability: 0.0 };
    let source = colourful(4, 4);
    let mirror = image(3, 4, 4, |c, y, x| source.at(c, y, 3 - x));
    let mut rng = StdRng::seed_from_u64(10);
    let views: Vec<Image> = (0..40).map(|_| augment.apply(&source, &mut rng)).collect();
    assert!(views.iter().all(|v| *v == source || *v == mirror));
    assert!(views.contains(&source) && views.contains(&mirror));
}
