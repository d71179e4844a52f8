//! End-to-end tests of the `kiln` command: device listing and selection errors, malformed data
//! files reported with their path and record, and the acceptance test: MLP and CNN trained on the
//! embedded digits reach their accuracy targets, `eval` reproduces the test accuracy from the
//! checkpoint, and `--resume` of a finished run changes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use burn::prelude::Device;
use kiln_cli::run::{ModelKind, TrainOptions, TrainSummary, eval, train};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A fresh scratch directory, unique to this process and test, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("kiln-cli-tests-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `kiln` with `args`, `KILN_DEVICE` unset unless given in `env`.
fn kiln_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command.args(args).env_remove("KILN_DEVICE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cannot run the kiln binary")
}

fn kiln(args: &[&str]) -> Output {
    kiln_with_env(args, &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `kiln` failed cleanly (exit status 1, an `error:` line, no panic) and returns its
/// stderr.
fn assert_fails(output: &Output) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "expected exit status 1\nstdout:\n{}\nstderr:\n{err}", stdout(output));
    assert!(err.contains("error: "), "no `error:` line in stderr:\n{err}");
    assert!(!err.contains("panicked"), "kiln panicked:\n{err}");
    err
}

/// `kiln train` on `data` with a run directory inside `scratch`, on the flex device.
fn train_on(scratch: &Scratch, data: &str) -> Output {
    let out = scratch.path().join("run");
    kiln(&[
        "train",
        "--model",
        "mlp",
        "--data",
        data,
        "--epochs",
        "1",
        "--device",
        "flex",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ])
}

/// The `test accuracy: ...` line printed by `kiln train` and `kiln eval`.
fn accuracy_line(output: &Output) -> String {
    let out = stdout(output);
    out.lines()
        .find(|line| line.starts_with("test accuracy:"))
        .unwrap_or_else(|| panic!("no test accuracy line in stdout:\n{out}\nstderr:\n{}", stderr(output)))
        .to_string()
}

fn digits_options(model: ModelKind) -> TrainOptions {
    TrainOptions {
        model,
        data: "digits".into(),
        target: "target".into(),
        epochs: 30,
        lr: 3e-3,
        batch_size: 64,
        seed: 0,
    }
}

fn read_summary(run_dir: &Path) -> TrainSummary {
    let text = std::fs::read_to_string(run_dir.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().filter(|l| !l.trim().is_empty()).count()
}

/// The names of the checkpoint directories of a run, sorted, and the content of `latest`.
fn checkpoints(run_dir: &Path) -> (Vec<String>, String) {
    let root = run_dir.join("checkpoint");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("epoch-"))
        .collect();
    names.sort();
    (names, std::fs::read_to_string(root.join("latest")).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Malformed data
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_row_with_wrong_field_count_names_file_and_line() {
    let scratch = Scratch::new("csv-fields");
    let path = scratch.path().join("table.csv");
    // Line 4 (1-based, the blank line 3 counted) has two fields where the header has three.
    std::fs::write(&path, "x,y,target\n1,2,0\n\n3,4\n5,6,1\n").unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
    assert!(err.contains(&format!("{}:4:", path.display())), "file and line 4 not named:\n{err}");
    assert!(err.contains("expected 3 fields"), "{err}");
    assert!(err.contains("found 2"), "{err}");
}

#[test]
fn csv_field_that_is_not_a_number_names_the_column() {
    let scratch = Scratch::new("csv-nan");
    let path = scratch.path().join("table.csv");
    std::fs::write(&path, "width,height,target\n1,2,0\n3,4,1\n5,tall,1\n").unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
    assert!(err.contains(&format!("{}:4:", path.display())), "file and line 4 not named:\n{err}");
    assert!(err.contains("column \"height\""), "column not named:\n{err}");
    assert!(err.contains("\"tall\""), "offending value not shown:\n{err}");
}

#[test]
fn csv_without_the_target_column_is_reported() {
    let scratch = Scratch::new("csv-target");
    let path = scratch.path().join("table.csv");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("no column named \"target\""), "{err}");
}

#[test]
fn truncated_idx_file_is_named() {
    let scratch = Scratch::new("idx-truncated");
    let dir = scratch.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    // Images: magic 0x00000803, 2 images of 2×2 → 8 payload bytes promised, 3 present.
    let images = dir.join("train-images-idx3-ubyte");
    let mut bytes = vec![0, 0, 8, 3];
    for d in [2u32, 2, 2] {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend([1, 2, 3]);
    std::fs::write(&images, bytes).unwrap();
    // Labels: complete.
    let mut labels = vec![0, 0, 8, 1];
    labels.extend(2u32.to_be_bytes());
    labels.extend([0, 1]);
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels).unwrap();

    let err = assert_fails(&train_on(&scratch, &format!("idx:{}", dir.display())));
    assert!(err.contains(&images.display().to_string()), "file not named:\n{err}");
    assert!(err.contains("truncated"), "{err}");
    assert!(err.contains("expected 24 bytes"), "{err}");
    assert!(err.contains("found 19"), "{err}");
}

#[test]
fn missing_idx_file_is_named() {
    let scratch = Scratch::new("idx-missing");
    let dir = scratch.path().join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("idx:{}", dir.display())));
    assert!(err.contains("train-images-idx3-ubyte"), "{err}");
    assert!(err.contains(&dir.display().to_string()), "{err}");
}

