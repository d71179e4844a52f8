//! HEI (small, LINKX) trains on the contextual SBM well above chance.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::hei::{HeiConfig, HeiSbm, hei_sbm, train_hei};

#[test]
fn hei_learns_the_contextual_sbm() {
    kiln_testkit::in_own_process("hei::learning::hei_learns_the_contextual_sbm", learns);
}

fn learns() {
    let task = hei_sbm(&HeiSbm::default(), 4).expect("task");
    let graph = Arc::new(task.graph);
    let config = HeiConfig::small(4).with_epochs(100);
    let out = train_hei(&graph, &task.split, &config, 4, &Trainer::new(Device::flex())).expect("HEI");
    let (full, high, low) = out.accuracies();
    eprintln!("HEI full {full:.3} high {high:.3} low {low:.3}");
    // Four balanced classes: chance is 0.25.
    assert!(full > 0.5, "full accuracy {full:.3}");
    assert!(high > 0.5 && low > 0.3, "high {high:.3}, low {low:.3}");
}
