//! LATTE-2 (small, the paper's schedule) on the typed SBM: authors classified well above chance
//! (4 areas), better than LATTE-1 (which cannot reach the venues) and than a two-layer GCN on
//! the homogeneous view (where venues are indistinguishable).

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::hetero::{TypedSbm, typed_sbm};
use kiln_graph::latte::{LatteConfig, LatteTraining, macro_f1, train_latte};
use kiln_graph::layers::LayerKind;
use kiln_graph::tasks::{NodeClassifierConfig, NodeSplit, NodeTraining, train_node_classifier};

#[test]
fn latte_two_beats_a_homogeneous_gcn_on_the_typed_sbm() {
    kiln_testkit::in_own_process("latte::learning::latte_two_beats_a_homogeneous_gcn_on_the_typed_sbm", learns);
}

fn learns() {
    let device = Device::flex();
    let g = Arc::new(typed_sbm(&TypedSbm::default(), 5).expect("graph").add_reverse());
    let split = NodeSplit::random(g.node_types[0].count, 0.0, 0.5, 5).expect("split");
    // The paper's schedule: Adam lr 1e-3, weight decay 1e-2, 250 epochs.
    let training = LatteTraining { seed: 5, ..LatteTraining::default() };
    let latte =
        train_latte(&g, &split, &LatteConfig::small(4), &training, &Trainer::new(device.clone())).expect("LATTE");
    let acc = latte.test.accuracy().unwrap_or(0.0);
    let macro_ = latte.test.classification.as_ref().map_or(0.0, macro_f1);
    // One layer only reaches the papers (noise), not their venues.
    let one = LatteConfig::small(4).with_layers(1);
    let latte1 = train_latte(&g, &split, &one, &training, &Trainer::new(device.clone())).expect("LATTE-1");
    let acc1 = latte1.test.accuracy().unwrap_or(0.0);

    // Authors are type 0, so their homogeneous ids are the same.
    let homo = Arc::new(g.to_homogeneous().expect("homogeneous"));
    let dim = homo.x.as_ref().map_or(0, |x| x.dim);
    let gcn = NodeClassifierConfig::new(LayerKind::Gcn, dim, 4).with_hidden(32);
    let gcn_training = NodeTraining { seed: 5, ..NodeTraining::default() };
    let gcn = train_node_classifier(&homo, &split, &gcn, &gcn_training, &Trainer::new(device)).expect("GCN");
    let gcn_acc = gcn.test.accuracy().unwrap_or(0.0);
    eprintln!("LATTE-2 micro-F1 {acc:.3} macro-F1 {macro_:.3}; LATTE-1 {acc1:.3}; GCN micro-F1 {gcn_acc:.3}");
    assert!(acc > 0.6, "LATTE-2 accuracy {acc:.3} (chance 0.25)");
    assert!(acc > gcn_acc + 0.1, "LATTE-2 {acc:.3} vs GCN {gcn_acc:.3}");
    assert!(acc > acc1 + 0.2, "LATTE-2 {acc:.3} vs LATTE-1 {acc1:.3}");
}
