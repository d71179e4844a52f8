//! NCN and NCNC: batches, completion, and the paper's claim that NCN beats the GCN dot-product
//! baseline where common neighbours matter.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::tensor::to_vec;
use kiln_core::train::BatchSource;
use kiln_graph::adjacency::Adjacency;
use kiln_graph::generate::random_features;
use kiln_graph::ncn::batch::completion_candidates;
use kiln_graph::ncn::{BatchOptions, LinkTask, LinkTrainSource, NcnConfig, link_loss};
use kiln_graph::reproduce::{LinkData, LinkGraph, LinkMethod, LinkRunConfig, run_link_method};
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
    let batch = source.batch(0, 0, &device);
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
    let lg = LinkGraph::Geometric { n: 600, degree: 10.0 };
    let graph = lg.generate(16, 1).expect("graph");
    let data = LinkData::new(&graph, 1).expect("split");
    let mut config = LinkRunConfig { hidden: 32, k: 50, ..LinkRunConfig::default() };
    config.train.epochs = 10;
    config.train.seed = 1;
    let gae = run_link_method(&data, LinkMethod::Gae, &config, &device).expect("gae");
    let ncn = run_link_method(&data, LinkMethod::Ncn, &config, &device).expect("ncn");
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
