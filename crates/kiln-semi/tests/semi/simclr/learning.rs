//! SimCLRv2 on the 8×8 digits (1,348 training and 449 test images): contrastive pretraining on
//! every training image ([`SimClrConfig::digits`] with [`BasicViews::digits`]), then fine-tuning
//! from the first head layer on a labelled fraction, against the same encoder with a linear head
//! trained on the labelled images alone.
//!
//! Both classifiers get the same fine-tuning protocol (Adam at 1e-3, batch 32, shift
//! augmentation), long enough for the baseline to fit its labelled images. On 1% of the labels
//! (one image per class) the margin is wide. On 10% (135 images) a CNN trained from scratch
//! already reaches ≈ 0.92–0.96, and pretraining adds 1.1–4.0 points over 5 seeds of this
//! setting (seed 0, tested here: +4.0); the assertion asks for 1 point (5 test images).

use std::time::Instant;

use burn::prelude::Device;
use kiln_data::{ImageExample, split};
use kiln_semi::augment::BasicViews;
use kiln_semi::simclr::{FinetuneConfig, SimClrConfig, accuracy, finetune, pretrain, split_labelled, supervised};

use super::common::temp_dir;

/// Fine-tuned and supervised-only accuracy on `test` with `fraction` of `train` labelled.
fn compare(
    fraction: f64,
    epochs: usize,
    config: &SimClrConfig,
    train: &[ImageExample],
    test: &[ImageExample],
    dir: &std::path::Path,
) -> (usize, f64, f64) {
    let device = Device::flex();
    let (labelled, _) = split_labelled(train, fraction, 0).unwrap_or_else(|e| panic!("{e}"));
    let ft = FinetuneConfig::for_fraction(fraction).with_epochs(epochs).with_batch_size(32).with_learning_rate(1e-3);
    let name = format!("{}", (fraction * 100.0).round());
    let (tuned, _) = finetune(&ft, &dir.join("pretrain"), &labelled, None, 10, &device, &dir.join(format!("ft{name}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let (baseline, _) = supervised(config, &ft, &labelled, None, 10, &device, &dir.join(format!("sup{name}")))
        .unwrap_or_else(|e| panic!("{e}"));
    (labelled.len(), accuracy(&tuned, test, &device), accuracy(&baseline, test, &device))
}

#[test]
fn pretraining_beats_supervised_only_with_few_labels() {
    let start = Instant::now();
    let device = Device::flex();
    let digits = kiln_data::digits().unwrap_or_else(|e| panic!("{e}"));
    let splits = split(digits, 0.0, 0.25, 0);
    let (train, test) = (splits.train, splits.test);
    let dir = temp_dir("learning");
    let config = SimClrConfig::digits().with_seed(0);
    pretrain(&config, &train, BasicViews::digits(), &device, &dir.join("pretrain")).unwrap_or_else(|e| panic!("{e}"));
    let pretrain_s = start.elapsed().as_secs_f64();
    let (n1, tuned1, baseline1) = compare(0.01, 200, &config, &train, &test, &dir);
    let (n10, tuned10, baseline10) = compare(0.1, 30, &config, &train, &test, &dir);
    eprintln!(
        "digits: {n1} labelled: fine-tuned {tuned1:.3}, supervised {baseline1:.3}; {n10} labelled: fine-tuned \
         {tuned10:.3}, supervised {baseline10:.3} (pretrain {pretrain_s:.1} s, total {:.1} s)",
        start.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(tuned1 > baseline1 + 0.05, "1% labels: fine-tuned {tuned1:.3} vs supervised {baseline1:.3}");
    assert!(tuned10 > baseline10 + 0.01, "10% labels: fine-tuned {tuned10:.3} vs supervised {baseline10:.3}");
}
