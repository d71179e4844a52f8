//! LATTE's forward pass: α sums to 1 over each target's edges, β over each node's relations;
//! every compiled device agrees with flex; the layer-2 plan joins relations type-correctly.

use std::sync::Arc;

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::train::BatchSource;
use kiln_graph::hetero::{HeteroGraph, TypedSbm, typed_sbm};
use kiln_graph::latte::{LatteConfig, LatteSource, MetaRelation, macro_f1};
use kiln_graph::message_passing::scatter_sum;

fn graph() -> Arc<HeteroGraph> {
    let spec = TypedSbm { authors: 24, papers: 40, venues_per_area: 1, ..TypedSbm::default() };
    Arc::new(typed_sbm(&spec, 1).expect("graph").add_reverse())
}

fn read(t: Tensor<2>) -> Vec<f32> {
    kiln_core::tensor::try_to_vec(t).expect("read")
}

#[test]
fn alpha_and_beta_each_sum_to_one() {
    let device = Device::flex();
    let g = graph();
    let model = LatteConfig::small(4).with_hidden(8).init(&g, &device).expect("model");
    let batch = LatteSource::new(Arc::clone(&g), 0, (0..24).collect()).unwrap().batch(0, 0, &device).unwrap();
    let out = model.forward(&batch.graph, &batch.x, &batch.relations);
    assert_eq!(out.logits.dims(), [24, 4]);
    assert_eq!(out.layers.len(), 2);
    for (layer, relations) in out.layers.iter().zip(&out.relations) {
        for (alpha, rel) in layer.alpha.iter().zip(relations) {
            let Some(alpha) = alpha else { continue };
            let n = g.node_types[rel.dst_type].count;
            let index = kiln_graph::message_passing::index_tensor(&rel.dst, &device);
            let sums = read(scatter_sum(alpha.clone(), index, n));
            let received: std::collections::HashSet<usize> = rel.dst.iter().copied().collect();
            for (i, s) in sums.iter().enumerate() {
                let expected = if received.contains(&(i / 2)) { 1.0 } else { 0.0 };
                assert!(
                    (s - expected).abs() < 1e-5,
                    "relation {}: node {} head {} sums to {s}",
                    rel.name,
                    i / 2,
                    i % 2
                );
            }
        }
        for beta in &layer.beta {
            let [n, k] = beta.dims();
            let rows = read(beta.clone().sum_dim(1));
            assert_eq!(rows.len(), n);
            assert!(k >= 1 && rows.iter().all(|s| (s - 1.0).abs() < 1e-5), "{rows:?}");
        }
    }
}

#[test]
fn layer_two_joins_relations_end_to_end() {
    let g = graph();
    let model = LatteConfig::small(4).with_hidden(8).init(&g, &Device::flex()).expect("model");
    let plan = model.plan();
    // writes, published_in, rev_writes, rev_published_in; then the 4 and every typed join.
    assert_eq!(plan[0].len(), 4);
    let joins: Vec<(usize, usize)> =
        plan[1].iter().filter_map(|m| if let MetaRelation::Join(p, r) = *m { Some((p, r)) } else { None }).collect();
    for &(p, r) in &joins {
        assert_eq!(g.relations[p].dst_type, g.relations[r].src_type, "join ({p}, {r})");
    }
    // Into authors (0→1→0, via rev_writes) and venues to authors (2→1→0).
    assert_eq!(joins.len(), 6);
    assert!(LatteConfig::small(4).with_heads(3).init(&g, &Device::flex()).is_err());
}

#[test]
fn macro_f1_averages_per_class_scores() {
    let m =
        ClassificationMetrics { k: 1, total: 4, correct: 3, topk_correct: 3, confusion: vec![vec![2, 0], vec![1, 1]] };
    // Class 0: 2·2/(4+1) = 0.8; class 1: 2/(2+1) = 0.667.
    assert!((macro_f1(&m) - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
}

kiln_core::test_device!(latte_agrees_with_flex, |device| {
    let g = graph();
    let flex = Device::flex();
    let model = LatteConfig::small(4).with_hidden(8).init(&g, &flex).expect("model");
    let nodes: Vec<usize> = (0..24).collect();
    let source = LatteSource::new(Arc::clone(&g), 0, nodes).unwrap();
    let on_flex = source.batch(0, 0, &flex).unwrap();
    let expected = model.forward(&on_flex.graph, &on_flex.x, &on_flex.relations).logits;
    let moved = model.to_device(&device);
    let batch = source.batch(0, 0, &device).unwrap();
    let got = moved.forward(&batch.graph, &batch.x, &batch.relations).logits;
    let diff = kiln_core::testing::max_abs_diff(expected, got.to_device(&flex));
    assert!(diff < 1e-3, "max |Δ| = {diff}");
});

#[test]
fn scores_softmaxed_over_each_target_are_the_layer_attention() {
    let device = Device::flex();
    let g = graph();
    let model = LatteConfig::small(4).with_hidden(8).with_layers(1).init(&g, &device).expect("model");
    let batch = LatteSource::new(Arc::clone(&g), 0, (0..24).collect()).unwrap().batch(0, 0, &device).unwrap();
    let out = model.forward(&batch.graph, &batch.x, &batch.relations);
    let h: Vec<Tensor<2>> = model.inputs.iter().zip(&batch.x).map(|(i, x)| i.forward(x.clone()).unwrap()).collect();
    for (r, rel) in batch.relations.iter().enumerate() {
        let e = model.layers[0].scores(&h, r, rel.src.clone(), rel.dst.clone());
        let alpha = kiln_graph::message_passing::segment_softmax(e, rel.dst.clone(), rel.num_nodes);
        let expected = out.layers[0].alpha[r].clone().expect("edges");
        assert!(kiln_core::testing::max_abs_diff(alpha, expected) < 1e-5, "relation {r}");
    }
}

#[test]
fn proximity_loss_is_added_to_the_cross_entropy() {
    use kiln_core::train::{StepContext, TrainModel};
    let device = Device::flex();
    let g = graph();
    let config = LatteConfig::small(4).with_hidden(8).with_proximity(true);
    let model = config.init(&g, &device).expect("model");
    assert_eq!(model.negatives(), 2);
    let source = LatteSource::new(Arc::clone(&g), 0, (0..24).collect()).unwrap().with_negatives(2, 0);
    let batch = source.batch(0, 0, &device).unwrap();
    let negatives = batch.negatives.clone().expect("negatives");
    assert_eq!(negatives[0].num_edges, 2 * g.relations[0].num_edges());
    // Same draw for the same epoch, another for the next.
    let again = kiln_core::tensor::try_to_vec(source.sample_negatives(0, &device)[0].src.clone().float()).unwrap();
    assert_eq!(again, kiln_core::tensor::try_to_vec(negatives[0].src.clone().float()).unwrap());
    let step = model.step(
        batch.clone(),
        &StepContext { stage: (), epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: false },
    );
    let names: Vec<&str> = step.terms.iter().map(|t| t.0).collect();
    assert_eq!(names, ["cross_entropy", "proximity"]);
    let value = |t: &Tensor<1>| kiln_core::tensor::try_to_vec(t.clone()).unwrap()[0];
    let (loss, ce, prox) = (value(&step.loss), value(&step.terms[0].1), value(&step.terms[1].1));
    assert!(prox > 0.0 && (loss - ce - prox).abs() < 1e-4, "{loss} = {ce} + {prox}");
}
