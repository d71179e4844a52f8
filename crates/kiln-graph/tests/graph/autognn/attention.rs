//! Each attention function against values computed by hand on a 3-node graph.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_graph::autognn::{AttentionKind, AttentionParams, attention_coefficients};
use kiln_graph::message_passing::GraphTensors;

/// Edges 0→1, 2→1, 1→0 and a self-loop on every node (K = 1 head, C = 2).
fn setup(device: &Device) -> (Tensor<3>, GraphTensors, AttentionParams) {
    let src = [0, 2, 1, 0, 1, 2];
    let dst = [1, 1, 0, 0, 1, 2];
    let graph = GraphTensors::from_edges(&src, &dst, None, 3, device);
    let h = Tensor::from_data(TensorData::new(vec![1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0], [3, 1, 2]), device);
    let t = |v: [f32; 2]| Tensor::<2>::from_data(TensorData::new(v.to_vec(), [1, 2]), device);
    let params =
        AttentionParams { a_l: t([1.0, 2.0]), a_r: t([0.5, -1.0]), w_g: Some(t([1.0, -1.0])), negative_slope: 0.2 };
    (h, graph, params)
}

/// Host values of `h`.
const H: [[f32; 2]; 3] = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
const A_L: [f32; 2] = [1.0, 2.0];
const A_R: [f32; 2] = [0.5, -1.0];
const W_G: [f32; 2] = [1.0, -1.0];
const SRC: [usize; 6] = [0, 2, 1, 0, 1, 2];
const DST: [usize; 6] = [1, 1, 0, 0, 1, 2];

fn dot(a: [f32; 2], b: [f32; 2]) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}

fn lrelu(x: f32) -> f32 {
    if x > 0.0 { x } else { 0.2 * x }
}

/// Softmax of `scores` over the edges that share a target.
fn softmax_by_target(scores: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0; scores.len()];
    for t in 0..3 {
        let edges: Vec<usize> = (0..scores.len()).filter(|&e| DST[e] == t).collect();
        let max = edges.iter().map(|&e| scores[e]).fold(f32::MIN, f32::max);
        let sum: f32 = edges.iter().map(|&e| (scores[e] - max).exp()).sum();
        for &e in &edges {
            out[e] = (scores[e] - max).exp() / sum;
        }
    }
    out
}

fn expected(kind: AttentionKind) -> Vec<f32> {
    let score = |e: usize| {
        let (i, j) = (DST[e], SRC[e]);
        let (hi, hj) = (H[i], H[j]);
        match kind {
            AttentionKind::Const => 1.0,
            AttentionKind::Gcn => {
                let deg = |v: usize| DST.iter().filter(|&&d| d == v).count() as f32;
                1.0 / (deg(i) * deg(j)).sqrt()
            }
            AttentionKind::Gat => lrelu(dot(A_L, hi) + dot(A_R, hj)),
            AttentionKind::SymGat => lrelu(dot(A_L, hi) + dot(A_R, hj)) + lrelu(dot(A_L, hj) + dot(A_R, hi)),
            AttentionKind::Cos => dot([A_L[0] * hi[0], A_L[1] * hi[1]], [A_R[0] * hj[0], A_R[1] * hj[1]]),
            AttentionKind::Linear => dot(A_R, hj).tanh(),
            AttentionKind::GeneLinear => {
                let t = [(A_L[0] * hi[0] + A_R[0] * hj[0]).tanh(), (A_L[1] * hi[1] + A_R[1] * hj[1]).tanh()];
                dot(W_G, t)
            }
        }
    };
    let scores: Vec<f32> = (0..6).map(score).collect();
    if kind.softmaxed() { softmax_by_target(&scores) } else { scores }
}

#[test]
fn every_attention_function_matches_hand_values_on_three_nodes() {
    let device = Device::flex();
    let (h, graph, params) = setup(&device);
    for kind in AttentionKind::ALL {
        let got = kiln_core::tensor::try_to_vec(attention_coefficients(kind, h.clone(), &graph, &params)).unwrap();
        let want = expected(kind);
        assert_eq!(got.len(), want.len());
        for (e, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((g - w).abs() < 1e-5, "{kind:?} edge {e}: {g} vs {w}");
        }
    }
    // Spot checks written out: GCN on edge 0→1 is 1/√(3·2); const is 1.
    let gcn = expected(AttentionKind::Gcn);
    assert!((gcn[0] - 1.0 / 6.0f32.sqrt()).abs() < 1e-6);
    // GAT at node 1: scores e(0→1) = lrelu(2 + 0.5) = 2.5, e(2→1) = lrelu(2 − 0.5) = 1.5,
    // e(1→1) = lrelu(2 − 1) = 1.
    let gat = expected(AttentionKind::Gat);
    let z = 2.5f32.exp() + 1.5f32.exp() + 1.0f32.exp();
    assert!((gat[0] - 2.5f32.exp() / z).abs() < 1e-6);
}

kiln_core::test_device!(attention_agrees_with_flex, |device| {
    let flex = Device::flex();
    let (h, graph, params) = setup(&flex);
    let (h2, graph2, params2) = setup(&device);
    for kind in AttentionKind::ALL {
        let a = attention_coefficients(kind, h.clone(), &graph, &params);
        let b = attention_coefficients(kind, h2.clone(), &graph2, &params2).to_device(&flex);
        let diff = kiln_core::testing::max_abs_diff(a, b);
        assert!(diff < 1e-5, "{kind:?}: |Δ| = {diff}");
    }
});
