//! The acceptance test of `kiln train`: MLP and CNN trained on the embedded digits reach their
//! accuracy targets, `eval` reproduces the test accuracy from the run directory, and `--resume`
//! of a finished run changes nothing.

use burn::prelude::Device;
use kiln_cli::run::{TrainOptions, TrainRequest, eval, train};

use crate::common::{Scratch, accuracy_line, assert_fails, checkpoints, kiln, line_count, read_summary, stderr};

/// Trains `model` on the digits with the default recipe, checks the accuracy target, then checks
/// that `eval` reproduces the test accuracy from the checkpoint.
fn train_and_eval(model: &str, name: &str, min_accuracy: f64) {
    let scratch = Scratch::new(name);
    let out = scratch.path().join("run");
    let device = Device::flex();

    let summary = train(&TrainRequest::new(TrainOptions::classify(model, "digits"), &out), &device).unwrap();
    assert!(summary.report.completed);
    assert_eq!(summary.report.epochs(), 30);
    let test = summary.test.classification.as_ref().expect("no classification metrics");
    assert_eq!(test.total, 359, "the test split is 20% of 1797, rounded down");
    let accuracy = summary.test.accuracy().unwrap();
    assert!(accuracy >= min_accuracy, "{model} test accuracy {accuracy:.4} < {min_accuracy}");

    // The run directory holds what `eval` needs, and the summary on disk matches.
    for file in ["config.json", "model.bpk", "metrics.jsonl", "summary.json", "checkpoint/latest"] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    assert_eq!(line_count(&out.join("metrics.jsonl")), 30);
    let on_disk = read_summary(&out);
    assert_eq!(on_disk.test.accuracy(), summary.test.accuracy());

    let evaluated = eval(&out, &device).unwrap().test;
    let reproduced = evaluated.accuracy().unwrap();
    assert!((reproduced - accuracy).abs() < 1e-9, "eval gives {reproduced}, training gave {accuracy}");
    let again = evaluated.classification.as_ref().unwrap();
    assert_eq!((again.correct, again.total), (test.correct, test.total));
    assert_eq!(again.confusion, test.confusion);
    assert!((evaluated.loss - summary.test.loss).abs() < 1e-4, "{} vs {}", evaluated.loss, summary.test.loss);
}

#[test]
fn mlp_on_digits_reaches_95_percent_and_eval_reproduces_it() {
    train_and_eval("mlp", "accept-mlp", 0.95);
}

#[test]
fn cnn_on_digits_reaches_97_percent_and_eval_reproduces_it() {
    train_and_eval("cnn", "accept-cnn", 0.97);
}

#[test]
fn resume_of_a_finished_run_trains_nothing_and_keeps_the_accuracy() {
    let scratch = Scratch::new("resume");
    let out = scratch.path().join("run");
    let out_str = out.to_str().unwrap();
    let args = [
        "train",
        "--model",
        "cnn",
        "--data",
        "digits",
        "--epochs",
        "30",
        "--lr",
        "3e-3",
        "--batch-size",
        "64",
        "--seed",
        "0",
        "--device",
        "flex",
        "--quiet",
        "--out",
        out_str,
    ];
    let first = kiln(&args);
    assert!(first.status.success(), "first run failed:\n{}", stderr(&first));
    let first_line = accuracy_line(&first);
    let first_summary = read_summary(&out);
    assert!(first_summary.report.completed);
    assert_eq!(first_summary.report.epochs(), 30);
    let metrics_lines = line_count(&out.join("metrics.jsonl"));
    assert_eq!(metrics_lines, 30);
    let checkpoints_before = checkpoints(&out);

    let mut resumed_args = args.to_vec();
    resumed_args.push("--resume");
    let second = kiln(&resumed_args);
    assert!(second.status.success(), "resumed run failed:\n{}", stderr(&second));
    assert_eq!(accuracy_line(&second), first_line);

    // No epoch was trained again: no new metrics, no new checkpoint, the same report.
    assert_eq!(line_count(&out.join("metrics.jsonl")), metrics_lines);
    assert_eq!(checkpoints(&out), checkpoints_before);
    let second_summary = read_summary(&out);
    assert!(second_summary.report.completed);
    assert_eq!(second_summary.report.records, first_summary.report.records);
    assert_eq!(second_summary.report.global_step, first_summary.report.global_step);
    let (a, b) = (first_summary.test.accuracy().unwrap(), second_summary.test.accuracy().unwrap());
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");

    // `kiln eval` on the run directory prints the same test accuracy.
    let evaluated = kiln(&["eval", "--checkpoint", out_str, "--device", "flex"]);
    assert!(evaluated.status.success(), "eval failed:\n{}", stderr(&evaluated));
    assert_eq!(accuracy_line(&evaluated), first_line);
}

#[test]
fn eval_of_a_directory_without_a_run_names_the_metadata_file() {
    let scratch = Scratch::new("eval-missing");
    let output = kiln(&["eval", "--checkpoint", scratch.path().to_str().unwrap(), "--device", "flex"]);
    let err = assert_fails(&output);
    assert!(err.contains(&scratch.path().join("config.json").display().to_string()), "{err}");
}
