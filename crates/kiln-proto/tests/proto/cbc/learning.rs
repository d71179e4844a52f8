//! Learning on the embedded 8×8 digits: the robust loss certifies more than the margin loss.

use std::time::Instant;

use burn::prelude::{Device, Int, Tensor};
use kiln_core::train::Trainer;
use kiln_data::{Batcher, DataLoader, VectorBatcher, VectorExample, digits, split};
use kiln_proto::attack::PgdConfig;
use kiln_proto::cbc::{
    CbcObjective, CbcTraining, DIGITS_RULE_PROBABILITY, RobustCbcConfig, StableCbc, radius_scale, sigma_rule,
};
use kiln_proto::certify::{Certificate, certified_accuracy, clean_accuracy, pgd_accuracy};
use kiln_proto::{Scores, pgd_l2};

use super::host_int;

/// Digits as vectors in `[0, 1]^64` (no standardisation: CBC's components live in the box).
pub fn digit_vectors(seed: u64) -> (Vec<VectorExample>, Vec<VectorExample>) {
    let data = split(digits().unwrap(), 0.0, 0.2, seed);
    let vectors = |set: Vec<kiln_data::ImageExample>| {
        set.into_iter().map(|e| VectorExample { features: e.image.pixels, label: e.label }).collect::<Vec<_>>()
    };
    (vectors(data.train), vectors(data.test))
}

pub fn vector_batch(examples: &[VectorExample], device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let b = VectorBatcher::default().batch(examples, device, None);
    (b.features, b.targets)
}

fn train(objective: CbcObjective, epochs: usize, train: &[VectorExample], seed: u64, device: &Device) -> StableCbc {
    device.seed(seed);
    let model = RobustCbcConfig::small(64, 10).init(device);
    let training = CbcTraining { epochs, ..CbcTraining::paper(objective) };
    let loader = DataLoader::new(train.to_vec(), VectorBatcher::default(), training.batch_size).shuffled(seed);
    let (model, report) =
        Trainer::new(device.clone()).with_seed(seed).fit(model, &training.phases(), &loader, None).unwrap();
    assert!(report.completed);
    model
}

#[test]
fn cbc_sigma_preset_is_the_rule_on_digits() {
    let device = Device::flex();
    let (train, _) = digit_vectors(0);
    let (x, _) = vector_batch(&train, &device);
    let sigma = sigma_rule(x, DIGITS_RULE_PROBABILITY);
    eprintln!("sigma rule on the digits training split: {sigma:.4}");
    assert!((sigma - kiln_proto::cbc::DIGITS_SIGMA).abs() / sigma < 0.02, "rule gives {sigma}");
}

#[test]
fn cbc_robust_loss_certifies_more_than_margin_loss_on_digits() {
    kiln_testkit::in_own_process(
        "cbc::learning::cbc_robust_loss_certifies_more_than_margin_loss_on_digits",
        cbc_robust_loss_certifies_more_than_margin_loss_on_digits_alone,
    );
}

/// The body of [`cbc_robust_loss_certifies_more_than_margin_loss_on_digits`], run in a process of its own (burn's device RNG to itself).
fn cbc_robust_loss_certifies_more_than_margin_loss_on_digits_alone() {
    let device = Device::flex();
    let seed = 7;
    let (train_set, test_set) = digit_vectors(seed);
    let (x, y) = vector_batch(&test_set, &device);
    let start = Instant::now();
    // 300 epochs of 12 steps (3,600 steps; the paper's MNIST run takes 18,760); at 40 epochs
    // neither objective has converged and the margin loss certifies slightly more.
    let epochs = 300;
    let robust = train(CbcObjective::Robust, epochs, &train_set, seed, &device);
    let margin = train(CbcObjective::Margin, epochs, &train_set, seed, &device);
    // The paper's radius 1 on MNIST, × √(64/784) = 0.29, rounded as the issue's {0.15, 0.3, 0.45}.
    let delta = 0.3;
    assert!((delta - radius_scale(64)).abs() < 0.02);
    let mut line = format!("{epochs} epochs, {:.1}s;", start.elapsed().as_secs_f64());
    let mut certified = Vec::new();
    for (name, model) in [("robust", &robust), ("margin", &margin)] {
        let clean = clean_accuracy(model, x.clone(), y.clone());
        let cert = certified_accuracy(model, x.clone(), y.clone(), delta).unwrap();
        line += &format!(" {name}: clean {clean:.3}, certified@{delta} {cert:.3};");
        certified.push((clean, cert));
    }
    // PGD never beats a certificate: every certified input stays correct under attack.
    let config = PgdConfig { restarts: 2, ..PgdConfig::new() };
    let adversarial = pgd_l2(&robust, x.clone(), y.clone(), delta, &config).unwrap();
    let flipped = host_int(robust.scores(adversarial).argmax(1).squeeze_dim::<1>(1));
    let is_certified = host_int(robust.certified(x.clone(), y.clone(), delta).unwrap().int());
    let labels = host_int(y.clone());
    for ((c, f), l) in is_certified.iter().zip(&flipped).zip(&labels) {
        assert!(*c == 0 || f == l, "PGD flipped a certified input");
    }
    let pgd = pgd_accuracy(&robust, x, y, delta, &config).unwrap();
    line += &format!(" robust PGD@{delta} {pgd:.3}");
    eprintln!("{line}");
    let ((robust_clean, robust_cert), (_, margin_cert)) = (certified[0], certified[1]);
    assert!(robust_clean > 0.8, "{line}");
    assert!(robust_cert > margin_cert, "{line}");
    assert!(pgd >= robust_cert, "{line}");
}
