//! Device listing and selection errors.

use crate::common::{Scratch, assert_fails, kiln, kiln_with_env, stderr, stdout};

#[test]
fn devices_lists_flex_as_compiled() {
    let output = kiln(&["devices"]);
    let out = stdout(&output);
    assert!(output.status.success(), "stdout:\n{out}\nstderr:\n{}", stderr(&output));
    let row = |backend: &str| -> Vec<String> {
        out.lines()
            .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .find(|fields| fields.first().is_some_and(|f| f == backend))
            .unwrap_or_else(|| panic!("no `{backend}` row in:\n{out}"))
    };
    assert_eq!(row("flex"), ["flex", "yes", "1"], "{out}");
    let ndarray = if cfg!(feature = "ndarray") { "yes" } else { "no" };
    assert_eq!(row("ndarray")[1], ndarray, "{out}");
    for backend in ["wgpu", "cuda"] {
        assert_eq!(row(backend).len(), 3, "{out}");
    }
    assert!(out.lines().any(|l| l.starts_with("auto selects: ")), "{out}");
}

#[test]
fn unknown_device_is_rejected_with_the_accepted_names() {
    let scratch = Scratch::new("device-tpu");
    let out = scratch.path().join("run");
    let args = ["train", "--data", "digits", "--epochs", "1", "--quiet", "--out", out.to_str().unwrap()];

    let mut with_flag = args.to_vec();
    with_flag.extend(["--device", "tpu"]);
    let err = assert_fails(&kiln(&with_flag));
    assert!(err.contains("unknown device `tpu`"), "{err}");
    for name in ["auto", "cpu", "flex", "wgpu", "cuda"] {
        assert!(err.contains(name), "the message should list `{name}`:\n{err}");
    }

    // The same through the environment variable.
    let err = assert_fails(&kiln_with_env(&args, &[("KILN_DEVICE", "tpu")]));
    assert!(err.contains("unknown device `tpu`"), "{err}");

    // Nothing was trained.
    assert!(!out.join("checkpoint").exists());
}

#[test]
fn backend_not_compiled_names_its_feature() {
    if cfg!(feature = "ndarray") {
        return; // ndarray is compiled into this build; nothing to check.
    }
    let scratch = Scratch::new("device-ndarray");
    let out = scratch.path().join("run");
    let output = kiln(&[
        "train",
        "--data",
        "digits",
        "--epochs",
        "1",
        "--device",
        "ndarray",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = assert_fails(&output);
    assert!(err.contains("`ndarray` feature"), "{err}");
    assert!(err.contains("--features ndarray"), "{err}");
    assert!(!out.join("checkpoint").exists());
}
