//! `kiln semi pretrain → finetune → distill` on the digits (a few epochs), each step reading
//! the previous step's directory; a label fraction outside (0, 1] and a directory that is not a
//! `kiln semi` run are errors naming the value or directory.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

/// The accuracy a step printed, in percent.
fn printed_accuracy(stdout: &str) -> f64 {
    stdout
        .split("test accuracy: ")
        .nth(1)
        .and_then(|s| s.split('%').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no accuracy in:\n{stdout}"))
}

#[test]
fn pretrain_finetune_distill_chain_through_their_directories() {
    let scratch = Scratch::new("semi-chain");
    let (pre, ft, kd) = (scratch.path().join("pre"), scratch.path().join("ft"), scratch.path().join("kd"));
    let out = assert_succeeds(&kiln(&[
        "semi",
        "pretrain",
        "--data",
        "digits",
        "--epochs",
        "2",
        "--batch-size",
        "128",
        "--optimizer",
        "adam",
        "--out",
        arg(&pre),
        "--device",
        "flex",
    ]));
    assert!(out.contains("pretrained 2 epochs, final NT-Xent"), "{out}");
    assert!(pre.join("semi.json").is_file() && pre.join("simclr.bpk").is_file());
    let out = assert_succeeds(&kiln(&[
        "semi",
        "finetune",
        "--checkpoint",
        arg(&pre),
        "--labels",
        "0.1",
        "--epochs",
        "10",
        "--out",
        arg(&ft),
        "--device",
        "flex",
    ]));
    let tuned = printed_accuracy(&out);
    assert!(tuned > 30.0, "fine-tuned on 10% of the digits: {tuned}%\n{out}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ft.join("semi.json")).unwrap()).unwrap();
    assert_eq!(record["labels"], 0.1);
    assert_eq!(record["data"], "digits");
    let err = assert_fails(&kiln(&[
        "semi",
        "distill",
        "--teacher",
        arg(&ft),
        "--selector",
        "3",
        "--out",
        arg(&kd),
        "--device",
        "flex",
    ]));
    assert!(err.contains("student_selector") && err.contains('3'), "a student past the head: {err}");
    let out = assert_succeeds(&kiln(&[
        "semi",
        "distill",
        "--teacher",
        arg(&ft),
        "--epochs",
        "3",
        "--out",
        arg(&kd),
        "--device",
        "flex",
    ]));
    assert!(printed_accuracy(&out) > 10.0, "{out}");
    assert!(kd.join("classifier.bpk").is_file(), "no student weights");
}

#[test]
fn bad_fractions_and_directories_are_named() {
    let scratch = Scratch::new("semi-bad");
    let pre = scratch.path().join("pre");
    assert_succeeds(&kiln(&[
        "semi",
        "pretrain",
        "--data",
        "digits",
        "--epochs",
        "1",
        "--batch-size",
        "256",
        "--optimizer",
        "adam",
        "--out",
        arg(&pre),
        "--device",
        "flex",
    ]));
    for bad in ["0", "1.5"] {
        let err = assert_fails(&kiln(&[
            "semi",
            "finetune",
            "--checkpoint",
            arg(&pre),
            "--labels",
            bad,
            "--out",
            arg(&scratch.path().join("x")),
            "--device",
            "flex",
        ]));
        assert!(err.contains(&format!("label fraction {bad}")), "{err}");
    }
    let err = assert_fails(&kiln(&[
        "semi",
        "finetune",
        "--checkpoint",
        arg(&scratch.path().join("none")),
        "--labels",
        "0.1",
        "--device",
        "flex",
    ]));
    assert!(err.contains("none") && err.contains("semi.json"), "{err}");
    let err = assert_fails(&kiln(&["semi", "distill", "--teacher", arg(&pre), "--device", "flex"]));
    assert!(err.contains("kiln semi finetune"), "a pretraining run is not a teacher: {err}");
}
