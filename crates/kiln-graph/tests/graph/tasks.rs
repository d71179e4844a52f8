//! Node and graph classification through the engine, with the GAT and GIN paper presets.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_graph::Graph;
use kiln_graph::generate::{class_features, stochastic_block_model};
use kiln_graph::layers::{GnnLayer, LayerKind};
use kiln_graph::message_passing::Aggregation;
use kiln_graph::tasks::{
    GraphClassifierConfig, GraphSource, NodeClassifierConfig, NodeSplit, NodeTraining, train_node_classifier,
};

/// 3 classes × 60 nodes, expected degree 8 inside the class and 1 across, class means of norm 1
/// in 8 dimensions, 10 labelled nodes per class.
fn contextual_sbm() -> (Arc<Graph>, NodeSplit) {
    let sbm = stochastic_block_model(&[60; 3], 8.0 / 59.0, 1.0 / 120.0, 2).expect("graph");
    let g = Arc::new(class_features(sbm, 8, 1.0, 2).expect("features"));
    let split = NodeSplit::per_class(g.y.as_deref().expect("labels"), 10, 0.0, 2).expect("split");
    (g, split)
}

#[test]
fn gcn_classifies_a_contextual_sbm() {
    let device = Device::flex();
    let (g, split) = contextual_sbm();
    assert_eq!(split.train.len(), 30);
    let config = NodeClassifierConfig::new(LayerKind::Gcn, 8, 3);
    let training = NodeTraining { epochs: 60, seed: 2, ..NodeTraining::default() };
    let outcome = train_node_classifier(&g, &split, &config, &training, &Trainer::new(device)).expect("train");
    let acc = outcome.test.accuracy().unwrap_or(0.0);
    assert!(acc > 0.8, "GCN accuracy {acc:.3}");
}

#[test]
fn gat_as_its_paper_trained_it_classifies_a_contextual_sbm() {
    let device = Device::flex();
    let config = NodeClassifierConfig::gat(8, 3);
    // 8 heads of 8 concatenated, then one head to the classes.
    let model = config.init(&device);
    let widths: Vec<[usize; 2]> = model
        .layers
        .iter()
        .map(|layer| match layer {
            GnnLayer::Gat(gat) => gat.att_src.val().dims(),
            _ => panic!("the preset is GAT"),
        })
        .collect();
    assert_eq!(widths, vec![[8, 8], [1, 3]]);
    let (g, split) = contextual_sbm();
    let training = NodeTraining { epochs: 100, seed: 2, ..NodeTraining::gat() };
    assert_eq!((training.lr, training.weight_decay), (0.005, 5e-4));
    let outcome = train_node_classifier(&g, &split, &config, &training, &Trainer::new(device)).expect("train");
    let acc = outcome.test.accuracy().unwrap_or(0.0);
    assert!(acc > 0.8, "GAT (paper) accuracy {acc:.3}");
}

#[test]
fn gin_separates_dense_from_sparse_graphs() {
    let device = Device::flex();
    let mut graphs = Vec::new();
    for s in 0..40u64 {
        let (p, label) = if s % 2 == 0 { (0.6, 1) } else { (0.1, 0) };
        let g = stochastic_block_model(&[12], p, 0.0, s).expect("graph");
        let g = Graph { x: Some(kiln_graph::Features { dim: 1, values: vec![1.0; 12] }), ..g };
        graphs.push((g, label));
    }
    let source = GraphSource { graphs: Arc::new(graphs), batch_size: 8, shuffle: true, seed: 0 };
    let model =
        GraphClassifierConfig::new(LayerKind::Gin, 1, 2).with_hidden(16).with_readout(Aggregation::Mean).init(&device);
    let trainer = Trainer::new(device.clone()).with_seed(0);
    let (model, _) =
        trainer.fit(model, &[Phase::train("graph", TrainPhase::new(30, 0.01))], &source, None).expect("fit");
    let eval = trainer.evaluate(&model, &GraphSource { shuffle: false, ..source }).unwrap();
    assert!(eval.accuracy().unwrap_or(0.0) > 0.9, "{:?}", eval.scalars());
}

/// Graphs of 8–15 nodes: class 1 has a triangle-rich core (dense), class 0 is a path; all
/// features 1, so only the structure and the size tell them apart.
fn dense_or_path(count: u64) -> Vec<(Graph, usize)> {
    (0..count)
        .map(|s| {
            let n = 8 + (s as usize * 7) % 8;
            let label = (s % 2) as usize;
            let g = if label == 1 {
                stochastic_block_model(&[n], 0.5, 0.0, s).expect("graph")
            } else {
                Graph::undirected(n, &(1..n).map(|v| (v - 1, v)).collect::<Vec<_>>()).expect("path")
            };
            (Graph { x: Some(kiln_graph::Features { dim: 1, values: vec![1.0; n] }), ..g }, label)
        })
        .collect()
}

#[test]
fn gin_as_its_paper_evaluated_it_learns_graph_classes() {
    let device = Device::flex();
    let config = GraphClassifierConfig::gin(1, 2);
    assert_eq!((config.layers, config.hidden, config.final_dropout), (4, 64, 0.5));
    let model = config.init(&device);
    // Four GIN layers with batch norm in the MLP and after it, and a head for the input and
    // for every layer (sum readout of each).
    assert_eq!((model.layers.len(), model.norms.len(), model.heads.len()), (4, 4, 5));
    assert!(model.layers.iter().all(|l| matches!(l, GnnLayer::Gin(gin) if gin.norm.is_some())));
    assert_eq!(model.heads[0].weight.dims(), [1, 2]);

    // Batches of 32 graphs, as the official runs' smallest: batch norm's running statistics
    // (what evaluation uses) then match the batches' (with 8 graphs a batch of one class could
    // shift them enough to undo a run in about 1 of 16 seeds).
    let source = GraphSource { graphs: Arc::new(dense_or_path(64)), batch_size: 32, shuffle: true, seed: 0 };
    let trainer = Trainer::new(device.clone()).with_seed(0);
    for config in [GraphClassifierConfig::gin(1, 2), GraphClassifierConfig::gin_eps(1, 2)] {
        let config = config.with_hidden(16);
        kiln_core::seed::seed_device(&device, 0);
        let model = config.init(&device);
        let phases = [Phase::train("graph", TrainPhase::new(30, 0.01))];
        let (model, _) = trainer.fit(model, &phases, &source, None).expect("fit");
        let eval = trainer.evaluate(&model, &GraphSource { shuffle: false, ..source.clone() }).unwrap();
        assert!(eval.accuracy().unwrap_or(0.0) > 0.9, "train_eps {}: {:?}", config.train_eps, eval.scalars());
        let eps: Vec<f32> = model
            .layers
            .iter()
            .filter_map(|l| match l {
                GnnLayer::Gin(gin) => gin.learned_eps.as_ref().map(|e| kiln_core::tensor::to_vec(e.val())[0]),
                _ => None,
            })
            .collect();
        assert_eq!(eps.len(), if config.train_eps { 4 } else { 0 });
        assert!(eps.iter().all(|e| e.is_finite()) && (eps.is_empty() || eps.iter().any(|e| *e != 0.0)), "ε learned");
    }
}
