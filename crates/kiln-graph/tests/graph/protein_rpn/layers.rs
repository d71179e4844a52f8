//! The RPN's soft region and node-drop, functional attention, GMT and the losses against hand
//! values on tiny graphs.

use burn::module::Param;
use burn::prelude::{Device, Tensor};
use kiln_core::tensor::to_vec;
use kiln_graph::message_passing::GraphTensors;
use kiln_graph::protein_rpn::loss::{bce_with_logits, nt_xent, supcon};
use kiln_graph::protein_rpn::{
    FunctionalAttentionConfig, GmtConfig, ProteinBatch, apply_node_drop, region_weights, soft_region,
};
use kiln_graph::protein_rpn::{ProteinExample, SynthSpec, synth_proteins};

fn close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-5, "{got:?} vs {want:?}");
    }
}

/// The path 0 – 1 – 2, both directions: 0→1, 1→0, 1→2, 2→1.
fn path(device: &Device) -> GraphTensors {
    GraphTensors::from_edges(&[0, 1, 1, 2], &[1, 0, 2, 1], None, 3, device)
}

#[test]
fn protein_rpn_soft_region_and_node_drop_match_hand_values() {
    let device = Device::flex();
    let g = path(&device);
    let seed = Tensor::<1>::from_floats([1.0, 0.0, 0.0], &device);
    // One hop: Âs = (0, 0.5, 0); s = 0.5·Âs + 0.5·s.
    close(&to_vec(soft_region(seed.clone(), &g, 1, 0.5)), &[0.5, 0.25, 0.0]);
    // Two hops: Âs = (0.25, 0.25, 0.25).
    let s = soft_region(seed, &g, 2, 0.5);
    close(&to_vec(s.clone()), &[0.375, 0.25, 0.125]);
    // w̃(j→i) = s_j s_i / deg(i), deg = (1, 2, 1).
    close(&to_vec(region_weights(s, &g)), &[0.375 * 0.25 / 2.0, 0.25 * 0.375, 0.25 * 0.125, 0.125 * 0.25 / 2.0]);
    let x = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], &device);
    let keep = Tensor::<1>::from_floats([0.5, 1.0, 0.25], &device);
    let (pooled, w) = apply_node_drop(x, Tensor::ones([4], &device), keep, &g);
    close(&to_vec(pooled), &[0.5, 1.0, 3.0, 4.0, 1.25, 1.5]);
    close(&to_vec(w), &[0.5, 0.5, 0.25, 0.25]);
}

#[test]
fn protein_rpn_functional_attention_matches_hand_values() {
    let device = Device::flex();
    let mut layer = FunctionalAttentionConfig::new(2, 2).init(&device);
    layer.linear.weight = Param::from_tensor(Tensor::from_floats([[1.0, 0.0], [0.0, 1.0]], &device));
    layer.att_src = Param::from_tensor(Tensor::from_floats([1.0, 0.0], &device));
    layer.att_dst = Param::from_tensor(Tensor::from_floats([0.0, 1.0], &device));
    let x = Tensor::<2>::from_floats([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], &device);
    let f = Tensor::<1>::from_floats([1.0, 0.0, 0.5], &device);
    // Edges 0→1, 2→1, 1→0. Scores a_src·x_j + a_dst·x_i: 2, 2, 0; factors f_j + (1−f_j)/2:
    // 1, 0.75, 0.5; so 2, 1.5, 0 and, at target 1, α = σ(±0.5).
    let g = GraphTensors::from_edges(&[0, 2, 1], &[1, 1, 0], None, 3, &device);
    let a = 1.0 / (1.0 + (-0.5f32).exp());
    close(&to_vec(layer.coefficients(x.clone(), f.clone(), &g)), &[a, 1.0 - a, 1.0]);
    // x'_1 = ReLU(α₀·x₀ + α₂·x₂), x'_0 = x₁, x'_2 = 0 (no messages).
    close(&to_vec(layer.forward(x, f, &g)), &[0.0, 1.0, 1.0, 1.0 - a, 0.0, 0.0]);
}

#[test]
fn protein_rpn_losses_match_hand_values() {
    let device = Device::flex();
    let z = Tensor::<1>::from_floats([0.0, 2.0, -3.0], &device);
    let y = Tensor::<1>::from_floats([1.0, 0.0, 0.0], &device);
    let want: Vec<f32> = [(0.0f32, 1.0f32), (2.0, 0.0), (-3.0, 0.0)]
        .iter()
        .map(|&(z, y)| {
            let p = 1.0 / (1.0 + (-z).exp());
            -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
        })
        .collect();
    close(&to_vec(bce_with_logits(z, y)), &want);
    // Two identical views of two orthogonal embeddings, τ = 1: each row's positive has
    // similarity 1 against 0, 1, 0: loss ln(2 + e) − 1.
    let e = Tensor::<2>::from_floats([[1.0, 0.0], [0.0, 2.0]], &device);
    close(&to_vec(nt_xent(e.clone(), e, 1.0)), &[(2.0 + std::f32::consts::E).ln() - 1.0]);
    // SupCon: 0 and 1 are positives (similarity 1), 2 has none and is left out.
    let z = Tensor::<2>::from_floats([[1.0, 0.0], [3.0, 0.0], [0.0, 1.0]], &device);
    let pos = Tensor::<2>::from_floats([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]], &device);
    close(&to_vec(supcon(z, pos, 1.0)), &[(1.0 + std::f32::consts::E).ln() - 1.0]);
}

#[test]
fn protein_rpn_gmt_ignores_padding_and_batch_order() {
    let device = Device::flex();
    let set = synth_proteins(&SynthSpec { proteins: 3, ..SynthSpec::default() }, 2).unwrap();
    let ex: Vec<ProteinExample> = set.iter().map(|p| ProteinExample::from_synth(p, 10.0)).collect();
    let gmt = GmtConfig::new(8).with_heads(2).with_seeds(4).init(&device);
    let lift = kiln_graph::layers::GcnConvConfig::new(kiln_graph::protein_rpn::FEATURES, 8).init(&device);
    let embed = |batch: &ProteinBatch| to_vec(gmt.forward(lift.forward(batch.x.clone(), &batch.graph), batch));
    let alone = embed(&ProteinBatch::of_examples(&[&ex[1]], 2, &device).unwrap());
    let together = embed(&ProteinBatch::of_examples(&[&ex[0], &ex[1], &ex[2]], 2, &device).unwrap());
    assert_eq!(together.len(), 24);
    close(&together[8..16], &alone);
}
