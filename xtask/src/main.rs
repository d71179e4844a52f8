//! Kiln's workflows as code: `cargo xtask demo | test | bench | reproduce <family> |
//! train tabpfn | train bspnet`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;
mod reproduce;

const USAGE: &str = "usage: cargo xtask <command>

  demo                 train the CNN on the embedded digits and print its test accuracy
  test [--no-lint]     fmt check, clippy -D warnings, a type check with the CUDA backend,
                       the test suite on every compiled device
                       (wgpu is compiled in when a Vulkan driver is installed, e.g. Mesa lavapipe)
  bench [lidar|train]  time training steps and inference; write docs/bench.md
                       (`lidar`: rerun only the LiDAR section and replace it in docs/bench.md;
                       `train`: only the training-step table, printed, nothing written)
  reproduce <family> [--quick] [--seeds N|A,B,...]
                       run a family's experiments and write docs/results/<family>.md
                       (families: digits, proto, proto-robust, proto-eval, nas, nas-growth, nas-train, graph, graph-hetero, graph-apps, geom, geom-scenes, tabular, seq, fed, efficient, semi; `all` runs every one;
                       each is the example crates/<crate>/examples/reproduce_<family>/)
  train tabpfn [CONFIG] train the shipped TabPFN checkpoint on the synthetic prior
                       (default config crates/kiln-tabular/configs/tabpfn-small.json)
  train bspnet [--quick] train the 3-D BSP-Net shipped in kiln-geom (what `kiln geom
                       reconstruct` uses without --checkpoint); record beside the weights";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(),
        Some("test") => test(args.iter().any(|a| a == "--no-lint")),
        Some("bench") => bench::run(args.get(1).map(String::as_str)),
        Some("reproduce") => {
            reproduce::run(args.get(1).map(String::as_str).unwrap_or("all"), args.get(2..).unwrap_or_default())
        }
        Some("train") => reproduce::train(args.get(1).map(String::as_str).unwrap_or(""), &args[2.min(args.len())..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Runs `cargo args…` in the workspace root, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_with_env(args, &[])
}

/// Runs cargo in the workspace root with extra environment variables.
pub fn cargo_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let shown: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    eprintln!("$ {shown}cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed ({status})", args.join(" "))) }
}

/// Whether a Vulkan driver is installed, so the wgpu backend can run (on a GPU or on lavapipe).
fn vulkan_available() -> bool {
    ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d"]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .any(|e| e.ok().is_some_and(|e| e.path().extension().is_some_and(|x| x == "json")))
}

fn demo() -> Result<(), String> {
    cargo(&[
        "run",
        "--package",
        "kiln-cli",
        "--bin",
        "kiln",
        "--",
        "train",
        "--model",
        "cnn",
        "--data",
        "digits",
        "--epochs",
        "30",
        "--out",
        "runs/demo",
    ])
}

fn test(no_lint: bool) -> Result<(), String> {
    let wgpu = vulkan_available() && std::env::var("KILN_TEST_NO_WGPU").is_err();
    let mut features = vec!["--workspace"];
    if wgpu {
        eprintln!("xtask: a Vulkan driver is present: testing on flex and wgpu");
        features.extend(["--features", "kiln-core/wgpu"]);
    } else {
        eprintln!("xtask: no Vulkan driver: testing on flex only");
    }
    if !no_lint {
        cargo(&["fmt", "--all", "--", "--check"])?;
        let mut clippy = vec!["clippy", "--all-targets"];
        clippy.extend(&features);
        clippy.extend(["--", "-D", "warnings"]);
        cargo(&clippy)?;
        // The CUDA backend is type-checked on every crate that forwards it (no GPU or CUDA
        // toolkit needed), so GPU code cannot rot unseen. `DOCS_RS=1` makes cubecl's LLVM
        // bundler skip its build-time download (as on docs.rs): a type check links nothing.
        // Examples hold no device code: libraries, binaries and tests (where `test_device!`
        // expands a cuda arm) are what the feature reaches.
        if std::env::var("KILN_TEST_NO_CUDA_CHECK").is_err() {
            cargo_with_env(
                &["check", "--workspace", "--lib", "--bins", "--tests", "--features", "kiln-cli/cuda"],
                &[("DOCS_RS", "1")],
            )?;
        }
    }
    // The examples (one 100 MB binary per experiment) are type-checked by clippy above, not
    // linked here: building them was a third of CI's cold build. Without the lints they are
    // built, so nothing goes unchecked.
    let mut test = vec!["test"];
    test.extend(&features);
    test.extend(["--lib", "--bins", "--tests"]);
    if no_lint {
        test.push("--examples");
    }
    cargo(&test)?;
    let mut doc = vec!["test", "--doc"];
    doc.extend(&features);
    cargo(&doc)
}
