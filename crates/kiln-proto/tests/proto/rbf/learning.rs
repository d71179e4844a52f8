//! Learning on the embedded 8×8 digits with the small preset: the robust loss certifies more
//! than cross-entropy on the same network.

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use kiln_proto::attack::PgdConfig;
use kiln_proto::certify::{certified_accuracy, clean_accuracy, pgd_accuracy};
use kiln_proto::rbf::{Rbf, RbfConfig, RbfObjective, RbfTraining};

use crate::cbc::{digit_vectors, vector_batch};

fn train(objective: RbfObjective, epochs: usize, train: &[VectorExample], seed: u64, device: &Device) -> Rbf {
    device.seed(seed);
    let model = RbfConfig::small(64, 10).with_layer_normalization(objective == RbfObjective::Robust).init(device);
    let training = RbfTraining { epochs, ..RbfTraining::paper(objective) };
    let loader = DataLoader::new(train.to_vec(), VectorBatcher::default(), training.batch_size).shuffled(seed);
    let (model, report) =
        Trainer::new(device.clone()).with_seed(seed).fit(model, &training.phases(), &loader, None).unwrap();
    assert!(report.completed);
    model
}

#[test]
fn rbf_robust_loss_certifies_more_than_cross_entropy_on_digits() {
    kiln_testkit::in_own_process(
        "rbf::learning::rbf_robust_loss_certifies_more_than_cross_entropy_on_digits",
        rbf_robust_loss_certifies_more_than_cross_entropy_on_digits_alone,
    );
}

/// The body of [`rbf_robust_loss_certifies_more_than_cross_entropy_on_digits`], run in a process of its own (burn's device RNG to itself).
fn rbf_robust_loss_certifies_more_than_cross_entropy_on_digits_alone() {
    let device = Device::flex();
    let seed = 7;
    let (train_set, test_set) = digit_vectors(seed);
    let (x, y) = vector_batch(&test_set, &device);
    let start = Instant::now();
    let epochs = 100;
    let robust = train(RbfObjective::Robust, epochs, &train_set, seed, &device);
    let plain = train(RbfObjective::CrossEntropy, epochs, &train_set, seed, &device);
    let delta = 0.3;
    let mut line = format!("{epochs} epochs, {:.1}s;", start.elapsed().as_secs_f64());
    let mut results = Vec::new();
    for (name, model) in [("robust", &robust), ("plain", &plain)] {
        let clean = clean_accuracy(model, x.clone(), y.clone());
        let cert: Vec<f64> =
            [0.15, 0.3, 0.45].iter().map(|d| certified_accuracy(model, x.clone(), y.clone(), *d).unwrap()).collect();
        line += &format!(" {name}: clean {clean:.3}, certified@0.15/0.3/0.45 {cert:.3?};");
        results.push((clean, cert[1]));
    }
    let config = PgdConfig { restarts: 2, ..PgdConfig::new() };
    let pgd = pgd_accuracy(&robust, x, y, delta, &config).unwrap();
    line += &format!(" robust PGD@{delta} {pgd:.3}");
    eprintln!("{line}");
    let ((robust_clean, robust_cert), (plain_clean, plain_cert)) = (results[0], results[1]);
    assert!(robust_clean > 0.8 && plain_clean > 0.8, "{line}");
    assert!(robust_cert > plain_cert, "{line}");
    assert!(pgd >= robust_cert, "{line}");
}
