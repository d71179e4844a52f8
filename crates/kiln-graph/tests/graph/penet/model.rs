//! The PE-Net model: the entity gate and residual block against hand values, the relation and
//! cosine logits against their definitions, devices, and a save/load round trip.

use std::sync::Arc;

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_core::testing::max_abs_diff;
use kiln_core::train::{BatchSource, StepContext, TrainModel};
use kiln_graph::penet::{
    EntityEmbedding, LinearHead, PeNet, PeNetConfig, SceneSource, SceneSpec, fusion, scene_config, scenes,
};

fn matrix(rows: usize, cols: usize, values: &[f32], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), [rows, cols]), device)
}

fn vector(values: &[f32], device: &Device) -> Param<Tensor<1>> {
    Param::from_tensor(Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device))
}

fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < tol)
}

fn source() -> (SceneSource, PeNetConfig, kiln_graph::penet::Scenes) {
    let spec = SceneSpec { train_scenes: 4, test_scenes: 2, ..SceneSpec::default() };
    let s = scenes(&spec, 7).unwrap();
    let config = scene_config(&s).with_mlp_dim(16).with_word_dim(s.spec.word_dim);
    let source = SceneSource { scenes: Arc::new(s.train.clone()), scenes_per_batch: 2, shuffle: None };
    (source, config, s)
}

// word 1, m = 2: `W t = (2, −2)` for `t = 2`; `v = (1, 3)`; gate bias `(0, ln 3)` and zero
// weights, `g = (1/2, 3/4)`; gated sum `(2.5, 0.25)`. The residual linear map is zero, so the
// output is `LayerNorm(2.5, 0.25) = (1, −1)`.
kiln_core::test_device!(entity_gate_and_residual_match_hand_values, |device| {
    let mut e = EntityEmbedding::new(1, 2, 0.0, &device);
    e.word.first.weight = Param::from_tensor(matrix(1, 1, &[1.0], &device));
    e.word.first.bias = Some(vector(&[0.0], &device));
    e.word.second.weight = Param::from_tensor(matrix(1, 2, &[1.0, -1.0], &device));
    e.word.second.bias = Some(vector(&[0.0, 0.0], &device));
    e.gate.weight = Param::from_tensor(Tensor::zeros([4, 2], &device));
    e.gate.bias = Some(vector(&[0.0, 3.0f32.ln()], &device));
    e.linear.weight = Param::from_tensor(Tensor::zeros([2, 2], &device));
    e.linear.bias = Some(vector(&[0.0, 0.0], &device));
    let (t, v) = (matrix(1, 1, &[2.0], &device), matrix(1, 2, &[1.0, 3.0], &device));
    assert!(close(&to_vec(e.gated(t.clone(), v.clone())), &[2.5, 0.25], 1e-5));
    assert!(close(&to_vec(e.forward(t, v)), &[1.0, -1.0], 1e-4));
});

/// With `gate_pred` zeroed, `g_p = 1/2` and `r = F(s, o) − h(MLP(x_u)) / 2`; logits are the
/// cosines of the projected `r` and `c` times `1/0.07`.
#[test]
fn relation_and_logits_follow_their_definitions() {
    let (source, config, s) = source();
    let device = Device::flex();
    let mut model = config.clone().with_dropout(0.0).init(&device).unwrap();
    model = model.with_word_vectors(&s.object_words, &s.predicate_words).unwrap();
    model.gate_pred.weight = Param::from_tensor(Tensor::zeros([32, 16], &device));
    model.gate_pred.bias = Some(Param::from_tensor(Tensor::zeros([16], &device)));
    let batch = source.batch(0, 0, &device).unwrap();
    let (sub, obj) = model.entities(&batch);
    let u = model.vis2sem.forward(model.down_samp.forward(batch.union_x.clone()));
    let want = fusion(sub.clone(), obj.clone()) - u * 0.5;
    assert!(max_abs_diff(model.relation(sub, obj, batch.union_x.clone()), want) < 1e-5);

    let out = model.forward(&batch);
    let (r, c) = (to_vec(out.relations.clone()), to_vec(out.prototypes.clone()));
    let (p, k, d) = (out.logits.dims()[0], out.logits.dims()[1], out.relations.dims()[1]);
    assert_eq!((k, d), (31, 32));
    let logits = to_vec(out.logits);
    let norm = |x: &[f32]| x.iter().map(|v| v * v).sum::<f32>().sqrt();
    for i in [0, p / 2, p - 1] {
        for j in [0, 7, 30] {
            let (ri, cj) = (&r[i * d..(i + 1) * d], &c[j * d..(j + 1) * d]);
            let cos = ri.iter().zip(cj).map(|(a, b)| a * b).sum::<f32>() / (norm(ri) * norm(cj));
            assert!((logits[i * k + j] - cos / 0.07).abs() < 1e-3, "logit ({i}, {j})");
        }
    }
}

