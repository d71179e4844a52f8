//! A small SPEN trains to 100% on `2×C3` against `C6`, which GIN cannot separate.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::spen::{SpenConfig, SpenTraining, train_spen, triangles_vs_hexagon};

#[test]
fn spen_learns_two_triangles_against_the_hexagon() {
    kiln_testkit::in_own_process("spen::learning::spen_learns_two_triangles_against_the_hexagon", learns);
}

fn learns() {
    let pair = Arc::new(triangles_vs_hexagon().expect("graphs"));
    // Two graphs, one batch: a larger constant rate than MUTAG's, no decay within the run.
    let training = SpenTraining { epochs: 40, lr: 0.01, step_every: 1000, seed: 2, ..SpenTraining::default() };
    let config = SpenConfig::small(1, 2).with_dropout(0.0);
    let out = train_spen(&pair, &pair, &config, &training, &Trainer::new(Device::flex())).expect("SPEN");
    let acc = out.test.accuracy().unwrap_or(0.0);
    let losses: Vec<f64> = out.report.records.iter().filter_map(|r| r.train.get("loss").copied()).collect();
    let (first, last) = (losses.first().copied().unwrap_or(0.0), losses.last().copied().unwrap_or(f64::MAX));
    eprintln!(
        "SPEN on 2×C3 vs C6: {} epochs, train loss {first:.4} → {last:.2e}, test accuracy {acc:.3}, loss {:.2e}",
        losses.len(),
        out.test.loss
    );
    assert_eq!(losses.len(), training.epochs);
    assert!(last < first, "train loss {first} → {last}");
    assert_eq!(acc, 1.0, "accuracy {acc}");
}
