//! The product entry points: node splits, `train_node_classifier` with a run directory (a
//! halted run resumed ends where an uninterrupted one does), and `train_link_predictor`.

use std::path::PathBuf;
use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::generate::{class_features, random_features, random_geometric, stochastic_block_model};
use kiln_graph::layers::LayerKind;
use kiln_graph::ncn::{LinkTrainConfig, NcnConfig};
use kiln_graph::tasks::{
    LinkProblem, LinkTraining, NodeClassifierConfig, NodeSplit, NodeTraining, train_link_predictor,
    train_node_classifier,
};
use kiln_graph::{Graph, GraphError};

/// A fresh directory for one test, removed first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-graph-product-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn node_splits_are_disjoint_and_cover_what_they_should() {
    let split = NodeSplit::random(50, 0.2, 0.3, 7).expect("split");
    assert_eq!((split.train.len(), split.valid.len(), split.test.len()), (25, 10, 15));
    let mut all: Vec<usize> = split.train.iter().chain(&split.valid).chain(&split.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..50).collect::<Vec<_>>());
    assert_eq!(NodeSplit::random(50, 0.2, 0.3, 7).expect("split"), split, "seeded");

    let labels: Vec<usize> = (0..30).map(|v| v % 3).collect();
    let planetoid = NodeSplit::per_class(&labels, 4, 0.5, 1).expect("split");
    assert_eq!(planetoid.train.len(), 12);
    assert!((0..3).all(|c| planetoid.train.iter().filter(|&&v| labels[v] == c).count() == 4));
    assert_eq!((planetoid.valid.len(), planetoid.test.len()), (9, 9));

    let masks = NodeSplit::from_masks(&[true, false, false], &[false, true, false], &[false, false, true]);
    assert_eq!(masks.expect("masks"), NodeSplit { train: vec![0], valid: vec![1], test: vec![2] });
    assert!(matches!(NodeSplit::from_masks(&[true], &[true], &[false]), Err(GraphError::Invalid(_))));
    assert!(matches!(NodeSplit::random(10, 0.6, 0.5, 0), Err(GraphError::Invalid(_))));
    assert!(matches!(NodeSplit::random(10, 0.0, 0.0, 0), Err(GraphError::Invalid(_))), "no test nodes");
}

#[test]
fn node_classifier_resumed_after_a_halt_ends_like_an_uninterrupted_run() {
    kiln_testkit::in_own_process(
        "product::node_classifier_resumed_after_a_halt_ends_like_an_uninterrupted_run",
        resume_matches,
    );
}

fn resume_matches() {
    let device = Device::flex();
    let graph = stochastic_block_model(&[30, 30, 30], 0.25, 0.02, 3).expect("graph");
    let graph = Arc::new(class_features(graph, 8, 1.0, 3).expect("features"));
    let split = NodeSplit::random(graph.num_nodes, 0.2, 0.3, 3).expect("split");
    let config = NodeClassifierConfig::new(LayerKind::Sage, 8, 3);
    let training = NodeTraining { epochs: 20, seed: 3, ..NodeTraining::default() };
    let (halted_dir, straight_dir) = (scratch("node-halted"), scratch("node-straight"));

    let trainer = Trainer::new(device.clone()).with_run_dir(&halted_dir);
    let halted = train_node_classifier(&graph, &split, &config, &training, &trainer.clone().with_halt_after_epochs(7))
        .expect("halted run");
    assert!(!halted.report.completed);
    assert_eq!(halted.report.epochs(), 7);
    let resumed =
        train_node_classifier(&graph, &split, &config, &training, &trainer.with_resume(true)).expect("resume");
    let straight =
        train_node_classifier(&graph, &split, &config, &training, &Trainer::new(device).with_run_dir(&straight_dir))
            .expect("uninterrupted run");
    assert!(resumed.report.completed);
    assert_eq!(resumed.report.epochs(), 20);
    // Bit-exact: no other test shares the device RNG in this process.
    let (a, b) = (&resumed.test, &straight.test);
    assert_eq!(a.loss, b.loss, "loss");
    assert_eq!(a.accuracy(), b.accuracy(), "accuracy");
    assert!(straight.test.accuracy().unwrap_or(0.0) > 0.8, "{:?}", straight.test.scalars());
    let _ = (std::fs::remove_dir_all(halted_dir), std::fs::remove_dir_all(straight_dir));
}

#[test]
fn node_classifier_rejects_a_graph_that_does_not_fit_its_config() {
    let graph =
        Arc::new(class_features(stochastic_block_model(&[5, 5], 0.5, 0.1, 0).expect("graph"), 4, 1.0, 0).unwrap());
    let split = NodeSplit::random(10, 0.0, 0.3, 0).expect("split");
    let wrong_width = NodeClassifierConfig::new(LayerKind::Gcn, 5, 2);
    let trainer = Trainer::new(Device::flex());
    let err = train_node_classifier(&graph, &split, &wrong_width, &NodeTraining::default(), &trainer).unwrap_err();
    assert!(err.to_string().contains("4 features per node"), "{err}");
    let too_few_classes = NodeClassifierConfig::new(LayerKind::Gcn, 4, 1);
    let err = train_node_classifier(&graph, &split, &too_few_classes, &NodeTraining::default(), &trainer).unwrap_err();
    assert!(err.to_string().contains("label 1"), "{err}");
}

#[test]
fn link_predictor_trains_with_a_validation_loss_and_ranks_test_links() {
    let device = Device::flex();
    let graph = random_features(random_geometric(200, 0.12, 5).expect("graph"), 8, 5).expect("features");
    let config = NcnConfig::new(8).with_hidden(16);
    let training = LinkTraining {
        train: LinkTrainConfig { epochs: 3, batch_size: 64, seed: 5, ..LinkTrainConfig::default() },
        k: 20,
        ..LinkTraining::default()
    };
    let outcome = train_link_predictor(&graph, &config, &training, &Trainer::new(device)).expect("train");
    assert!(outcome.report.completed);
    assert!(outcome.report.records.iter().all(|r| r.valid.as_ref().is_some_and(|v| v["loss"].is_finite())));
    let m = outcome.test.metrics;
    assert_eq!(m.k, 20);
    assert!(outcome.test.loss.is_finite() && (0.0..=1.0).contains(&m.hits) && m.auc > 0.5, "{:?}", outcome.test);
    assert_eq!(outcome.problem.split.test.len(), outcome.problem.split.test_neg.len());
}

#[test]
fn link_problems_need_features_and_enough_edges() {
    let bare = Graph::undirected(4, &[(0, 1), (1, 2), (2, 3)]).expect("graph");
    assert!(matches!(LinkProblem::new(&bare, 0.1, 0.2, 0), Err(GraphError::Invalid(_))), "no features");
    let tiny = random_features(Graph::undirected(3, &[(0, 1)]).expect("graph"), 2, 0).expect("features");
    let err = LinkProblem::new(&tiny, 0.1, 0.2, 0).unwrap_err();
    assert!(err.to_string().contains("too few"), "{err}");
}