/// Writes a valid IDX pair `<split>-images-idx3-ubyte` / `<split>-labels-idx1-ubyte` of 2×2 images.
fn write_idx(dir: &Path, split: &str, labels: &[u8]) {
    let n = labels.len() as u32;
    let mut images = vec![0, 0, 8, 3];
    for d in [n, 2, 2] {
        images.extend(d.to_be_bytes());
    }
    images.extend((0..4 * labels.len()).map(|i| (i * 37 % 256) as u8));
    std::fs::write(dir.join(format!("{split}-images-idx3-ubyte")), images).unwrap();
    let mut label_bytes = vec![0, 0, 8, 1];
    label_bytes.extend(n.to_be_bytes());
    label_bytes.extend(labels);
    std::fs::write(dir.join(format!("{split}-labels-idx1-ubyte")), label_bytes).unwrap();
}

#[test]
fn idx_test_label_absent_from_training_does_not_panic() {
    let scratch = Scratch::new("idx-test-label");
    let dir = scratch.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    write_idx(&dir, "train", &[0, 1].repeat(12));
    write_idx(&dir, "t10k", &[0, 2]);
    let output = train_on(&scratch, &format!("idx:{}", dir.display()));
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "kiln panicked:\n{err}");
    assert!(output.status.success(), "{err}");
}

#[test]
fn undecodable_image_in_folder_is_named() {
    let scratch = Scratch::new("folder-garbage");
    let root = scratch.path().join("images");
    let class = root.join("cat");
    std::fs::create_dir_all(&class).unwrap();
    let bad = class.join("broken.png");
    std::fs::write(&bad, b"this is not a png at all \x00\x01\x02\xff\xfe garbage").unwrap();

    let err = assert_fails(&train_on(&scratch, &format!("folder:{}", root.display())));
    assert!(err.contains(&bad.display().to_string()), "file not named:\n{err}");
    assert!(err.contains("cannot decode image"), "{err}");
}

