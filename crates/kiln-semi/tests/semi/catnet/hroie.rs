//! HRoIE: hand values of the gated accumulation in both directions, through RoIAlign too.

use burn::prelude::{Device, Tensor};
use kiln_semi::catnet::{Direction, HRoIEConfig, Roi};

use super::{assert_close, host, set_conv};

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// One channel, two levels; gate 0 = σ(0·acc + 1·r + 0), gate 1 = σ(1·acc − 1·r + 0.5).
fn extractor(direction: Direction, device: &Device) -> kiln_semi::catnet::HRoIE {
    let mut hroie = HRoIEConfig::new(1, vec![1, 2], direction).init(device);
    set_conv(&mut hroie.gates[0], &[0.0, 1.0], &[0.0], device);
    set_conv(&mut hroie.gates[1], &[1.0, -1.0], &[0.5], device);
    hroie
}

/// Crops r₀ = 2, r₁ = 3.
fn crops(device: &Device) -> Vec<Tensor<4>> {
    vec![Tensor::<4>::full([1, 1, 1, 1], 2.0, device), Tensor::<4>::full([1, 1, 1, 1], 3.0, device)]
}

#[test]
fn bottom_up_hand_value() {
    let device = Device::flex();
    let acc = 2.0 * sigmoid(2.0);
    let acc = acc + 3.0 * sigmoid(acc - 3.0 + 0.5);
    assert_close(&host(extractor(Direction::BottomUp, &device).aggregate(crops(&device))), &[acc], 1e-6, "bottom-up");
}

#[test]
fn top_down_hand_value() {
    let device = Device::flex();
    let acc = 3.0 * sigmoid(-3.0 + 0.5);
    let acc = acc + 2.0 * sigmoid(2.0);
    assert_close(&host(extractor(Direction::TopDown, &device).aggregate(crops(&device))), &[acc], 1e-6, "top-down");
}

#[test]
fn forward_pools_every_level() {
    let device = Device::flex();
    // Constant levels (2 at stride 1, 3 at stride 2): every crop is constant, so every bin of
    // the 7×7 output is the bottom-up hand value.
    let features = vec![Tensor::<4>::full([1, 1, 8, 8], 2.0, &device), Tensor::<4>::full([1, 1, 4, 4], 3.0, &device)];
    let out = extractor(Direction::BottomUp, &device).forward(features, &[Roi::new(0, [1.0, 1.0, 5.0, 5.0])]).unwrap();
    assert_eq!(out.dims(), [1, 1, 7, 7]);
    let acc = 2.0 * sigmoid(2.0);
    let acc = acc + 3.0 * sigmoid(acc - 3.0 + 0.5);
    assert_close(&host(out), &[acc; 49], 1e-5, "forward");
    let wrong = extractor(Direction::BottomUp, &device).forward(vec![Tensor::zeros([1, 1, 8, 8], &device)], &[]);
    assert!(wrong.is_err());
}

#[test]
fn single_level_baseline_picks_the_level_by_size() {
    use kiln_semi::catnet::hroie::{roi_level, single_level_roi_align};
    assert_eq!(roi_level(&[0.0, 0.0, 60.0, 60.0], 4, 56.0), 0);
    assert_eq!(roi_level(&[0.0, 0.0, 112.0, 112.0], 4, 56.0), 1);
    assert_eq!(roi_level(&[0.0, 0.0, 300.0, 300.0], 4, 56.0), 2);
    assert_eq!(roi_level(&[0.0, 0.0, 1000.0, 1000.0], 4, 56.0), 3);
    let device = Device::flex();
    // Level 0 is all 2, level 1 all 3: a small box reads 2, a large one 3, in input order.
    let features =
        vec![Tensor::<4>::full([1, 1, 128, 128], 2.0, &device), Tensor::<4>::full([1, 1, 64, 64], 3.0, &device)];
    // Sides 120 (level 1), 8 and 60 (level 0).
    let rois =
        [Roi::new(0, [0.0, 0.0, 120.0, 120.0]), Roi::new(0, [1.0, 1.0, 9.0, 9.0]), Roi::new(0, [0.0, 0.0, 60.0, 60.0])];
    let out = single_level_roi_align(features, &[1, 2], &rois, 2, 56.0, Some(2)).unwrap();
    assert_eq!(out.dims(), [3, 1, 2, 2]);
    assert_close(&host(out), &[3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], 1e-6, "levels");
}
