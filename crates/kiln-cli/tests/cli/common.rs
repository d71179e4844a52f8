//! Helpers shared by the CLI tests: scratch directories, running the binary, reading a run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kiln_cli::run::TrainSummary;

/// A fresh scratch directory, unique to this process and test, removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("kiln-cli-tests-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `kiln` with `args`, `KILN_DEVICE` unset unless given in `env`.
pub fn kiln_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command.args(args).env_remove("KILN_DEVICE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cannot run the kiln binary")
}

pub fn kiln(args: &[&str]) -> Output {
    kiln_with_env(args, &[])
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `kiln` failed cleanly (exit status 1, an `error:` line, no panic) and returns its
/// stderr.
pub fn assert_fails(output: &Output) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "expected exit status 1\nstdout:\n{}\nstderr:\n{err}", stdout(output));
    assert!(err.contains("error: "), "no `error:` line in stderr:\n{err}");
    assert!(!err.contains("panicked"), "kiln panicked:\n{err}");
    err
}

/// `kiln train --model MODEL --data DATA --epochs 1` into `out`, on the flex device.
pub fn train_briefly(model: &str, data: &str, out: &Path) -> Output {
    kiln(&[
        "train",
        "--model",
        model,
        "--data",
        data,
        "--epochs",
        "1",
        "--device",
        "flex",
        "--quiet",
        "--out",
        arg(out),
    ])
}

/// `kiln train` of the MLP on `data` with a run directory inside `scratch`, on the flex device.
pub fn train_on(scratch: &Scratch, data: &str) -> Output {
    train_briefly("mlp", data, &scratch.path().join("run"))
}

/// The `test accuracy: ...` line printed by `kiln train` and `kiln eval`.
pub fn accuracy_line(output: &Output) -> String {
    let out = stdout(output);
    out.lines()
        .find(|line| line.starts_with("test accuracy:"))
        .unwrap_or_else(|| panic!("no test accuracy line in stdout:\n{out}\nstderr:\n{}", stderr(output)))
        .to_string()
}

/// Every `test ...:` line (loss, metrics, accuracy) printed by a training run or `kiln eval`.
pub fn test_lines(output: &Output) -> Vec<String> {
    stdout(output).lines().filter(|line| line.starts_with("test ")).map(str::to_string).collect()
}

/// Asserts that `kiln` succeeded and returns its stdout.
pub fn assert_succeeds(output: &Output) -> String {
    let out = stdout(output);
    assert!(output.status.success(), "kiln failed\nstdout:\n{out}\nstderr:\n{}", stderr(output));
    out
}

/// A path as a `&str` argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

pub fn read_summary(run_dir: &Path) -> TrainSummary {
    let text = std::fs::read_to_string(run_dir.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().filter(|l| !l.trim().is_empty()).count()
}

/// The names of the checkpoint directories of a run, sorted, and the content of `latest`.
pub fn checkpoints(run_dir: &Path) -> (Vec<String>, String) {
    let root = run_dir.join("checkpoint");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("epoch-"))
        .collect();
    names.sort();
    (names, std::fs::read_to_string(root.join("latest")).unwrap())
}

/// `kiln eval --checkpoint RUN` with `flags`, on the flex device.
pub fn eval_flex(run: &Path, flags: &[&str]) -> Output {
    let mut args = vec!["eval", "--checkpoint", arg(run), "--device", "flex"];
    args.extend_from_slice(flags);
    kiln(&args)
}

/// Each `(run, flags, expected)`: `kiln eval` on `run` with `flags` fails, its error holds every
/// `expected` part, and it failed before evaluating (no test accuracy printed).
pub fn assert_eval_refuses(cases: &[(&Path, &[&str], &[&str])]) {
    for (run, flags, expected) in cases {
        let output = eval_flex(run, flags);
        let err = assert_fails(&output);
        for part in *expected {
            assert!(err.contains(part), "{flags:?}: `{part}` missing from {err}");
        }
        assert!(!stdout(&output).contains("test accuracy"), "{flags:?}: flags are checked before evaluating");
    }
}
