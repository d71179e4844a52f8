//! The three runs chain through their run directories: pretrain → fine-tune → distil, each
//! reading the previous one's files; distillation trains the student only.

use burn::prelude::Device;
use kiln_core::train::OptimizerConfig;
use kiln_data::ImageExample;
use kiln_semi::SemiError;
use kiln_semi::augment::BasicViews;
use kiln_semi::simclr::store::{CLASSIFIER_WEIGHTS, PRETRAINED_WEIGHTS, load_classifier};
use kiln_semi::simclr::{
    DistillConfig, FinetuneConfig, LrScaling, SimClrClassifier, SimClrConfig, distill, finetune, pretrain,
    split_labelled,
};

use super::common::{temp_dir, values};

#[test]
fn pretrain_finetune_and_distill_chain_through_run_directories() {
    let device = Device::flex();
    let digits: Vec<ImageExample> =
        kiln_data::digits().unwrap_or_else(|e| panic!("{e}")).into_iter().take(200).collect();
    let (labelled, unlabelled) = split_labelled(&digits, 0.2, 1).unwrap_or_else(|e| panic!("{e}"));
    let dir = temp_dir("pipeline");
    let config = SimClrConfig::for_input(1, 8, 8)
        .with_epochs(1)
        .with_batch_size(32)
        .with_max_steps_per_epoch(Some(2))
        .with_optimizer(OptimizerConfig::adam())
        .with_learning_rate(1e-3)
        .with_lr_scaling(LrScaling::None);
    let (_, report) =
        pretrain(&config, &digits, BasicViews::digits(), &device, &dir.join("pre")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.global_step, 2);
    assert!(dir.join("pre").join(PRETRAINED_WEIGHTS).is_file());

    // Fine-tuning from a directory that is not a pretrain run names the missing file.
    let ft = FinetuneConfig::new().with_epochs(1).with_batch_size(16);
    match finetune(&ft, &dir.join("nothing"), &labelled, None, 10, &device, &dir.join("bad")) {
        Err(SemiError::File { path, .. }) => assert!(path.ends_with("simclr.json"), "{}", path.display()),
        other => panic!("expected a File error, got {:?}", other.map(|_| ())),
    }
    finetune(&ft, &dir.join("pre"), &labelled, Some(&labelled), 10, &device, &dir.join("ft"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(dir.join("ft").join(CLASSIFIER_WEIGHTS).is_file());

    let train = FinetuneConfig::new().with_epochs(1).with_batch_size(32).with_max_steps_per_epoch(Some(2));
    let kd = DistillConfig::new(train).with_label_weight(0.5);
    let (student, report) =
        distill(&kd, &dir.join("ft"), &labelled, &unlabelled, Some(&labelled), &device, &dir.join("kd"))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.global_step, 2);
    assert!(report.records[0].train.contains_key("distillation"));
    assert!(report.records[0].train.contains_key("labelled_ce"));
    let (teacher, spec) = load_classifier(&dir.join("ft"), &device).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((spec.selector, student.selector()), (1, 0), "the paper's student has no projection head layer");
    let (reloaded, student_spec) = load_classifier(&dir.join("kd"), &device).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(student_spec.selector, 0, "the distillation run saved the student's architecture");
    let w = |m: &SimClrClassifier| values(m.classifier.weight.val());
    assert_eq!(w(&reloaded), w(&student), "the distillation run saved its student");
    assert_ne!(w(&student), w(&teacher), "the student is its own network");
    let _ = std::fs::remove_dir_all(&dir);
}
