//! Model selection on validation data: the best epoch's model is returned, patience stops
//! the run, misuse is an error.

use burn::prelude::Device;
use kiln_core::CoreError;
use kiln_core::train::{Phase, Selection, TrainPhase, Trainer};

use crate::common::{Blobs, mlp};

#[test]
fn the_best_validation_epoch_is_returned() {
    let device = Device::flex();
    let (train, valid) = (Blobs::new(96, 1, true), Blobs::new(60, 2, false));
    // A large learning rate makes the validation loss move up and down.
    let phases = [Phase::train("main", TrainPhase::new(8, 0.5))];
    let trainer = Trainer::new(device.clone()).with_seed(3).with_selection(Selection::min("loss"));
    let (model, report) = trainer.fit(mlp(&device, 3), &phases, &train, Some(&valid)).expect("fit");
    let losses: Vec<f64> = report.records.iter().map(|r| r.valid.as_ref().expect("valid")["loss"]).collect();
    let (argmin, min) =
        losses.iter().enumerate().fold((0, f64::INFINITY), |b, (i, &l)| if l < b.1 { (i, l) } else { b });
    assert_eq!(report.best_epoch, Some(argmin + 1), "losses {losses:?}");
    assert!(!report.stopped_early && report.completed);
    let again = trainer.evaluate(&model, &valid).expect("evaluate");
    assert!((again.loss - min).abs() < 1e-5, "returned model's loss {} vs best {min}", again.loss);
}

#[test]
fn patience_stops_the_run() {
    let device = Device::flex();
    let (train, valid) = (Blobs::new(48, 1, true), Blobs::new(30, 2, false));
    // lr 0: the first epoch is the best and nothing improves afterwards.
    let phases = [Phase::train("a", TrainPhase::new(3, 0.0)), Phase::train("b", TrainPhase::new(10, 0.0))];
    let trainer = Trainer::new(device.clone()).with_selection(Selection::max("accuracy").with_patience(4));
    let (_, report) = trainer.fit(mlp(&device, 3), &phases, &train, Some(&valid)).expect("fit");
    assert_eq!(report.epochs(), 5, "one best epoch and four without improvement");
    assert_eq!(report.best_epoch, Some(1));
    assert!(report.stopped_early);
}

#[test]
fn selection_without_validation_or_with_an_unknown_metric_is_an_error() {
    let device = Device::flex();
    let train = Blobs::new(48, 1, true);
    let phases = [Phase::train("main", TrainPhase::new(1, 0.1))];
    let trainer = Trainer::new(device.clone()).with_selection(Selection::max("accuracy"));
    let err = trainer.fit(mlp(&device, 3), &phases, &train, None).expect_err("no validation data");
    assert!(matches!(err, CoreError::InvalidConfig(_)), "{err}");
    let trainer = Trainer::new(device.clone()).with_selection(Selection::max("f1"));
    let err = trainer.fit(mlp(&device, 3), &phases, &train, Some(&train)).expect_err("unknown metric");
    assert!(err.to_string().contains("accuracy"), "names the known metrics: {err}");
}
