//! Node and graph classification through the engine.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_graph::Graph;
use kiln_graph::generate::{class_features, stochastic_block_model};
use kiln_graph::layers::LayerKind;
use kiln_graph::message_passing::Aggregation;
use kiln_graph::tasks::{
    GraphClassifierConfig, GraphSource, NodeClassifierConfig, NodeSplit, NodeTraining, train_node_classifier,
};

#[test]
fn gcn_classifies_a_contextual_sbm() {
    let device = Device::flex();
    // 3 classes × 60 nodes, expected degree 8 inside the class and 1 across, class means of
    // norm 1 in 8 dimensions.
    let sbm = stochastic_block_model(&[60; 3], 8.0 / 59.0, 1.0 / 120.0, 2).expect("graph");
    let g = Arc::new(class_features(sbm, 8, 1.0, 2).expect("features"));
    let split = NodeSplit::per_class(g.y.as_deref().expect("labels"), 10, 0.0, 2).expect("split");
    assert_eq!(split.train.len(), 30);
    let config = NodeClassifierConfig::new(LayerKind::Gcn, 8, 3);
    let training = NodeTraining { epochs: 60, seed: 2, ..NodeTraining::default() };
    let outcome = train_node_classifier(&g, &split, &config, &training, &Trainer::new(device)).expect("train");
    let acc = outcome.test.accuracy().unwrap_or(0.0);
    assert!(acc > 0.8, "GCN accuracy {acc:.3}");
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
