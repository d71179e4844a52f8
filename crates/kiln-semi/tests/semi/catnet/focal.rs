//! Focal and L1 losses against hand values.

use burn::prelude::{Device, Tensor};
use kiln_semi::catnet::{FOCAL_ALPHA, FOCAL_GAMMA, l1_loss, sigmoid_focal_loss};

use super::{assert_close, host};

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[test]
fn focal_loss_equals_hand_values() {
    let device = Device::flex();
    let logits = Tensor::<1>::from_floats([0.0, 2.0, -3.0, 100.0, -100.0], &device);
    let targets = Tensor::<1>::from_floats([1.0, 0.0, 1.0, 1.0, 1.0], &device);
    let got = host(sigmoid_focal_loss(logits, targets, FOCAL_GAMMA, FOCAL_ALPHA));
    let p2 = sigmoid(2.0);
    let p3 = sigmoid(-3.0);
    let want = [
        // x = 0, t = 1: α (1 − ½)² ln 2.
        0.25 * 0.25 * 2f32.ln(),
        // x = 2, t = 0: (1 − α) p² (−ln(1 − p)).
        0.75 * p2 * p2 * -(1.0 - p2).ln(),
        // x = −3, t = 1: α (1 − p)² (−ln p).
        0.25 * (1.0 - p3).powi(2) * -p3.ln(),
        // Saturated: a confident hit costs nothing, a confident miss α · 100.
        0.0,
        25.0,
    ];
    assert_close(&got, &want, 1e-5, "focal");
}

#[test]
fn l1_sums_absolute_differences() {
    let device = Device::flex();
    let a = Tensor::<2>::from_floats([[1.0, -2.0], [0.5, 0.0]], &device);
    let b = Tensor::<2>::from_floats([[0.0, 1.0], [0.5, -1.0]], &device);
    assert_close(&host(l1_loss(a, b)), &[5.0], 1e-6, "l1");
}