#[test]
fn unknown_data_kind_and_missing_path_are_usage_errors() {
    let scratch = Scratch::new("data-spec");
    let err = assert_fails(&train_on(&scratch, "parquet:x"));
    assert!(err.contains("unknown data `parquet:x`"), "{err}");
    let err = assert_fails(&train_on(&scratch, "csv:"));
    assert!(err.contains("needs a path"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Acceptance: training on the embedded digits
// ---------------------------------------------------------------------------------------------

/// Trains `model` on the digits with the default recipe, checks the accuracy target, then checks
/// that `eval` reproduces the test accuracy from the checkpoint.
fn train_and_eval(model: ModelKind, name: &str, min_accuracy: f64) {
    let scratch = Scratch::new(name);
    let out = scratch.path().join("run");
    let device = Device::flex();
    let options = digits_options(model);

    let summary = train(&options, &device, &out, false, false).unwrap();
    assert!(summary.report.completed);
    assert_eq!(summary.report.epochs(), 30);
    let test = summary.test.classification.as_ref().expect("no classification metrics");
    assert_eq!(test.total, 359, "the test split is 20% of 1797, rounded down");
    let accuracy = summary.test.accuracy().unwrap();
    assert!(accuracy >= min_accuracy, "{model:?} test accuracy {accuracy:.4} < {min_accuracy}");

    // The run directory holds what `eval` needs, and the summary on disk matches.
    for file in ["kiln.json", "metrics.jsonl", "summary.json", "checkpoint/latest"] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    assert_eq!(line_count(&out.join("metrics.jsonl")), 30);
    let on_disk = read_summary(&out);
    assert_eq!(on_disk.test.accuracy(), summary.test.accuracy());

    let evaluated = eval(&out, &device).unwrap();
    let reproduced = evaluated.accuracy().unwrap();
    assert!((reproduced - accuracy).abs() < 1e-9, "eval gives {reproduced}, training gave {accuracy}");
    let again = evaluated.classification.as_ref().unwrap();
    assert_eq!((again.correct, again.total), (test.correct, test.total));
    assert_eq!(again.confusion, test.confusion);
    assert!((evaluated.loss - summary.test.loss).abs() < 1e-4, "{} vs {}", evaluated.loss, summary.test.loss);
}

#[test]
fn mlp_on_digits_reaches_95_percent_and_eval_reproduces_it() {
    train_and_eval(ModelKind::Mlp, "accept-mlp", 0.95);
}

#[test]
fn cnn_on_digits_reaches_97_percent_and_eval_reproduces_it() {
    train_and_eval(ModelKind::Cnn, "accept-cnn", 0.97);
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
    assert!(err.contains(&scratch.path().join("kiln.json").display().to_string()), "{err}");
}

#[test]
fn search_writes_a_pareto_front_and_rejects_unknown_objectives() {
    let err = assert_fails(&kiln(&["search", "--objectives", "accuracy,bogus", "--device", "flex"]));
    assert!(err.contains("unknown objective `bogus`"), "{err}");
    let scratch = Scratch::new("search");
    let out = scratch.path().join("search");
    let out_str = out.to_str().unwrap();
    let output = kiln(&[
        "search",
        "--objectives",
        "accuracy,macs",
        "--evals",
        "8",
        "--epochs",
        "4",
        "--method",
        "random",
        "--device",
        "flex",
        "--out",
        out_str,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("8 real evaluations"), "{}", stdout(&output));
    let csv = std::fs::read_to_string(out.join("pareto.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with("accuracy,macs"));
    assert!(lines.count() >= 1, "an empty front");
    assert!(std::fs::metadata(out.join("pareto.png")).is_ok_and(|m| m.len() > 1000), "the Pareto plot is written");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("trace.json")).unwrap()).unwrap();
    let hv = trace["hypervolume"].as_array().unwrap();
    assert_eq!(hv.len(), 8);
    let values: Vec<f64> = hv.iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[1] >= w[0]), "hypervolume never decreases: {values:?}");
}

#[test]
fn geom_reconstruct_writes_a_mesh_and_a_render_and_names_malformed_files() {
    use kiln_geom::bspnet::BspNetConfig;
    use kiln_geom::bspnet::reconstruct::save_checkpoint;

    let scratch = Scratch::new("geom");
    let dir = scratch.path();
    // An untrained 16³ checkpoint is enough to exercise the whole path.
    let config = BspNetConfig::small_3d(16);
    let checkpoint = dir.join("bspnet");
    save_checkpoint(&config.init(&Device::flex()), &config, &checkpoint).unwrap();
    let cube = kiln_geom::TriangleMesh::cuboid(&kiln_geom::Aabb::cube(0.4));
    let input = dir.join("cube.off");
    kiln_geom::io::write_mesh(&input, &cube).unwrap();
    let (out, png) = (dir.join("out.obj"), dir.join("out.png"));
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let (input_s, checkpoint_s, out_s, png_s) = (path(&input), path(&checkpoint), path(&out), path(&png));
    let output = kiln(&[
        "geom",
        "reconstruct",
        "--input",
        &input_s,
        "--checkpoint",
        &checkpoint_s,
        "--out",
        &out_s,
        "--render",
        &png_s,
        "--device",
        "flex",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("convexes"), "{}", stdout(&output));
    assert!(out.exists() && std::fs::metadata(&png).is_ok_and(|m| m.len() > 100));

    let bad = dir.join("bad.off");
    std::fs::write(&bad, "OFF\n8 12 0\n0 0 0\n").unwrap();
    let bad_s = path(&bad);
    let output = kiln(&["geom", "reconstruct", "--input", &bad_s, "--checkpoint", &checkpoint_s, "--out", &out_s]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("bad.off"), "the error names the file: {}", stderr(&output));
}

#[test]
fn tabular_classifies_a_csv_with_the_shipped_model_and_reports_bad_files() {
    let scratch = Scratch::new("tabular");
    let dir = scratch.path();
    // Two well-separated blobs: label = 1 when x0 + x1 > 0.
    let rows = |n: usize, offset: usize| {
        let mut text = String::from("x0,x1,label\n");
        for i in 0..n {
            let t = ((i + offset) as f64 * 0.7).sin();
            let (x0, x1, y) = if i % 2 == 0 { (2.0 + t, 1.5 - t, 1) } else { (-2.0 + t, -1.0 - t, 0) };
            text.push_str(&format!("{x0},{x1},{y}\n"));
        }
        text
    };
    let (train, test, out) = (dir.join("train.csv"), dir.join("test.csv"), dir.join("pred.csv"));
    std::fs::write(&train, rows(40, 0)).unwrap();
    std::fs::write(&test, rows(10, 100)).unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let (train_s, test_s, out_s) = (path(&train), path(&test), path(&out));
    let output = kiln(&[
        "tabular", "--train", &train_s, "--test", &test_s, "--target", "label", "--out", &out_s, "--device", "flex",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("accuracy on the test file's label column: 100.00%"), "{}", stderr(&output));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().next(), Some("label,p_0,p_1"));
    assert_eq!(written.lines().count(), 11);

    std::fs::write(&test, "x0,x1,label\n1.0,oops,1\n").unwrap();
    let output = kiln(&["tabular", "--train", &train_s, "--test", &test_s, "--target", "label", "--device", "flex"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("test.csv"), "the error names the file: {}", stderr(&output));
}
