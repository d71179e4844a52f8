//! CutMix box masks: the official generator's invariants (3 boxes inside the image, each
//! covering `p/3` of it for `p ∈ [0.25, 0.5]`, toggled, so the mask covers at most half of the
//! image); mixing by all-zeros / all-ones masks; labels and pseudo-labels mixed by the same mask.

use burn::prelude::{Device, Tensor};
use kiln_core::seed::rng;
use kiln_semi::mgd::cutmix::{BoxMaskGenerator, mix, mix_labels};
use kiln_semi::mgd::loss::argmax_labels;

use super::common::{floats, ints, labels3, pseudo_random, tensor4};

#[test]
fn box_masks_keep_the_official_generators_invariants() {
    let generator = BoxMaskGenerator::default();
    assert_eq!(generator.n_boxes, 3);
    let (lo, hi) = generator.prop_range;
    for (height, width) in [(32, 32), (48, 64), (17, 23)] {
        let total = (height * width) as f64;
        // Rounding each side by at most half a pixel moves a box's area by at most
        // (height + width)/2 + 1/4 pixels.
        let slack = ((height + width) as f64 / 2.0 + 0.25) / total;
        for seed in 0..200 {
            let mask = generator.generate(height, width, &mut rng(seed, 0));
            assert_eq!(mask.boxes.len(), 3);
            let mut parity = vec![0u8; height * width];
            let mut box_area = 0.0;
            for &[y0, x0, y1, x1] in &mask.boxes {
                assert!(y0 <= y1 && y1 <= height && x0 <= x1 && x1 <= width, "{:?}", mask.boxes);
                let area = ((y1 - y0) * (x1 - x0)) as f64 / total;
                assert!(area >= lo / 3.0 - slack && area <= hi / 3.0 + slack, "box area {area}");
                box_area += area;
                for y in y0..y1 {
                    for x in x0..x1 {
                        parity[y * width + x] ^= 1;
                    }
                }
            }
            for (p, &m) in parity.iter().zip(&mask.pixels) {
                assert_eq!(f32::from(*p), m, "the mask is the parity of the boxes");
            }
            assert!(mask.area() <= box_area + 1e-12 && box_area <= hi + 3.0 * slack, "{} {box_area}", mask.area());
        }
    }
}

#[test]
fn masks_are_seeded() {
    let device = Device::flex();
    let g = BoxMaskGenerator::default();
    let a = floats(g.masks(4, 16, 16, 7, &device));
    assert_eq!(a, floats(g.masks(4, 16, 16, 7, &device)));
    assert_ne!(a, floats(g.masks(4, 16, 16, 8, &device)));
}

#[test]
fn mixing_follows_the_mask() {
    let device = Device::flex();
    let shape = [2, 3, 8, 8];
    let n = 2 * 3 * 8 * 8;
    let a = tensor4(&pseudo_random(n, 1), shape, &device);
    let b = tensor4(&pseudo_random(n, 2), shape, &device);
    let zeros = Tensor::<4>::zeros([2, 1, 8, 8], &device);
    let ones = Tensor::<4>::ones([2, 1, 8, 8], &device);
    // train.py: u₀·(1 − m) + u₁·m, so an all-zeros mask keeps the first image, all-ones the second.
    assert_eq!(floats(mix(a.clone(), b.clone(), zeros)), floats(a.clone()));
    assert_eq!(floats(mix(a.clone(), b.clone(), ones)), floats(b.clone()));

    let mask = BoxMaskGenerator::default().masks(2, 8, 8, 3, &device);
    let m = floats(mask.clone());
    let mixed = floats(mix(a.clone(), b.clone(), mask.clone()));
    let (va, vb) = (floats(a), floats(b));
    for i in 0..n {
        let (img, pix) = (i / (3 * 64), i % 64);
        let expected = if m[img * 64 + pix] > 0.5 { vb[i] } else { va[i] };
        assert_eq!(mixed[i], expected);
    }

    // Label maps mixed by the same mask.
    let la: Vec<i64> = (0..128).map(|i| i % 5).collect();
    let lb: Vec<i64> = (0..128).map(|i| 10 + i % 3).collect();
    let mixed = ints(mix_labels(labels3(&la, [2, 8, 8], &device), labels3(&lb, [2, 8, 8], &device), mask));
    for i in 0..128 {
        assert_eq!(mixed[i], if m[i] > 0.5 { lb[i] } else { la[i] });
    }
}

#[test]
fn mixed_logits_give_the_mixed_arg_max() {
    let device = Device::flex();
    let shape = [2, 4, 8, 8];
    let a = tensor4(&pseudo_random(2 * 4 * 64, 11), shape, &device);
    let b = tensor4(&pseudo_random(2 * 4 * 64, 12), shape, &device);
    let mask = BoxMaskGenerator::default().masks(2, 8, 8, 5, &device);
    let from_logits = ints(argmax_labels(mix(a.clone(), b.clone(), mask.clone())));
    let from_labels = ints(mix_labels(argmax_labels(a), argmax_labels(b), mask));
    assert_eq!(from_logits, from_labels);
}
