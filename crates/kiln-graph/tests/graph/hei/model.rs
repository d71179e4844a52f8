//! The HEI model on every device, and its step's loss.

use std::sync::Arc;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::train::{BatchSource, StepContext, TrainModel};
use kiln_graph::hei::{HeiBackbone, HeiConfig, HeiPhase, HeiSbm, HeiSource, hei_sbm, local_dissimilarity, standardize};

fn source() -> (HeiSource, usize) {
    let spec = HeiSbm { nodes: 60, dim: 8, ..HeiSbm::default() };
    let task = hei_sbm(&spec, 1).unwrap();
    let x = task.graph.x.clone().unwrap();
    let z = standardize(&local_dissimilarity(&task.graph, &x).unwrap(), &task.split.train).unwrap();
    let source = HeiSource {
        graph: Arc::new(task.graph),
        z: Arc::new(z),
        random_env: None,
        environments: 4,
        nodes: task.split.train.clone(),
    };
    (source, x.dim)
}

fn ctx(stage: HeiPhase) -> StepContext<HeiPhase> {
    StepContext { stage, epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: false }
}

kiln_core::test_device!(hei_agrees_with_flex, |device| {
    let (source, dim) = source();
    let flex = Device::flex();
    for backbone in [HeiBackbone::Linkx, HeiBackbone::Gcn] {
        let config = HeiConfig::small(4).with_hidden(8).with_backbone(backbone);
        let model = kiln_graph::hei::Hei::new(&config, source.graph.num_nodes, dim, &flex).unwrap();
        let on_flex = source.batch(0, 0, &flex).unwrap();
        let expected = model.step(on_flex, &ctx(HeiPhase::Invariant));
        let moved = model.to_device(&device);
        let got = moved.step(source.batch(0, 0, &device).unwrap(), &ctx(HeiPhase::Invariant));
        let diff = kiln_core::testing::max_abs_diff(expected.loss, got.loss.to_device(&flex));
        assert!(diff < 1e-3, "{backbone:?} loss |Δ| = {diff}");
        let (a, b) = (expected.logits.unwrap(), got.logits.unwrap().to_device(&flex));
        let diff = kiln_core::testing::max_abs_diff(a, b);
        assert!(diff < 1e-3, "{backbone:?} logits |Δ| = {diff}");
    }
});

#[test]
fn the_invariant_loss_is_the_scheduled_combination_of_its_terms() {
    let (source, dim) = source();
    let device = Device::flex();
    let config = HeiConfig::small(4).with_hidden(8).with_dropout(0.0);
    let model = kiln_graph::hei::Hei::new(&config, source.graph.num_nodes, dim, &device).unwrap();
    let value = |t: burn::prelude::Tensor<1>| f64::from(kiln_core::tensor::try_to_vec(t).unwrap()[0]);
    let out = model.step(source.batch(0, 0, &device).unwrap(), &ctx(HeiPhase::Invariant));
    let term = |name: &str| value(out.terms.iter().find(|(n, _)| *n == name).unwrap().1.clone());
    let (nll, p) = (term("cross_entropy"), term("penalty"));
    let l2 = 1e-3 * value(model.backbone_sq_norm());
    let want = (nll + l2 + 1e4 * p.max(0.0)) / (1.0 + 1e4);
    assert!(p > 0.0, "penalty {p}");
    assert!((value(out.loss.clone()) - want).abs() < 1e-4 * want.abs().max(1.0), "{} vs {want}", value(out.loss));
    let warm = model.step(source.batch(0, 0, &device).unwrap(), &ctx(HeiPhase::Warmup));
    assert!((value(warm.loss) - (nll + l2)).abs() < 1e-4, "warm-up evaluation loss is NLL + l2");
}
