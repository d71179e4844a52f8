//! NCN and NCNC: batches, completion, and the paper's claim that NCN beats the GCN dot-product
//! baseline where common neighbours matter.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::tensor::to_vec;
use kiln_core::train::{BatchSource, Trainer};
use kiln_graph::adjacency::Adjacency;
use kiln_graph::generate::{random_features, random_geometric};
use kiln_graph::ncn::batch::completion_candidates;
use kiln_graph::ncn::{
    BatchOptions, GaeConfig, LinkTask, LinkTrainSource, NcnConfig, evaluate_link_model, link_loss, train_link_model,
};
use kiln_graph::tasks::{LinkTraining, train_link_predictor};
use kiln_graph::{Features, Graph};

fn tiny_task() -> LinkTask {
    let pairs = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (1, 3)];
    let adj = Adjacency::undirected(5, &pairs);
    let x = Features::new(2, (0..10).map(|v| v as f32 / 10.0).collect()).expect("features");
    LinkTask { x, train: pairs.to_vec(), adj }
}

#[test]
fn completion_candidates_are_the_one_sided_neighbours() {
    let task = tiny_task();
    // Target (0, 3): N(0) = {1, 2}, N(3) = {1, 2, 4} → common {1, 2}; only 3 has 4.
    let (pairs, target, node) = completion_candidates(&task.adj, &[(0, 3)]);
    assert_eq!(pairs.pairs, vec![(0, 4)]);
    assert_eq!((target, node), (vec![0], vec![4]));
    assert_eq!(pairs.cn.node, Vec::<usize>::new());
}

#[test]
fn training_batches_remove_their_targets() {
    let task = Arc::new(tiny_task());
    let device = Device::flex();
    let source = LinkTrainSource {
        task: Arc::clone(&task),
        batch_size: 2,
        options: BatchOptions { remove_targets: true, completion: true },
        seed: 0,
    };
    assert_eq!(source.num_batches(), 3);
    let batch = source.batch(0, 0, &device).unwrap();
    assert_eq!(batch.num_pos, 2);
    assert_eq!(batch.graph.num_edges, 2 * (6 - 2));
    assert_eq!(to_vec(batch.labels.clone()), vec![1.0, 1.0, 0.0, 0.0]);
    let model = NcnConfig::new(2).with_hidden(8).with_completion(true).init(&device);
    let h = model.encode(batch.x.clone(), &batch.graph);
    let logits = model.score(&h, &batch.targets, batch.completion.as_ref());
    assert_eq!(logits.dims(), [4]);
    let loss = link_loss(logits, batch.labels, 2).into_scalar::<f32>();
    assert!(loss.is_finite() && loss > 0.0);
}

#[test]
fn ncn_beats_gcn_dot_product_on_a_random_geometric_graph() {
    let device = Device::flex();
    // 600 points with expected degree n π r² = 10; featureless: 16 random values per node.
    let g = random_geometric(600, (10.0 / (600.0 * std::f64::consts::PI)).sqrt(), 1).expect("graph");
    let graph = random_features(Graph { x: None, ..g }, 16, 1).expect("features");
    let mut training = LinkTraining { k: 50, ..LinkTraining::default() };
    training.train.epochs = 10;
    training.train.seed = 1;
    let trainer = Trainer::new(device.clone());
    let outcome = train_link_predictor(&graph, &NcnConfig::new(16).with_hidden(32), &training, &trainer).expect("ncn");
    let (task, split) = (&outcome.problem.task, &outcome.problem.split);
    kiln_core::seed::seed_device(&device, 1);
    let gae = GaeConfig::new(16).with_hidden(32).init(&device);
    let gae = train_link_model(gae, task, &training.train, &device).expect("gae");
    let gae = evaluate_link_model(&gae, task, &split.test, &split.test_neg, 50, &device);
    let ncn = outcome.test.metrics;
    eprintln!("GAE {gae:?}\nNCN {ncn:?}");
    assert!(ncn.hits > gae.hits, "NCN Hits@50 {:.3} should beat GAE {:.3}", ncn.hits, gae.hits);
    assert!(ncn.auc > 0.9, "NCN AUC {:.3}", ncn.auc);
}

#[test]
fn random_features_keep_the_structure() {
    let g = Graph::undirected(3, &[(0, 1)]).expect("graph");
    let g = random_features(g, 4, 0).expect("features");
    assert_eq!(g.x.map(|x| x.values.len()), Some(12));
}

#[test]
fn ncnc_calibration_matches_the_formula() {
    let device = Device::flex();
    let model = NcnConfig::new(2).with_completion(true).init(&device);
    // p0 = σ(4.3 (s − 2.8)); p̂ = pt p0 / (pt p0 + 1 − p0) with pt = 0.75, α = 1.
    let logits = burn::prelude::Tensor::<1>::from_floats([2.8, 3.8, -10.0], &device);
    let got = to_vec(model.calibrate(logits));
    for (s, g) in [2.8f32, 3.8, -10.0].iter().zip(got) {
        let p0 = 1.0 / (1.0 + (-4.3 * (s - 2.8)).exp());
        let expected = 0.75 * p0 / (0.75 * p0 + 1.0 - p0);
        assert!((g - expected).abs() < 1e-5, "{s}: {g} vs {expected}");
    }
}
