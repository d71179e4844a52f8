//! `kiln train --model revcol` (kiln-efficient's RevCol through the registry) and
//! `kiln transfer` (a `kiln train --model resnet` run transferred to other images), with the
//! typed refusals of a bad `--columns` and of a `--backbone` that is no ResNet run.

use crate::common::{
    Scratch, accuracy_line, arg, assert_fails, assert_succeeds, eval_flex, kiln, stdout, train_briefly,
};

#[test]
fn revcol_trains_evaluates_and_is_listed() {
    let scratch = Scratch::new("revcol");
    let out = scratch.path().join("run");
    let args = [
        "train",
        "--model",
        "revcol",
        "--columns",
        "2",
        "--data",
        "procedural:2",
        "--epochs",
        "1",
        "--device",
        "flex",
        "--quiet",
        "--out",
        arg(&out),
    ];
    let trained = kiln(&args);
    assert_succeeds(&trained);
    let line = accuracy_line(&trained);
    for file in ["config.json", "model.bpk", "summary.json", "metrics.jsonl"] {
        assert!(out.join(file).is_file(), "{file} missing from the run directory");
    }
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["options"]["model"], "revcol");
    assert_eq!(config["config"]["columns"], 2, "{config}");
    assert_eq!(config["options"]["task"]["columns"], 2, "{config}");
    // `kiln eval` rebuilds the network from config.json and finds the same accuracy.
    let evaluated = eval_flex(&out, &[]);
    assert_succeeds(&evaluated);
    assert_eq!(accuracy_line(&evaluated), line);
    let models = assert_succeeds(&kiln(&["models"]));
    let row =
        models.lines().find(|l| l.split_whitespace().next() == Some("revcol")).unwrap_or_else(|| panic!("{models}"));
    assert!(row.contains("kiln train"), "{row}");
}

#[test]
fn revcol_refuses_zero_columns_and_other_models_refuse_columns() {
    let scratch = Scratch::new("revcol-columns");
    let out = scratch.path().join("run");
    let zero = ["train", "--model", "revcol", "--columns", "0", "--device", "flex", "--out", arg(&out)];
    let err = assert_fails(&kiln(&zero));
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert!(err.contains("`columns` = 0"), "the error names the value: {err}");
    assert!(!out.exists(), "nothing is written for a refused run");
    let cnn = ["train", "--model", "cnn", "--columns", "3", "--device", "flex", "--out", arg(&out)];
    let err = assert_fails(&kiln(&cnn));
    assert!(err.contains("--columns 3") && err.contains("revcol"), "{err}");
}

#[test]
fn transfer_probes_a_trained_resnet() {
    let scratch = Scratch::new("transfer");
    let backbone = scratch.path().join("backbone");
    assert_succeeds(&train_briefly("resnet", "digits", &backbone));
    let out = scratch.path().join("t");
    let args = [
        "transfer",
        "--method",
        "linear",
        "--backbone",
        arg(&backbone),
        "--data",
        "digits",
        "--epochs",
        "1",
        "--device",
        "flex",
        "--out",
        arg(&out),
    ];
    let output = kiln(&args);
    let text = assert_succeeds(&output);
    let accuracy = text
        .lines()
        .find_map(|l| l.strip_prefix("test accuracy: "))
        .and_then(|a| a.strip_suffix('%'))
        .and_then(|a| a.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!((0.0..=100.0).contains(&accuracy), "{text}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("transfer.json")).unwrap()).unwrap();
    assert_eq!(record["outcome"]["method"], "LinearProbe", "{record}");
    let trainable = record["outcome"]["trainable_params"].as_u64().unwrap_or_else(|| panic!("{record}"));
    assert!(text.contains(&format!("trainable parameters: {trainable} ")), "{text}");
    let backbone_params = record["backbone_params"].as_u64().unwrap_or_else(|| panic!("{record}"));
    assert!(trainable > 0 && trainable < backbone_params, "a linear probe trains only the head: {record}");
    let weights = std::fs::metadata(out.join("model.bpk")).map(|m| m.len()).unwrap_or(0);
    assert!(weights > 4 * backbone_params, "model.bpk holds the transferred network ({weights} bytes)");
}

#[test]
fn transfer_refuses_a_missing_or_foreign_backbone() {
    let scratch = Scratch::new("transfer-backbone");
    let out = scratch.path().join("t");
    let missing = scratch.path().join("no-such-run");
    let run = |backbone: &std::path::Path| {
        kiln(&["transfer", "--method", "unipt", "--backbone", arg(backbone), "--device", "flex", "--out", arg(&out)])
    };
    let err = assert_fails(&run(&missing));
    assert!(err.contains(arg(&missing)), "the error names the path: {err}");
    let mlp = scratch.path().join("mlp");
    assert_succeeds(&train_briefly("mlp", "digits", &mlp));
    let output = run(&mlp);
    let err = assert_fails(&output);
    assert!(err.contains(arg(&mlp)) && err.contains("`mlp` run"), "{err}");
    assert!(!stdout(&output).contains("test accuracy"), "refused before training");
}
