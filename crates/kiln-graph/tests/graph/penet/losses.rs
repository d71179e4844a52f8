//! PE-Net's losses against hand values, and which side of the regularisers is detached.

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_graph::penet::{
    PeNetForward, PeNetLossConfig, euclidean_relation_loss, fusion, penet_losses, prototype_distance_loss,
    prototype_l21, squared_distances,
};

fn matrix(rows: usize, cols: usize, values: &[f32], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), [rows, cols]), device)
}

fn labels(values: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

fn scalar(t: Tensor<1>) -> f32 {
    to_vec(t)[0]
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-4 * b.abs().max(1.0)
}

kiln_core::test_device!(fusion_is_relu_of_sum_minus_squared_difference, |device| {
    let s = matrix(1, 3, &[1.0, 2.0, -1.0], &device);
    let o = matrix(1, 3, &[3.0, -1.0, -2.0], &device);
    // ReLU(4, 1, −3) − (−2, 3, 1)² = (4 − 4, 1 − 9, 0 − 1).
    assert_eq!(to_vec(fusion(s, o)), vec![0.0, -8.0, -1.0]);
});

#[test]
fn squared_distances_are_exact() {
    let device = Device::flex();
    let a = matrix(2, 2, &[0.0, 0.0, 1.0, 0.0], &device);
    let b = matrix(3, 2, &[1.0, 0.0, 0.0, 2.0, 3.0, 0.0], &device);
    assert_eq!(to_vec(squared_distances(a, b)), vec![1.0, 4.0, 9.0, 0.0, 5.0, 4.0]);
}

// `r = (0,0), (1,0)`; `c = (1,0), (0,2), (3,0), (0,0.5)`: `G = [1, 4, 9, .25]` and
// `[0, 5, 4, 1.25]`.
kiln_core::test_device!(euclidean_loss_matches_hand_values, |device| {
    let r = matrix(2, 2, &[0.0, 0.0, 1.0, 0.0], &device);
    let c = matrix(4, 2, &[1.0, 0.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.5], &device);
    let y = labels(&[0, 1], &device);
    // k = 2: row 0 max(0, 1 − (0.25 + 4)/2 + 1) = 0; row 1 5 − (0 + 1.25)/2 + 1 = 5.375.
    let two = scalar(euclidean_relation_loss(r.clone(), c.clone(), y.clone(), 2, 1.0));
    assert!(close(two, 5.375 / 2.0), "k = 2: {two}");
    // k = 10 > K − 1 = 3 negatives: the mean of all three.
    // Row 0: 1 − 13.25/3 + 1 < 0; row 1: 5 − 5.25/3 + 1 = 4.25.
    let all = scalar(euclidean_relation_loss(r.clone(), c.clone(), y.clone(), 10, 1.0));
    assert!(close(all, 4.25 / 2.0), "k = 10: {all}");
    // Margin 2, k = 2: row 0 1 − 2.125 + 2 = 0.875.
    let wide = scalar(euclidean_relation_loss(r, c, y, 2, 2.0));
    assert!(close(wide, (0.875 + 6.375) / 2.0), "margin 2: {wide}");
});

// `c = (1,0), (0,1), (1,1)`: rows of `S` have norms `√1.5, √1.5, √2`; divided by K² = 9.
kiln_core::test_device!(l21_matches_hand_value, |device| {
    let c = matrix(3, 2, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &device);
    let want = (2.0 * 1.5f32.sqrt() + 2.0f32.sqrt()) / 9.0;
    let got = scalar(prototype_l21(c));
    assert!(close(got, want), "{got} vs {want}");
});

// `c = (0,0), (1,0), (0,3)`: nearest squared distances 1, 1, 9; `mean max(0, 7 − d⁻) = 4`.
kiln_core::test_device!(prototype_distance_matches_hand_value, |device| {
    let c = matrix(3, 2, &[0.0, 0.0, 1.0, 0.0, 0.0, 3.0], &device);
    let got = scalar(prototype_distance_loss(c, 7.0));
    assert!(close(got, 4.0), "{got}");
});

// Only the left factor carries gradient: `c = (0,0), (1,0)`, loss `mean(7 − ‖c_i − sg(c_j)‖²)`,
// so `∂/∂c_0 = −(c_0 − c_1) = (1, 0)` and `∂/∂c_1 = (−1, 0)` (twice that if both sides flowed).
kiln_core::test_device!(prototype_distance_detaches_the_right_side, |device| {
    let ad = device.clone().autodiff();
    let c = matrix(2, 2, &[0.0, 0.0, 1.0, 0.0], &ad).require_grad();
    let grads = prototype_distance_loss(c.clone(), 7.0).backward();
    let g = to_vec(c.grad(&grads).expect("gradient"));
    assert!(g.iter().zip([1.0, 0.0, -1.0, 0.0]).all(|(a, b)| close(*a, b)), "{g:?}");
});

// `c_0 = (1,0)`, `c_1 = (1,1)`, `a = 1/√2`: `S_0 = (1, a)`, and with the right factor detached
// `∂L/∂ĉ_0 = Σ_j (S_0j/‖S_0‖) ĉ_j / K² = (1.5, 0.5) / (4√1.5)`; `‖c_0‖ = 1` and the
// normalisation's Jacobian `I − ĉ_0ĉ_0ᵀ` keeps the y part: `∂L/∂c_0 = (0, 0.5 / (4√1.5))`.
// Row 1 (`ĉ_1 · sg(ĉ_0)`) sends nothing to `c_0`.
kiln_core::test_device!(l21_detaches_the_right_side, |device| {
    let ad = device.clone().autodiff();
    let c = matrix(2, 2, &[1.0, 0.0, 1.0, 1.0], &ad).require_grad();
    let grads = prototype_l21(c.clone()).backward();
    let g = to_vec(c.grad(&grads).expect("gradient"));
    let want_y = 0.5 / 1.5f32.sqrt() / 4.0;
    assert!(close(g[0], 0.0) && close(g[1], want_y), "c_0 gradient {:?}, want (0, {want_y})", &g[..2]);
});

kiln_core::test_device!(total_is_the_weighted_sum_of_the_terms, |device| {
    let r = matrix(2, 2, &[0.0, 0.0, 1.0, 0.0], &device);
    let c = matrix(4, 2, &[1.0, 0.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.5], &device);
    let logits = matrix(2, 4, &[2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], &device);
    let out = PeNetForward { logits, relations: r, prototypes: c };
    let config =
        PeNetLossConfig { relation_margin: 1.0, negatives: 2, prototype_margin: 7.0, weights: [1.0, 2.0, 3.0, 4.0] };
    let t = penet_losses(&out, labels(&[0, 1], &device), &config);
    // CE: row 0 −log(e²/(e² + 3)), row 1 −log(1/4).
    let e2 = 2.0f32.exp();
    let ce = ((-(e2 / (e2 + 3.0)).ln()) + 4.0f32.ln()) / 2.0;
    assert!(close(scalar(t.cross_entropy.clone()), ce), "CE {}", scalar(t.cross_entropy.clone()));
    assert!(close(scalar(t.euclidean.clone()), 5.375 / 2.0));
    let want = scalar(t.cross_entropy.clone())
        + 2.0 * scalar(t.euclidean.clone())
        + 3.0 * scalar(t.l21.clone())
        + 4.0 * scalar(t.distance.clone());
    assert!(close(scalar(t.total(&config)), want));
});
