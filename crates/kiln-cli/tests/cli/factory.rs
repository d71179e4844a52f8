//! `kiln factory train` and `kiln customize`: a tiny NN-Factory on the digits, a network
//! customised for three classes within a MAC budget that `kiln eval` reloads, and the typed
//! errors of a bad task, budget or checkpoint.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln, test_lines};

/// The value of the `test NAME: VALUE` line.
fn metric(out: &str, name: &str) -> f64 {
    let prefix = format!("test {name}: ");
    let line = out.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("no {prefix} in\n{out}"));
    line.split_whitespace().next().unwrap().trim_end_matches('%').parse().unwrap()
}

#[test]
fn a_factory_customises_a_task_within_its_budget_and_eval_reloads_it() {
    let scratch = Scratch::new("factory");
    let factory = scratch.path().join("factory");
    let f = arg(&factory);
    let trained = assert_succeeds(&kiln(&[
        "factory",
        "train",
        "--data",
        "digits",
        "--epochs",
        "3",
        "--assemble-epochs",
        "4",
        "--seed",
        "1",
        "--quiet",
        "--device",
        "flex",
        "--out",
        f,
    ]));
    assert!(trained.contains("4 layers × 8 modules") && trained.contains("10 classes"), "{trained}");
    for file in ["config.json", "factory.bpk", "factory_run.json"] {
        assert!(factory.join(file).is_file(), "{file} missing after:\n{trained}");
    }

    // The small factory on 8×8 digits costs ~350k MACs in full (1→32, 32→32 /2, 32→32,
    // 32→32 /2, 3×3 kernels): a budget of 120k forces a third of it.
    let custom = scratch.path().join("custom");
    let c = arg(&custom);
    let budget = 120_000.0;
    let output = kiln(&[
        "customize",
        "--checkpoint",
        f,
        "--classes",
        "1,4,7",
        "--macs",
        "120000",
        "--device",
        "flex",
        "--out",
        c,
    ]);
    let out = assert_succeeds(&output);
    assert!(out.contains("classes: 1,4,7 (1, 4, 7)"), "{out}");
    let (macs, params, accuracy) = (metric(&out, "macs"), metric(&out, "params"), metric(&out, "accuracy"));
    assert!(macs > 0.0 && macs <= budget, "{macs} MACs over the budget:\n{out}");
    assert!(params > 0.0 && params < 30_000.0, "{out}");
    // Three classes (chance 33%); measured ~90% after this short training.
    assert!(accuracy >= 60.0, "test accuracy {accuracy}% on classes 1, 4, 7:\n{out}");
    let seconds: f64 = out
        .lines()
        .find_map(|l| l.strip_prefix("customization seconds: "))
        .unwrap_or_else(|| panic!("no seconds in\n{out}"))
        .parse()
        .unwrap();
    assert!(seconds >= 0.0, "{out}");
    for file in ["config.json", "model.bpk", "assembly.json", "summary.json"] {
        assert!(custom.join(file).is_file(), "{file} missing");
    }

    // `kiln eval` rebuilds the network from the run and reproduces every test line.
    let evaluated = kiln(&["eval", "--checkpoint", c, "--device", "flex"]);
    assert_succeeds(&evaluated);
    assert_eq!(test_lines(&evaluated), test_lines(&output));

    // Bad tasks name the value; nothing is written.
    let bad = scratch.path().join("bad");
    let customize = |classes: &str, macs: &str| {
        assert_fails(&kiln(&[
            "customize",
            "--checkpoint",
            f,
            "--classes",
            classes,
            "--macs",
            macs,
            "--device",
            "flex",
            "--out",
            arg(&bad),
        ]))
    };
    let err = customize("1,1", "120000");
    assert!(err.contains("--classes \"1,1\": class 1 is listed twice"), "{err}");
    let err = customize("99", "120000");
    assert!(err.contains("--classes \"99\": class 99 is out of range: the factory has classes 0..10"), "{err}");
    let err = customize("", "120000");
    assert!(err.contains("--classes \"\": the task has no classes"), "{err}");
    let err = customize("1,x", "120000");
    assert!(err.contains("`x` is not a class index"), "{err}");
    let err = customize("1,4,7", "1000");
    assert!(err.contains("a budget of 1000 MACs is below the smallest assembly for this task ("), "{err}");
    // The smallest assembly (one module of 4 channels per layer) is a budget that works.
    let smallest = err.split("for this task (").nth(1).and_then(|s| s.split(' ').next()).unwrap();
    assert!(smallest.parse::<u64>().unwrap() > 1000, "{err}");
    assert!(!bad.exists(), "nothing is written for a bad task or budget");
    let tight = assert_succeeds(&kiln(&[
        "customize",
        "--checkpoint",
        f,
        "--classes",
        "1,4,7",
        "--macs",
        smallest,
        "--device",
        "flex",
        "--out",
        arg(&bad),
    ]));
    assert_eq!(metric(&tight, "macs"), smallest.parse::<f64>().unwrap(), "{tight}");

    // The factory directory is not overwritten by a customised run.
    let err = assert_fails(&kiln(&[
        "customize",
        "--checkpoint",
        f,
        "--classes",
        "1,4,7",
        "--macs",
        "120000",
        "--device",
        "flex",
        "--out",
        f,
    ]));
    assert!(err.contains("holds an NN-Factory"), "{err}");
    assert!(factory.join("factory.bpk").is_file());

    // A missing factory names the directory and the file.
    let nowhere = scratch.path().join("nowhere");
    let err = assert_fails(&kiln(&[
        "customize",
        "--checkpoint",
        arg(&nowhere),
        "--classes",
        "1,4,7",
        "--macs",
        "120000",
        "--device",
        "flex",
        "--out",
        arg(&bad),
    ]));
    assert!(
        err.contains(&format!("no NN-Factory checkpoint at {}: config.json is missing", nowhere.display())),
        "{err}"
    );
}

