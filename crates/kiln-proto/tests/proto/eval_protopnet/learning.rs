//! EvalProtoPNet learns procedural creatures (64 px) with SDFA and SA on.

use burn::prelude::Device;
use kiln_core::train::{Phase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize, split};
use kiln_proto::{EvalProtoPNet, EvalProtoPNetConfig, EvalProtoPNetSchedule};

use super::{creatures, examples};

#[test]
fn learns_procedural_creatures_with_sdfa_and_sa() {
    kiln_testkit::in_own_process(
        "eval_protopnet::learning::learns_procedural_creatures_with_sdfa_and_sa",
        learns_procedural_creatures_with_sdfa_and_sa_alone,
    );
}

/// The body of [`learns_procedural_creatures_with_sdfa_and_sa`], run in a process of its own (burn's device RNG to itself).
fn learns_procedural_creatures_with_sdfa_and_sa_alone() {
    let device = Device::flex();
    device.seed(10);
    let classes = 4;
    let data = split(examples(&creatures(classes, 400, 64, 10)), 0.0, 0.25, 10);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let schedule = EvalProtoPNetSchedule {
        warm_epochs: 1,
        joint_epochs: 8,
        joint_step: (6, 0.2),
        ..EvalProtoPNetSchedule::small()
    };
    let phases: Vec<Phase<EvalProtoPNet>> = schedule.phases();
    let model = EvalProtoPNetConfig::small(classes, 3).init(&device);
    assert!(model.sdfa && model.sa);
    let loader = DataLoader::new(data.train, batcher.clone(), 32).shuffled(10);
    let trainer = Trainer::new(device).with_seed(10);
    let (model, report) = trainer.fit(model, &phases, &loader, None).unwrap();
    assert!(report.completed);
    let norms = kiln_core::tensor::to_vec(model.prototype_vectors.val().powi_scalar(2).sum_dim(1).sqrt());
    assert!(norms.iter().all(|n| (n - 1.0).abs() < 1e-4), "prototypes renormalised after every step: {norms:?}");
    let test = DataLoader::new(data.test, batcher, 128);
    let acc = trainer.evaluate(&model, &test).unwrap().accuracy().unwrap();
    eprintln!("EvalProtoPNet held-out accuracy on 64-px creatures: {acc:.3} (chance {:.3})", 1.0 / classes as f64);
    assert!(acc >= 0.75, "held-out accuracy {acc} (chance 0.25)");
}
