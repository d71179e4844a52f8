//! The whole model's step (RPN, functional attention, head, GMT, losses) agrees between flex
//! and every compiled device; `predict` gives probabilities and one score per residue.

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::train::{BatchSource, StepContext, TrainModel};
use kiln_graph::protein_rpn::{
    ProteinExample, ProteinRpnConfig, ProteinRpnStage, ProteinSource, SynthSpec, synth_proteins,
};
use std::sync::Arc;

fn source() -> ProteinSource {
    let set = synth_proteins(&SynthSpec { proteins: 4, min_len: 20, max_len: 30, ..SynthSpec::default() }, 9).unwrap();
    let examples: Vec<ProteinExample> = set.iter().map(|p| ProteinExample::from_synth(p, 10.0)).collect();
    ProteinSource { examples: Arc::new(examples), batch_size: 4, hops: 2, shuffle: None }
}

fn ctx(stage: ProteinRpnStage) -> StepContext<ProteinRpnStage> {
    StepContext { stage, epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: false }
}

fn config() -> ProteinRpnConfig {
    ProteinRpnConfig::small(3).with_hidden(16).with_rpn_hidden(8).with_readout_hidden(16).with_max_nodes(32)
}

kiln_core::test_device!(protein_rpn_agrees_with_flex, |device| {
    let flex = Device::flex();
    let source = source();
    let model = config().init(&flex).unwrap();
    for stage in [ProteinRpnStage::Pretrain, ProteinRpnStage::Function] {
        let expected = model.step(source.batch(0, 0, &flex).unwrap(), &ctx(stage));
        let moved = model.clone().to_device(&device);
        let got = moved.step(source.batch(0, 0, &device).unwrap(), &ctx(stage));
        let diff = kiln_core::testing::max_abs_diff(expected.loss, got.loss.to_device(&flex));
        assert!(diff < 1e-3, "{stage:?} loss |Δ| = {diff}");
        for ((name, a), (_, b)) in expected.terms.into_iter().zip(got.terms) {
            let diff = kiln_core::testing::max_abs_diff(a, b.to_device(&flex));
            assert!(diff < 1e-3, "{stage:?} {name} |Δ| = {diff}");
        }
    }
    let batch = source.batch(0, 0, &flex).unwrap();
    let out = model.forward(&batch, false);
    let moved = model.clone().to_device(&device);
    let got = moved.forward(&source.batch(0, 0, &device).unwrap(), false);
    for (what, a, b) in [
        ("logits", out.logits.clone(), got.logits.to_device(&flex)),
        ("embedding", out.embedding.clone(), got.embedding.to_device(&flex)),
    ] {
        let diff = kiln_core::testing::max_abs_diff(a, b);
        assert!(diff < 1e-3, "{what} |Δ| = {diff}");
    }
    for (what, a, b) in [
        ("functionality", out.rpn.functionality, got.rpn.functionality.to_device(&flex)),
        ("keep", out.rpn.keep, got.rpn.keep.to_device(&flex)),
        ("region", out.rpn.region, got.rpn.region.to_device(&flex)),
    ] {
        let diff = kiln_core::testing::max_abs_diff(a, b);
        assert!(diff < 1e-3, "{what} |Δ| = {diff}");
    }
});

#[test]
fn protein_rpn_predicts_labels_and_residue_scores() {
    let device = Device::flex();
    let set = synth_proteins(&SynthSpec { proteins: 1, ..SynthSpec::default() }, 4).unwrap();
    let model = ProteinRpnConfig::small(3).init(&device).unwrap();
    let (labels, scores) = model.predict(&set[0].protein).unwrap();
    assert_eq!(labels.len(), 3);
    assert_eq!(scores.len(), set[0].protein.len());
    assert!(labels.iter().chain(&scores).all(|p| (0.0..=1.0).contains(p)));
    // The paper's widths (512, RPN 256, 8 heads, 75 seeds, readout 1024) run as well.
    let full = ProteinRpnConfig::new(3).init(&device).unwrap();
    let (labels, scores) = full.predict(&set[0].protein).unwrap();
    assert_eq!((labels.len(), scores.len()), (3, set[0].protein.len()));
    assert!(ProteinRpnConfig::small(3).with_hidden(30).init(&device).is_err(), "30 is not a multiple of 4 heads");
    assert!(ProteinRpnConfig::new(0).init(&device).is_err());
}

#[test]
fn protein_rpn_training_step_adds_the_contrastive_terms() {
    let device = Device::flex();
    let source = source();
    let model = config().init(&device).unwrap();
    let training = StepContext { training: true, ..ctx(ProteinRpnStage::Function) };
    let out = model.step(source.batch(0, 0, &device).unwrap(), &training);
    let names: Vec<&str> = out.terms.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["bce", "node_bce", "anchor_bce", "nt_xent", "supcon"]);
    let value = |t: burn::prelude::Tensor<1>| kiln_core::tensor::to_vec(t)[0];
    let term = |name: &str| value(out.terms.iter().find(|(n, _)| *n == name).unwrap().1.clone());
    let want = term("bce") + term("node_bce") + term("anchor_bce") + 0.05 * term("nt_xent") + 0.05 * term("supcon");
    assert!((value(out.loss.clone()) - want).abs() < 1e-4, "{} vs {want}", value(out.loss));
    // Evaluation has no perturbed view.
    let eval = model.step(source.batch(0, 0, &device).unwrap(), &ctx(ProteinRpnStage::Function));
    assert!(eval.terms.iter().all(|(n, _)| *n != "nt_xent"));
}

#[test]
fn protein_rpn_trains_with_early_stopping_on_validation_bce() {
    let set = synth_proteins(&SynthSpec { proteins: 12, min_len: 20, max_len: 30, ..SynthSpec::default() }, 6).unwrap();
    let ex: Vec<ProteinExample> = set.iter().map(|p| ProteinExample::from_synth(p, 10.0)).collect();
    let (train, valid) = (Arc::new(ex[..8].to_vec()), Arc::new(ex[8..].to_vec()));
    let config = config().with_pretrain_epochs(1).with_epochs(3).with_batch(4).with_pretrain_batch(4).with_patience(1);
    let trainer = kiln_core::train::Trainer::new(Device::flex()).with_progress(false);
    let out = kiln_graph::protein_rpn::train_protein_rpn(&train, Some(&valid), &config, 1, &trainer).unwrap();
    assert_eq!(out.pretrain.as_ref().map(|r| r.records.len()), Some(1));
    let epochs = out.function.records.len();
    assert!((1..=3).contains(&epochs), "{epochs} function epochs");
    assert!(out.function.records[0].valid.as_ref().is_some_and(|v| v.contains_key("bce")));
}
