//! `cargo xtask bench`: Kiln's training-step benchmark beside PyTorch's, into docs/bench.md.

use std::process::Command;

use serde_json::Value;

use crate::root;

fn run_lines(cmd: &mut Command) -> Result<Vec<Value>, String> {
    let out = cmd.current_dir(root()).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

fn key(v: &Value) -> (String, String) {
    (v["model"].as_str().unwrap_or("").to_string(), v["what"].as_str().unwrap_or("").to_string())
}

/// Runs the benchmarks and writes `docs/bench.md`.
pub fn run() -> Result<(), String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("xtask: cargo bench (release build of burn on first run)");
    let mut kiln = run_lines(Command::new(env!("CARGO")).args(["bench", "-p", "kiln-core", "--bench", "train_step"]))?;
    kiln.extend(run_lines(Command::new(env!("CARGO")).args([
        "bench",
        "-p",
        "kiln-proto",
        "--bench",
        "protopnet_step",
    ]))?);
    let torch = match run_lines(
        Command::new("python3").arg("bench/pytorch/train_step.py").env("KILN_BENCH_THREADS", threads.to_string()),
    ) {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("xtask: PyTorch reference skipped ({})", e.lines().last().unwrap_or(""));
            Vec::new()
        }
    };
    let mut md = String::from(
        "# Benchmarks\n\nWritten by `cargo xtask bench`. Median of 20 timed steps after 3 warm-up steps; ",
    );
    md.push_str("MLP and CNN on 28×28×1 inputs, ProtoPNet (small preset, 6 classes) on 32×32×3. ");
    md.push_str("Training step = forward, loss, backward, Adam update.\n\n");
    md.push_str(&format!("Machine: {threads} threads available.\n\n"));
    md.push_str("| model | measure | batch | Kiln device | Kiln ms | PyTorch CPU ms | Kiln / PyTorch | threads |\n");
    md.push_str("|---|---|---|---|---|---|---|---|\n");
    for k in &kiln {
        let ms = k["ms"].as_f64().unwrap_or(f64::NAN);
        let t = torch.iter().find(|t| key(t) == key(k));
        let (tms, ratio) = match t.and_then(|t| t["ms"].as_f64()) {
            Some(tms) => (format!("{tms:.2}"), format!("{:.2}×", ms / tms)),
            None => ("–".into(), "–".into()),
        };
        md.push_str(&format!(
            "| {} | {} | {} | {} | {ms:.2} | {tms} | {ratio} | {} |\n",
            k["model"].as_str().unwrap_or(""),
            k["what"].as_str().unwrap_or(""),
            k["batch"],
            k["device"].as_str().unwrap_or(""),
            k["threads"],
        ));
    }
    let notes = root().join("docs/bench-notes.md");
    if let Ok(text) = std::fs::read_to_string(&notes) {
        md.push('\n');
        md.push_str(&text);
    }
    let path = root().join("docs/bench.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{md}");
    Ok(())
}