#[test]
fn factory_training_resumes_after_a_halt_and_refuses_other_settings() {
    let scratch = Scratch::new("factory-resume");
    let train = |dir: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "factory",
            "train",
            "--data",
            "digits",
            "--epochs",
            "2",
            "--assemble-epochs",
            "2",
            "--seed",
            "2",
            "--quiet",
            "--device",
            "flex",
            "--out",
            arg(dir),
        ];
        args.extend_from_slice(extra);
        kiln(&args)
    };
    // Halted after the first pretraining epoch: no factory yet, a checkpoint to resume from.
    let halted = scratch.path().join("halted");
    let out = assert_succeeds(&train(&halted, &["--halt-after-epochs", "1"]));
    assert!(out.contains("continue with --resume"), "{out}");
    assert!(!halted.join("factory.bpk").exists(), "a halted run wrote its factory");
    // Other settings are refused before anything is touched, naming the setting.
    let err = assert_fails(&train(&halted, &["--resume", "--lr", "1e-3"]));
    assert!(err.contains("cannot resume") && err.contains("pretrain_lr"), "{err}");
    // Resumed: every epoch's training and validation metrics (pretraining and assembler) equal
    // those of a run never interrupted; the factory is written.
    assert_succeeds(&train(&halted, &["--resume"]));
    assert!(halted.join("factory.bpk").is_file());
    let whole = scratch.path().join("whole");
    assert_succeeds(&train(&whole, &[]));
    let metrics = |dir: &std::path::Path| -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(dir.join("metrics.jsonl")).unwrap();
        text.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("seconds");
                v
            })
            .collect()
    };
    let (resumed, uninterrupted) = (metrics(&halted), metrics(&whole));
    assert_eq!(resumed.len(), 4, "2 pretraining + 2 assembler epochs");
    assert_eq!(resumed, uninterrupted, "the resumed run differs from the uninterrupted one");
}
