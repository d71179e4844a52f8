//! Sobel edges and MSSCE on a 4×4 map, against values worked out by hand.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_geom::ppn::loss::{mse, mssce, smooth_l1, sobel};

/// A vertical step: columns 0–1 are 0, columns 2–3 are 1.
fn step_map(device: &Device) -> Tensor<4> {
    let row = [0.0, 0.0, 1.0, 1.0];
    Tensor::from_data(TensorData::new(row.repeat(4), [1, 1, 4, 4]), device)
}

fn scalar(t: Tensor<1>) -> f32 {
    to_vec(t)[0]
}

#[test]
fn sobel_matches_hand_values_on_a_step() {
    let device = Device::flex();
    let edges = to_vec(sobel(step_map(&device)));
    assert_eq!(edges.len(), 32);
    // G_x ⋆ x with zero padding. Interior rows see the full column (1, 2, 1) weights:
    // cell (r, 1): (1 + 2 + 1)·x[·][2] − (1 + 2 + 1)·x[·][0] = 4; cell (r, 2): 4·x[3] − 4·x[1] = 4;
    // cell (r, 3): −4·x[2] + 4·pad = −4; cell (r, 0): 4·x[1] − 4·pad = 0.
    // Top and bottom rows lose one neighbour row (weight 1): (2 + 1) instead of 4.
    #[rustfmt::skip]
    let gx = [
        0.0, 3.0, 3.0, -3.0,
        0.0, 4.0, 4.0, -4.0,
        0.0, 4.0, 4.0, -4.0,
        0.0, 3.0, 3.0, -3.0,
    ];
    // G_y ⋆ x: rows below minus rows above, weights (1, 2, 1) across columns. Inside, the
    // rows are equal: 0. Row 0: the row below (the padding above is 0): column 1 sees
    // 1·x[0] + 2·x[1] + 1·x[2] = 1, column 2: 0 + 2 + 1 = 3, column 3: 1 + 2 + pad = 3.
    #[rustfmt::skip]
    let gy = [
        0.0, 1.0, 3.0, 3.0,
        0.0, 0.0, 0.0, 0.0,
        0.0, 0.0, 0.0, 0.0,
        0.0, -1.0, -3.0, -3.0,
    ];
    assert_eq!(&edges[..16], &gx);
    assert_eq!(&edges[16..], &gy);
}

#[test]
fn smooth_l1_and_mse_match_hand_values() {
    let device = Device::flex();
    let a = Tensor::<1>::from_floats([0.5, 3.0, -1.0, 0.0], &device);
    let b = Tensor::<1>::zeros([4], &device);
    // ℓ: 0.5·0.25 = 0.125; 3 − 0.5 = 2.5; 1 − 0.5 = 0.5; 0 → mean 3.125 / 4.
    assert!((scalar(smooth_l1(a.clone(), b.clone())) - 3.125 / 4.0).abs() < 1e-6);
    // (0.25 + 9 + 1 + 0) / 4.
    assert!((scalar(mse(a, b)) - 10.25 / 4.0).abs() < 1e-6);
}

#[test]
fn mssce_matches_hand_value() {
    let device = Device::flex();
    let pred = step_map(&device);
    let target = Tensor::<4>::zeros([1, 1, 4, 4], &device);
    // Map term: 8 ones among 16 cells. MSE = 8/16 = 0.5; SmoothL1 = 0.5·1 per one = 4/16 = 0.25.
    let map = 0.5 + 0.25;
    // Edge term over the 32 Sobel values of the step (the target's edges are 0):
    // squares: G_x rows 0, 3: 9·3 = 27 each; rows 1, 2: 16·3 = 48 each → 150; G_y: 1 + 9 + 9 = 19
    // in rows 0 and 3 → 38; MSE = 188/32.
    // SmoothL1 (|d| − 0.5 for |d| ≥ 1): G_x rows 0, 3: 2.5·3 = 7.5 each; rows 1, 2: 3.5·3 = 10.5
    // each → 36; G_y rows 0, 3: 0.5 + 2.5 + 2.5 = 5.5 each → 11; mean 47/32.
    let edges = 188.0 / 32.0 + 47.0 / 32.0;
    let expected = 0.85 * map + 0.15 * edges;
    assert!((expected - 1.739_062_5f64).abs() < 1e-12);
    let got = scalar(mssce(pred.clone(), target.clone()));
    assert!((f64::from(got) - expected).abs() < 1e-5, "MSSCE {got}, expected {expected}");
    // Identical maps cost nothing; the loss is symmetric.
    assert_eq!(scalar(mssce(pred.clone(), pred.clone())), 0.0);
    assert!((scalar(mssce(target, pred)) - got).abs() < 1e-6);
}

#[test]
fn the_edge_term_has_a_gradient() {
    let device = Device::flex().autodiff();
    let pred = step_map(&device).require_grad();
    let target = Tensor::<4>::zeros([1, 1, 4, 4], &device);
    let grads = mssce(pred.clone(), target.clone()).backward();
    let with_edges = to_vec(pred.grad(&grads).expect("gradient"));
    // α = 1 keeps only the map term: the edge term must change the gradient.
    let pred2 = step_map(&device).require_grad();
    let grads2 = kiln_geom::ppn::loss::mssce_with(pred2.clone(), target, 1.0).backward();
    let map_only = to_vec(pred2.grad(&grads2).expect("gradient"));
    let diff: f32 = with_edges.iter().zip(&map_only).map(|(a, b)| (a - b).abs()).sum();
    assert!(diff > 1e-3, "the Sobel term contributes no gradient");
}
