//! `cargo xtask reproduce <family>`: each family's experiments, written to docs/results/.

use std::process::Command;

use serde_json::Value;

use crate::root;

/// The families with an experiment; each family issue adds its own.
const FAMILIES: &[&str] = &["digits", "proto", "nas", "graph", "geom", "tabular"];

/// Runs one family's experiment (or `all`).
pub fn run(family: &str) -> Result<(), String> {
    match family {
        "all" => FAMILIES.iter().try_for_each(|f| run(f)),
        "digits" => digits(),
        "proto" => example("kiln-proto", "reproduce_proto"),
        "nas" => example("kiln-nas", "reproduce_nas"),
        "graph" => example("kiln-graph", "reproduce_graph"),
        "geom" => example_to("kiln-geom", "reproduce_geom", "docs/results/geom.md", false),
        "tabular" => example_to("kiln-tabular", "reproduce_tabular", "docs/results/tabular.md", true),
        other => Err(format!("unknown family `{other}`; known: {} or all", FAMILIES.join(", "))),
    }
}

/// Runs a family crate's reproduce example, writing into docs/results.
fn example(package: &str, name: &str) -> Result<(), String> {
    crate::cargo(&["run", "--quiet", "--package", package, "--example", name, "--", "docs/results"])
}

/// Runs a reproduce example that takes its output file, in release mode when `release` (the
/// example times inference and a debug build would misstate it).
fn example_to(package: &str, name: &str, out: &str, release: bool) -> Result<(), String> {
    let mut args = vec!["run", "--quiet"];
    if release {
        args.push("--release");
    }
    args.extend(["--package", package, "--example", name, "--", out]);
    crate::cargo(&args)
}

/// `cargo xtask train tabpfn [CONFIG.json]`: trains the TabPFN checkpoint shipped in
/// crates/kiln-tabular/weights (release build; resumable with `--resume`).
pub fn train(what: &str, rest: &[String]) -> Result<(), String> {
    match what {
        "tabpfn" => {
            let mut args =
                vec!["run", "--quiet", "--release", "--package", "kiln-tabular", "--example", "train_tabpfn", "--"];
            args.extend(rest.iter().map(String::as_str));
            crate::cargo(&args)
        }
        other => Err(format!("unknown model `{other}` to train; known: tabpfn")),
    }
}

fn git_commit() -> String {
    Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// The foundation's experiment: MLP and CNN on the embedded digits, three seeds each.
fn digits() -> Result<(), String> {
    let seeds = [0u64, 1, 2];
    let mut rows = Vec::new();
    for model in ["mlp", "cnn", "resnet"] {
        let mut accs = Vec::new();
        for seed in seeds {
            let out = format!("runs/reproduce/digits-{model}-{seed}");
            crate::cargo(&[
                "run",
                "--quiet",
                "--package",
                "kiln-cli",
                "--bin",
                "kiln",
                "--",
                "train",
                "--model",
                model,
                "--data",
                "digits",
                "--epochs",
                "30",
                "--seed",
                &seed.to_string(),
                "--device",
                "flex",
                "--quiet",
                "--out",
                &out,
            ])?;
            let path = root().join(&out).join("summary.json");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let summary: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let correct = summary["test"]["classification"]["correct"].as_f64().unwrap_or(0.0);
            let total = summary["test"]["classification"]["total"].as_f64().unwrap_or(1.0);
            accs.push(100.0 * correct / total);
        }
        rows.push((model, accs));
    }
    let mut md = String::from("# Foundation: shared models on the embedded 8×8 digits\n\n");
    md.push_str("Made by `cargo xtask reproduce digits` (flex backend, 2-core CPU).\n");
    md.push_str(&format!(
        "Commit `{}`. Split: 70% train / 10% validation / 20% held-out test (359 images), ",
        git_commit()
    ));
    md.push_str("seeded per run; 30 epochs of Adam, lr 3e-3 with cosine decay, batch 64.\n\n");
    md.push_str("| model | target | test accuracy, mean ± std (%) | per seed (0, 1, 2) |\n|---|---|---|---|\n");
    for (model, accs) in rows {
        let (m, s) = mean_std(&accs);
        let target = match model {
            "mlp" => "≥ 95",
            "cnn" => "≥ 97",
            _ => "–",
        };
        let per: Vec<String> = accs.iter().map(|a| format!("{a:.2}")).collect();
        md.push_str(&format!("| {model} | {target} | {m:.2} ± {s:.2} | {} |\n", per.join(", ")));
    }
    let dir = root().join("docs/results");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("digits.md"), &md).map_err(|e| e.to_string())?;
    println!("{md}");
    Ok(())
}
