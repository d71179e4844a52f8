//! NT-Xent: a hand-computed value, invariance to the order of the pairs, identical views of
//! orthogonal vectors, and agreement between devices.

use burn::prelude::Device;
use kiln_semi::simclr::nt_xent;

use super::common::{matrix, pseudo_random, scalar};

/// `−log(e^{pos/τ} / Σ_k e^{c_k/τ})` for the three candidates `c` of an anchor.
fn anchor_loss(positive: f64, candidates: [f64; 3], tau: f64) -> f64 {
    let denominator: f64 = candidates.iter().map(|c| (c / tau).exp()).sum();
    -((positive / tau).exp() / denominator).ln()
}

#[test]
fn nt_xent_matches_a_hand_computed_value() {
    let device = Device::flex();
    // Image 0: views a = (1, 0) and c = (0.6, 0.8). Image 1: views b = (0, 1) and d = (2, 2).
    let z1 = matrix(&[1.0, 0.0, 0.0, 1.0], 2, 2, &device);
    let z2 = matrix(&[0.6, 0.8, 2.0, 2.0], 2, 2, &device);
    let tau = 0.5;
    let r = std::f64::consts::FRAC_1_SQRT_2;
    // Cosines: ab = 0, ac = 0.6, ad = 1/√2, bc = 0.8, bd = 1/√2, cd = (0.6 + 0.8)/√2.
    let (ab, ac, ad, bc, bd, cd) = (0.0, 0.6, r, 0.8, r, 1.4 * r);
    let expected = (anchor_loss(ac, [ab, ac, ad], tau)
        + anchor_loss(bd, [ab, bc, bd], tau)
        + anchor_loss(ac, [ac, bc, cd], tau)
        + anchor_loss(bd, [ad, bd, cd], tau))
        / 2.0; // the official scale: the 2N = 4 anchors' losses summed, averaged over N = 2
    let got = scalar(nt_xent(z1, z2, tau));
    assert!((got - expected).abs() < 1e-5, "nt_xent = {got}, by hand {expected}");
}

#[test]
fn nt_xent_ignores_the_order_of_the_pairs() {
    let device = Device::flex();
    let (n, d) = (5, 7);
    let a = pseudo_random(n * d, 1);
    let b = pseudo_random(n * d, 2);
    let order = [3, 0, 4, 1, 2];
    let permute = |v: &[f32]| order.iter().flat_map(|&i| v[i * d..(i + 1) * d].to_vec()).collect::<Vec<f32>>();
    let loss = scalar(nt_xent(matrix(&a, n, d, &device), matrix(&b, n, d, &device), 0.1));
    let permuted = scalar(nt_xent(matrix(&permute(&a), n, d, &device), matrix(&permute(&b), n, d, &device), 0.1));
    assert!((loss - permuted).abs() < 1e-5, "{loss} vs {permuted}");
}

#[test]
fn identical_views_of_orthogonal_vectors_beat_random_views() {
    let device = Device::flex();
    let n = 4;
    let mut eye = vec![0f32; n * n];
    for i in 0..n {
        eye[i * n + i] = 2.0;
    }
    let tau = 0.1;
    let aligned = scalar(nt_xent(matrix(&eye, n, n, &device), matrix(&eye, n, n, &device), tau));
    // Positive cosine 1, the other 2N − 2 candidates cosine 0; 2N equal anchor losses over N.
    let e = (1.0 / tau).exp();
    let expected = -2.0 * (e / (e + (2 * n - 2) as f64)).ln();
    assert!((aligned - expected).abs() < 1e-5, "{aligned} vs {expected}");
    let random = scalar(nt_xent(
        matrix(&pseudo_random(n * n, 3), n, n, &device),
        matrix(&pseudo_random(n * n, 4), n, n, &device),
        tau,
    ));
    assert!(aligned < random, "identical orthogonal views {aligned} should beat random views {random}");
}

kiln_core::test_device!(nt_xent_matches_flex, |device| {
    let (n, d) = (6, 16);
    let a = pseudo_random(n * d, 5);
    let b = pseudo_random(n * d, 6);
    let flex = Device::flex();
    let reference = scalar(nt_xent(matrix(&a, n, d, &flex), matrix(&b, n, d, &flex), 0.1));
    let got = scalar(nt_xent(matrix(&a, n, d, &device), matrix(&b, n, d, &device), 0.1));
    assert!((got - reference).abs() < 1e-4, "device {got} vs flex {reference}");
});
