//! RoIAlign: exact on linear ramps, hand values with clamping, gradients to the features.

use burn::prelude::{Device, Tensor};
use kiln_semi::catnet::{Roi, roi_align};

use super::{assert_close, host};

/// `[batch, channels, h, w]` with `f_c(x, y) = a_c x + b_c y + c_c` at pixel (row y, column x).
fn ramp(batch: usize, channels: usize, h: usize, w: usize, device: &Device) -> Tensor<4> {
    let mut values = Vec::new();
    for n in 0..batch {
        for c in 0..channels {
            for y in 0..h {
                for x in 0..w {
                    values.push(ramp_at(n, c, x as f32, y as f32));
                }
            }
        }
    }
    Tensor::<1>::from_floats(values.as_slice(), device).reshape([batch, channels, h, w])
}

fn ramp_at(n: usize, c: usize, x: f32, y: f32) -> f32 {
    (0.5 + c as f32) * x - (1.0 + n as f32) * y + 3.0 * c as f32
}

#[test]
fn bins_of_a_ramp_equal_the_ramp_at_their_centres() {
    let device = Device::flex();
    let features = ramp(2, 3, 16, 16, &device);
    // Feature stride 2: the box [4, 6, 20, 18] is [1.5, 2.5, 9.5, 8.5] after scaling and the
    // half-pixel shift, well inside the 16×16 map, so every sample is a plain bilinear lookup.
    let rois = [Roi::new(1, [4.0, 6.0, 20.0, 18.0]), Roi::new(0, [2.0, 2.0, 14.0, 10.0])];
    for sampling in [Some(2), Some(3), None] {
        let out = roi_align(features.clone(), &rois, 3, 0.5, sampling).unwrap();
        assert_eq!(out.dims(), [2, 3, 3, 3]);
        let got = host(out);
        let mut want = Vec::new();
        for roi in &rois {
            let [x0, y0, x1, y1] = roi.bbox.map(|v| v * 0.5 - 0.5);
            let (bw, bh) = ((x1 - x0) / 3.0, (y1 - y0) / 3.0);
            for c in 0..3 {
                for p in 0..3 {
                    for q in 0..3 {
                        let (cx, cy) = (x0 + (q as f32 + 0.5) * bw, y0 + (p as f32 + 0.5) * bh);
                        want.push(ramp_at(roi.batch, c, cx, cy));
                    }
                }
            }
        }
        assert_close(&got, &want, 1e-4, &format!("ramp, sampling {sampling:?}"));
    }
}

#[test]
fn hand_values_with_clamping_and_empty_samples() {
    let device = Device::flex();
    // f = [[1, 2], [3, 4]] = 1 + x + 2y.
    let features = Tensor::<1>::from_floats([1.0, 2.0, 3.0, 4.0], &device).reshape([1, 1, 2, 2]);
    let one = |bbox, output, sampling| {
        host(roi_align(features.clone(), &[Roi::new(0, bbox)], output, 1.0, sampling).unwrap())
    };
    // [0, 2]² → [−0.5, 1.5]²: one sample at the centre (0.5, 0.5) = 2.5.
    assert_close(&one([0.0, 0.0, 2.0, 2.0], 1, Some(1)), &[2.5], 1e-6, "centre");
    // Four bins, one sample each at the pixel centres.
    assert_close(&one([0.0, 0.0, 2.0, 2.0], 2, Some(1)), &[1.0, 2.0, 3.0, 4.0], 1e-6, "pixels");
    // [0, 3]² → [−0.5, 2.5]², 2×2 samples at 0.25 and 1.75; 1.75 is past H − 1 = 1 and
    // clamps to 1: mean of f = 1 + x + 2y over x, y ∈ {0.25, 1} is 1 + 0.625 + 1.25.
    assert_close(&one([0.0, 0.0, 3.0, 3.0], 1, Some(2)), &[2.875], 1e-6, "clamped");
    // [0, 4]² → [−0.5, 3.5]², samples at 0.5 and 2.5; 2.5 > H = 2 counts as 0, so only
    // f(0.5, 0.5) = 2.5 of the four samples is non-zero: 2.5 / 4.
    assert_close(&one([0.0, 0.0, 4.0, 4.0], 1, Some(2)), &[0.625], 1e-6, "past the edge");
    // [−0.5, 0.5]² → [−1, 0]²: the sample at −0.5 clamps to 0: f(0, 0) = 1.
    assert_close(&one([-0.5, -0.5, 0.5, 0.5], 1, Some(1)), &[1.0], 1e-6, "clamped low");
    // Samples below −1 count as 0: [−6, −2] → samples at −5.5, −3.5 (and x = 0.5): all empty.
    assert_close(&one([0.0, -6.0, 2.0, -2.0], 1, Some(2)), &[0.0], 1e-6, "outside");
    // Half of them empty: y ∈ [−3.5, 1.5] → samples −2.25 (empty) and 0.25 → f(0.5, 0.25)/2.
    assert_close(&one([0.0, -3.0, 2.0, 2.0], 1, Some(2)), &[(1.0 + 0.5 + 0.5) / 2.0], 1e-6, "half outside");
}

#[test]
fn rejects_empty_boxes_and_bad_batch_indices() {
    let device = Device::flex();
    let features = Tensor::<4>::zeros([1, 1, 4, 4], &device);
    assert!(roi_align(features.clone(), &[], 2, 1.0, None).is_err());
    assert!(roi_align(features, &[Roi::new(1, [0.0, 0.0, 1.0, 1.0])], 2, 1.0, None).is_err());
}

#[test]
fn gradient_reaches_the_features() {
    let device = Device::flex().autodiff();
    let features = Tensor::<1>::from_floats([1.0, 2.0, 3.0, 4.0], &device).reshape([1, 1, 2, 2]).require_grad();
    let out = roi_align(features.clone(), &[Roi::new(0, [0.0, 0.0, 2.0, 2.0])], 1, 1.0, Some(1)).unwrap();
    let grads = out.sum().backward();
    let g = host(features.grad(&grads).expect("a gradient for the features"));
    // One bilinear sample at (0.5, 0.5): each pixel has weight 1/4.
    assert_close(&g, &[0.25; 4], 1e-6, "d out / d features");
}

kiln_core::test_device!(roi_align_matches_flex, |device| {
    let flex = Device::flex();
    let features = Tensor::<4>::random([2, 3, 9, 11], burn::tensor::Distribution::Normal(0.0, 1.0), &flex);
    let rois = [Roi::new(1, [0.5, 1.0, 17.0, 12.0]), Roi::new(0, [-3.0, 2.0, 6.0, 30.0])];
    let expected = roi_align(features.clone(), &rois, 4, 0.5, None).unwrap();
    let got = roi_align(features.to_device(&device), &rois, 4, 0.5, None).unwrap().to_device(&flex);
    let d = kiln_core::testing::max_abs_diff(got, expected);
    assert!(d < 1e-4, "RoIAlign differs from flex by {d}");
});
