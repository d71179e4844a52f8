//! The training engine: learning, freezing, actions, checkpoints and resume.

use burn::prelude::Device;
use kiln_core::CoreError;
use kiln_core::nn::Mlp;
use kiln_core::train::{Phase, TrainPhase, Trainable, Trainer, checkpoint};

use crate::common::{Blobs, mlp, params, temp_dir};

fn phases() -> Vec<Phase<Mlp>> {
    vec![Phase::train("warm_up", TrainPhase::new(2, 1e-2)), Phase::train("main", TrainPhase::new(3, 5e-3))]
}

#[test]
fn learns_blobs() {
    let device = Device::flex();
    let (train, valid) = (Blobs::new(300, 1, true), Blobs::new(90, 2, false));
    let (_, report) =
        Trainer::new(device.clone()).with_seed(3).fit(mlp(&device, 3), &phases(), &train, Some(&valid)).unwrap();
    assert_eq!(report.epochs(), 5);
    assert!(report.completed);
    let acc = report.final_valid_accuracy().unwrap();
    assert!(acc > 0.95, "valid accuracy {acc}");
    let first = report.records[0].train["loss"];
    let last = report.records[4].train["loss"];
    assert!(last < first, "loss went {first} -> {last}");
}

#[test]
fn frozen_parameters_do_not_move() {
    let device = Device::flex();
    let model = mlp(&device, 4);
    let before = params(&model);
    let phase = Phase::train("head_only", TrainPhase::new(1, 1e-2).with_trainable(Trainable::only(["head"])));
    let (model, _) = Trainer::new(device).fit(model, &[phase], &Blobs::new(96, 1, true), None).unwrap();
    let after = params(&model);
    assert_eq!(before[0], after[0], "hidden layer was frozen");
    assert_ne!(before[1], after[1], "head was trainable");
}

#[test]
fn action_phase_edits_the_model_and_is_logged() {
    let device = Device::flex();
    let zero_head = Phase::action("zero_head", |mut m: Mlp, _ctx: &kiln_core::train::ActionContext<'_>| {
        m.head.weight = m.head.weight.map(|w| w.zeros_like());
        Ok(m)
    });
    let (model, report) = Trainer::new(device)
        .fit(
            mlp(&Device::flex(), 5),
            &[Phase::train("a", TrainPhase::new(1, 1e-2)), zero_head],
            &Blobs::new(48, 1, true),
            None,
        )
        .unwrap();
    assert!(params(&model)[1].iter().all(|&w| w == 0.0));
    assert_eq!(report.records.last().unwrap().phase, "zero_head");
}

#[test]
fn checkpoint_round_trip_is_bit_exact() {
    let device = Device::flex();
    let dir = temp_dir("ckpt");
    let (model, _) = Trainer::new(device.clone())
        .with_run_dir(&dir)
        .fit(mlp(&device, 6), &[Phase::train("a", TrainPhase::new(1, 1e-2))], &Blobs::new(48, 1, true), None)
        .unwrap();
    let latest = checkpoint::latest(&dir).unwrap().expect("a checkpoint at the end");
    let loaded = checkpoint::load_weights(&latest, mlp(&device, 99)).unwrap();
    assert_eq!(params(&model), params(&loaded));
    assert!(dir.join("report.json").exists());
    let lines = std::fs::read_to_string(dir.join("metrics.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn killed_and_resumed_run_matches_uninterrupted_run() {
    let device = Device::flex();
    let (train, valid) = (Blobs::new(300, 1, true), Blobs::new(90, 2, false));
    // One initial model for both runs (the process-wide flex RNG is shared with other tests).
    let init = mlp(&device, 9);
    let (full_model, full) =
        Trainer::new(device.clone()).with_seed(9).fit(init.clone(), &phases(), &train, Some(&valid)).unwrap();

    let dir = temp_dir("resume");
    let trainer = Trainer::new(device.clone()).with_seed(9).with_run_dir(&dir);
    let (_, partial) = trainer.clone().with_halt_after_epochs(3).fit(init, &phases(), &train, Some(&valid)).unwrap();
    assert!(!partial.completed);
    assert_eq!(partial.epochs(), 3);
    // A fresh process: a differently initialised model, restored from the checkpoint.
    let (resumed_model, resumed) =
        trainer.with_resume(true).fit(mlp(&device, 1234), &phases(), &train, Some(&valid)).unwrap();
    assert!(resumed.completed);
    assert_eq!(resumed.epochs(), full.epochs());
    let (a, b) = (full.final_valid_accuracy().unwrap(), resumed.final_valid_accuracy().unwrap());
    assert!((a - b).abs() <= 0.01, "uninterrupted {a} vs resumed {b}");
    let diff = params(&full_model)
        .iter()
        .flatten()
        .zip(params(&resumed_model).iter().flatten())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    assert!(diff < 1e-4, "weights differ by {diff}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn resume_refuses_another_schedule() {
    let device = Device::flex();
    let dir = temp_dir("refuse");
    let train = Blobs::new(48, 1, true);
    Trainer::new(device.clone()).with_run_dir(&dir).fit(mlp(&device, 1), &phases(), &train, None).unwrap();
    let other = vec![Phase::train("different", TrainPhase::new(1, 1e-2))];
    let err =
        Trainer::new(device.clone()).with_run_dir(&dir).with_resume(true).fit(mlp(&device, 1), &other, &train, None);
    assert!(matches!(err, Err(CoreError::InvalidConfig(_))));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_devices_match_one_device_at_the_same_global_batch() {
    let device = Device::flex();
    let phase = || vec![Phase::train("main", TrainPhase::new(2, 1e-2))];
    let mut single = Blobs::new(96, 1, true);
    single.batch_size = 32;
    let mut halves = Blobs::new(96, 1, true);
    halves.batch_size = 16;
    // One initial model for both runs: seeding the process-wide flex RNG twice races with
    // tests running beside this one.
    let init = mlp(&device, 4);
    let (one, r1) = Trainer::new(device.clone()).with_seed(4).fit(init.clone(), &phase(), &single, None).unwrap();
    let (two, r2) = Trainer::new(device.clone())
        .with_seed(4)
        .with_devices(vec![Device::flex(), Device::flex()])
        .fit(init.clone(), &phase(), &halves, None)
        .unwrap();
    assert_eq!(r1.global_step, r2.global_step);
    assert_eq!(r1.global_step, 6);
    let diff = params(&one)
        .iter()
        .flatten()
        .zip(params(&two).iter().flatten())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    assert!(diff < 1e-5, "weights differ by {diff}");
    assert_ne!(params(&one), params(&init), "training moved the weights");
}

#[test]
fn empty_phases_are_skipped() {
    let device = Device::flex();
    let phases = vec![
        Phase::train("empty", TrainPhase::new(0, 1e-2)),
        Phase::train("one", TrainPhase::new(1, 1e-2)),
        Phase::train("empty_again", TrainPhase::new(0, 1e-2)),
    ];
    let (_, report) =
        Trainer::new(device.clone()).fit(mlp(&device, 1), &phases, &Blobs::new(48, 1, true), None).unwrap();
    assert!(report.completed);
    assert_eq!(report.epochs(), 1);
    assert_eq!(report.records[0].phase, "one");
}