#[test]
fn paper_sizes() {
    let config = PeNetConfig::new(150, 51);
    assert_eq!((config.word_dim, config.mlp_dim, config.entity_dim, config.union_dim), (300, 2048, 4096, 4096));
    assert!((config.logit_scale - (1.0f64 / 0.07).ln()).abs() < 1e-12);
    assert_eq!((config.negatives, config.relation_margin, config.prototype_margin), (10, 1.0, 7.0));
    let small = PeNetConfig::small(50, 31);
    assert_eq!((small.word_dim, small.mlp_dim), (32, 128));
    assert!(PeNetConfig::new(5, 1).validate().is_err());
    assert!(PeNetConfig::new(5, 3).with_dropout(1.0).validate().is_err());
}

fn ctx() -> StepContext {
    StepContext { stage: (), epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: false }
}

kiln_core::test_device!(penet_agrees_with_flex, |device| {
    let (source, config, _) = source();
    let flex = Device::flex();
    let model = config.init(&flex).unwrap();
    let expected = model.step(source.batch(0, 0, &flex).unwrap(), &ctx());
    let got = model.clone().to_device(&device).step(source.batch(0, 0, &device).unwrap(), &ctx());
    let diff = max_abs_diff(expected.loss.clone(), got.loss.clone().to_device(&flex));
    assert!(diff < 1e-3, "loss |Δ| = {diff}");
    for ((name, a), (_, b)) in expected.terms.iter().zip(&got.terms) {
        let diff = max_abs_diff(a.clone(), b.clone().to_device(&flex));
        assert!(diff < 1e-3, "{name} |Δ| = {diff}");
    }
    let diff = max_abs_diff(expected.logits.unwrap(), got.logits.unwrap().to_device(&flex));
    assert!(diff < 1e-3, "logits |Δ| = {diff}");
    let head = LinearHead::new(&config, &flex).unwrap();
    let a = head.forward(&source.batch(0, 0, &flex).unwrap());
    let b = head.to_device(&device).forward(&source.batch(0, 0, &device).unwrap());
    assert!(max_abs_diff(a, b.to_device(&flex)) < 1e-3);
});

#[test]
fn step_reports_the_four_terms() {
    let (source, config, _) = source();
    let device = Device::flex();
    let model = config.init(&device).unwrap();
    let out = model.step(source.batch(0, 0, &device).unwrap(), &ctx());
    let names: Vec<&str> = out.terms.iter().map(|t| t.0).collect();
    assert_eq!(names, ["cross_entropy", "euclidean", "l21", "distance"]);
    let sum: f32 = out.terms.iter().map(|t| to_vec(t.1.clone())[0]).sum();
    assert!((to_vec(out.loss)[0] - sum).abs() < 1e-4 * sum.abs().max(1.0));
}

#[test]
fn penet_save_load_round_trip() {
    let (source, config, s) = source();
    let device = Device::flex();
    device.seed(4);
    let model = config.init(&device).unwrap().with_word_vectors(&s.object_words, &s.predicate_words).unwrap();
    let dir = std::env::temp_dir().join(format!("kiln-graph-penet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("penet.bpk");
    model.clone().save_file(&path).unwrap();
    device.seed(5);
    let loaded = config.init(&device).unwrap().load_file(&path);
    let batch = source.batch(0, 0, &device).unwrap();
    assert_eq!(to_vec(model.scores(&batch)), to_vec(loaded.scores(&batch)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn word_vectors_are_checked() {
    let (_, config, _) = source();
    let model: PeNet = config.init(&Device::flex()).unwrap();
    assert!(model.with_word_vectors(&[0.0; 3], &[0.0; 3]).is_err());
}
