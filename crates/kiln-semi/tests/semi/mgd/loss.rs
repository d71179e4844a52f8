//! MGD's losses: hand values of the pixel CE (with ignored pixels), the GAP L1 term and the
//! self-similarity matrix; zero image and region terms for identical networks; zero KD for
//! identical logits.

use burn::prelude::Device;
use kiln_semi::mgd::SegNetConfig;
use kiln_semi::mgd::loss::{
    IGNORE_INDEX, argmax_labels, image_level_loss, pixel_consistency, pixel_cross_entropy, pixel_kd, region_level_loss,
    self_similarity,
};

use super::common::{floats, labels3, pseudo_random, scalar, tensor4};

#[test]
fn pixel_cross_entropy_skips_ignored_pixels() {
    let device = Device::flex();
    // Two classes, one image of 1×3 pixels; logits laid out [class][pixel].
    // Pixel 0: (0, 0), label 0 → ln 2. Pixel 1: ignored. Pixel 2: (0, ln 3), label 1 → ln(4/3).
    let ln3 = 3f32.ln();
    let logits = tensor4(&[0.0, ln3, 0.0, /**/ 0.0, 0.0, ln3], [1, 2, 1, 3], &device);
    let labels = labels3(&[0, IGNORE_INDEX, 1], [1, 1, 3], &device);
    let got = scalar(pixel_cross_entropy(logits.clone(), labels, IGNORE_INDEX));
    let expected = (2f64.ln() + (4f64 / 3.0).ln()) / 2.0;
    assert!((got - expected).abs() < 1e-5, "{got} vs {expected}");
    let all_ignored = labels3(&[IGNORE_INDEX; 3], [1, 1, 3], &device);
    assert_eq!(scalar(pixel_cross_entropy(logits, all_ignored, IGNORE_INDEX)), 0.0);
}

#[test]
fn consistency_of_a_network_with_itself_is_twice_its_self_cross_entropy() {
    let device = Device::flex();
    let logits = tensor4(&pseudo_random(2 * 3 * 4 * 4, 1), [2, 3, 4, 4], &device);
    let y = argmax_labels(logits.clone());
    let both = scalar(pixel_consistency(logits.clone(), logits.clone(), y.clone(), y.clone(), IGNORE_INDEX));
    let one = scalar(pixel_cross_entropy(logits, y, IGNORE_INDEX));
    assert!((both - 2.0 * one).abs() < 1e-5, "{both} vs 2 × {one}");
}

#[test]
fn gap_l1_matches_a_hand_value() {
    let device = Device::flex();
    // One image, two classes, 1×2 pixels. Student GAP = (1.5, 0), teacher GAP = (0, 3).
    let student = tensor4(&[1.0, 2.0, 0.0, 0.0], [1, 2, 1, 2], &device);
    let teacher = tensor4(&[0.0, 0.0, 2.0, 4.0], [1, 2, 1, 2], &device);
    let got = scalar(image_level_loss(student, teacher));
    assert!((got - 4.5).abs() < 1e-6, "{got}");
}

#[test]
fn self_similarity_of_a_hand_made_feature() {
    let device = Device::flex();
    // Two channels on a 4×4 map, constant on each 2×2 quadrant, so that the 2×2 average pool
    // gives the position vectors p0 = (1, 0), p1 = (0, 1), p2 = (1, 1), p3 = (−1, 0)
    // (row-major quadrants: top-left, top-right, bottom-left, bottom-right).
    let quadrant_values = [[1.0, 0.0, 1.0, -1.0], [0.0, 1.0, 1.0, 0.0]];
    let mut values = Vec::new();
    for channel in quadrant_values {
        for y in 0..4 {
            for x in 0..4 {
                values.push(channel[(y / 2) * 2 + x / 2]);
            }
        }
    }
    let features = tensor4(&values, [1, 2, 4, 4], &device);
    let r = std::f32::consts::FRAC_1_SQRT_2;
    #[rustfmt::skip]
    let expected = [
        1.0, 0.0, r, -1.0,
        0.0, 1.0, r, 0.0,
        r, r, 1.0, -r,
        -1.0, 0.0, -r, 1.0,
    ];
    let got = floats(self_similarity(features.clone(), 2));
    assert_eq!(got.len(), 16);
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < 1e-6, "{got:?}");
    }
    // Against a feature whose four positions are all (1, 0) (S = all ones):
    // mean((S − 1)²) = 2·(1 + (1 − r)² + 4 + (1 − r)² + 1 + (1 + r)²)/16.
    let flat = tensor4(&[[1.0f32; 16], [0.0; 16]].concat(), [1, 2, 4, 4], &device);
    let r = f64::from(r);
    let expected = 2.0 * (1.0 + (1.0 - r).powi(2) + 4.0 + (1.0 - r).powi(2) + 1.0 + (1.0 + r).powi(2)) / 16.0;
    let got = scalar(region_level_loss(features, flat, 2));
    assert!((got - expected).abs() < 1e-5, "{got} vs {expected}");
}

#[test]
fn identical_student_and_teacher_give_zero_image_and_region_terms() {
    let device = Device::flex();
    device.seed(3);
    let net = SegNetConfig::new().with_num_classes(5).init(&device).unwrap_or_else(|e| panic!("{e}"));
    let images = tensor4(&pseudo_random(2 * 3 * 32 * 32, 2), [2, 3, 32, 32], &device);
    let a = net.forward(images.clone());
    let b = net.forward(images);
    let image = scalar(image_level_loss(a.logits, b.logits));
    let region = scalar(region_level_loss(a.features, b.features, 7));
    assert!(image.abs() < 1e-6, "image-level {image}");
    assert!(region.abs() < 1e-6, "region-level {region}");
}

#[test]
fn pixel_kd_is_zero_for_identical_logits_at_any_temperature() {
    let device = Device::flex();
    let logits = tensor4(&pseudo_random(2 * 4 * 3 * 3, 5), [2, 4, 3, 3], &device);
    let other = tensor4(&pseudo_random(2 * 4 * 3 * 3, 6), [2, 4, 3, 3], &device);
    for t in [0.5, 1.0, 2.0, 4.0] {
        let same = scalar(pixel_kd(logits.clone(), logits.clone(), t));
        assert!(same.abs() < 1e-6, "T = {t}: {same}");
        let differ = scalar(pixel_kd(logits.clone(), other.clone(), t));
        assert!(differ > 1e-4, "T = {t}: {differ}");
    }
}
