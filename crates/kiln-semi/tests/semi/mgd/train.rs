//! Training: the small student learns the part segmentation from the labelled eighth; an MGD
//! phase logs its terms, changes the student and leaves both teachers as they were; the
//! ablation switches drop their term.

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_semi::mgd::data::NUM_PART_CLASSES;
use kiln_semi::mgd::{
    MgdConfig, MgdData, MgdStage, MgdVariant, SegSource, all_background_miou, evaluate, part_segmentation,
    split_labelled, train_student, train_teachers,
};

use super::common::floats;

#[test]
fn supervised_student_beats_the_all_background_baseline() {
    let start = Instant::now();
    let device = Device::flex();
    let cfg = MgdConfig::small();
    let train = part_segmentation(32, 256, 0).unwrap_or_else(|e| panic!("{e}"));
    let test = part_segmentation(32, 64, 1).unwrap_or_else(|e| panic!("{e}"));
    let (labelled, _) = split_labelled(&train, cfg.labelled_fraction, 0).unwrap_or_else(|e| panic!("{e}"));
    let source = SegSource::new(labelled, Vec::new(), cfg.batch_size, Some(cfg.seed));
    let model = cfg.init(&device).unwrap_or_else(|e| panic!("{e}"));
    let phases = [cfg.phase("supervised", MgdStage::Supervised, 15)];
    let (model, _) = Trainer::new(device.clone())
        .with_seed(cfg.seed)
        .fit(model, &phases, &source, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let miou = evaluate(&model.student, &test, NUM_PART_CLASSES, 32, &device).miou();
    let baseline = all_background_miou(&test, NUM_PART_CLASSES);
    eprintln!("student mIoU {miou:.3} vs all-background {baseline:.3} ({:.1} s)", start.elapsed().as_secs_f64());
    assert!(miou > baseline + 0.05, "mIoU {miou:.3} vs all-background {baseline:.3}");
}

#[test]
fn an_mgd_phase_trains_the_student_only_and_logs_its_terms() {
    let device = Device::flex();
    let cfg = MgdConfig::small().with_batch_size(4);
    let train = part_segmentation(32, 32, 0).unwrap_or_else(|e| panic!("{e}"));
    let (labelled, unlabelled) = split_labelled(&train, cfg.labelled_fraction, 0).unwrap_or_else(|e| panic!("{e}"));
    let source = SegSource::new(labelled, unlabelled, cfg.batch_size, Some(cfg.seed));
    let trainer = Trainer::new(device.clone()).with_seed(cfg.seed);
    let model = cfg.init(&device).unwrap_or_else(|e| panic!("{e}"));
    let cap = |mut phase: kiln_core::train::Phase<_>| {
        if let kiln_core::train::PhaseKind::Train(tp) = &mut phase.kind {
            tp.max_steps_per_epoch = Some(2);
        }
        phase
    };
    let (model, _) = trainer
        .fit(model, &[cap(cfg.phase("teachers", MgdStage::Teachers, 1))], &source, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let before = (
        floats(model.wide.classifier.weight.val()),
        floats(model.deep.stem.norm.running_mean.value()),
        floats(model.student.classifier.weight.val()),
    );
    let (model, report) = trainer
        .fit(model, &[cap(cfg.phase("mgd", MgdVariant::Mgd.stage(), 1))], &source, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let terms = &report.records[0].train;
    eprintln!("MGD terms after teacher warm-up: {terms:?}");
    for name in ["ce_student", "ce_teachers", "pixel", "image", "region", "loss"] {
        let v = terms.get(name).copied().unwrap_or(f64::NAN);
        assert!(v.is_finite() && v >= 0.0, "{name} = {v} in {terms:?}");
    }
    assert_eq!(floats(model.wide.classifier.weight.val()), before.0, "the wide teacher changed");
    assert_eq!(floats(model.deep.stem.norm.running_mean.value()), before.1, "the deep teacher's statistics changed");
    assert_ne!(floats(model.student.classifier.weight.val()), before.2, "the student did not train");

    let (_, report) = trainer
        .fit(model, &[cap(cfg.phase("no_image", MgdVariant::NoImage.stage(), 1))], &source, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let terms = &report.records[0].train;
    assert!(!terms.contains_key("image") && terms.contains_key("region") && terms.contains_key("pixel"), "{terms:?}");
}

#[test]
fn every_variant_trains_next_to_pretrained_teachers() {
    let device = Device::flex();
    let cfg = MgdConfig::small().with_epochs(1).with_batch_size(4);
    let data = MgdData::procedural(&cfg, 24, 8).unwrap_or_else(|e| panic!("{e}"));
    let (teachers, _) = train_teachers(&cfg, &data, 1, &device).unwrap_or_else(|e| panic!("{e}"));
    for variant in MgdVariant::ALL {
        let (_, report, miou) =
            train_student(&cfg, &teachers, variant, &data, &device).unwrap_or_else(|e| panic!("{e}"));
        let loss = report.records[0].train.get("loss").copied().unwrap_or(f64::NAN);
        assert!(loss.is_finite() && (0.0..=1.0).contains(&miou), "{}: loss {loss}, mIoU {miou}", variant.name());
    }
}

/// The CPU ablation (minutes): teachers (20 epochs) and students (10 epochs) on 256 procedural
/// images, 1/8 labelled. Prints the mIoU of every variant; asserts only that the
/// teachers beat the all-background baseline. Run with `-- --ignored mgd::train::ablation`.
#[test]
#[ignore = "CPU ablation, minutes"]
fn ablation() {
    let start = Instant::now();
    let device = Device::flex();
    let cfg = MgdConfig::small();
    let data = MgdData::procedural(&cfg, 256, 64).unwrap_or_else(|e| panic!("{e}"));
    let (teachers, _) = train_teachers(&cfg, &data, cfg.epochs, &device).unwrap_or_else(|e| panic!("{e}"));
    let wide = evaluate(&teachers.wide, &data.test, NUM_PART_CLASSES, 32, &device).miou();
    let deep = evaluate(&teachers.deep, &data.test, NUM_PART_CLASSES, 32, &device).miou();
    let baseline = all_background_miou(&data.test, NUM_PART_CLASSES);
    eprintln!("all background {baseline:.3}; wide teacher {wide:.3}; deep teacher {deep:.3}");
    let student_cfg = cfg.clone().with_epochs(10);
    for variant in MgdVariant::ALL {
        let (_, _, miou) =
            train_student(&student_cfg, &teachers, variant, &data, &device).unwrap_or_else(|e| panic!("{e}"));
        eprintln!("{:>14}: student mIoU {miou:.3} ({:.0} s)", variant.name(), start.elapsed().as_secs_f64());
    }
    assert!(wide > baseline && deep > baseline);
}
