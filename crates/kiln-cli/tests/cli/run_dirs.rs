//! Run directories that do not fit: resuming with other flags, a config from a newer kiln, and
//! damaged or foreign weights each fail with a typed error naming the file, and nothing of the
//! existing run is touched first.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln, train_briefly};

fn train_args<'a>(out: &'a str, lr: &'a str) -> Vec<&'a str> {
    vec!["train", "--model", "mlp", "--data", "digits", "--epochs", "2", "--lr", lr, "--quiet", "--out", out]
}

#[test]
fn resuming_with_other_flags_is_refused_before_anything_is_written() {
    let scratch = Scratch::new("resume-mismatch");
    let out = scratch.path().join("run");
    let mut halted = train_args(arg(&out), "3e-3");
    halted.extend(["--halt-after-epochs", "1"]);
    assert_succeeds(&kiln(&halted));
    let config = std::fs::read_to_string(out.join("config.json")).unwrap();
    let metrics = std::fs::read_to_string(out.join("metrics.jsonl")).unwrap();

    let mut other = train_args(arg(&out), "1e-2");
    other.push("--resume");
    let err = assert_fails(&kiln(&other));
    assert!(err.contains("config.json") && err.contains("cannot resume"), "{err}");
    assert!(err.contains("options.lr"), "the differing setting is named: {err}");
    assert_eq!(std::fs::read_to_string(out.join("config.json")).unwrap(), config, "config.json untouched");
    assert_eq!(std::fs::read_to_string(out.join("metrics.jsonl")).unwrap(), metrics, "metrics untouched");

    // The same flags resume.
    let mut same = train_args(arg(&out), "3e-3");
    same.push("--resume");
    assert_succeeds(&kiln(&same));
}

#[test]
fn a_config_from_a_newer_kiln_is_refused() {
    let scratch = Scratch::new("newer-format");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("mlp", "digits", &out));
    let path = out.join("config.json");
    let mut config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(config["format"], 1, "config.json records its format");
    config["format"] = 99.into();
    std::fs::write(&path, config.to_string()).unwrap();
    let err = assert_fails(&kiln(&["eval", "--checkpoint", arg(&out)]));
    assert!(err.contains("config.json") && err.contains("format 99"), "{err}");
}

#[test]
fn truncated_or_foreign_weights_are_refused_naming_the_file() {
    let scratch = Scratch::new("bad-weights");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("mlp", "digits", &out));
    let weights = out.join("model.bpk");
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 3]).unwrap();
    let err = assert_fails(&kiln(&["eval", "--checkpoint", arg(&out)]));
    assert!(err.contains("model.bpk"), "truncated weights: {err}");

    // The weights of another model (a CNN) in an MLP run.
    let cnn = scratch.path().join("cnn");
    assert_succeeds(&train_briefly("cnn", "digits", &cnn));
    std::fs::copy(cnn.join("model.bpk"), &weights).unwrap();
    let err = assert_fails(&kiln(&["eval", "--checkpoint", arg(&out)]));
    assert!(err.contains("model.bpk"), "foreign weights: {err}");
}

#[test]
fn resuming_another_models_run_is_refused() {
    let scratch = Scratch::new("resume-other-model");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("mlp", "digits", &out));
    let err = assert_fails(&kiln(&[
        "train",
        "--model",
        "cnn",
        "--data",
        "digits",
        "--epochs",
        "1",
        "--quiet",
        "--resume",
        "--out",
        arg(&out),
    ]));
    assert!(err.contains("`mlp` run") && err.contains("`cnn`"), "{err}");
}
