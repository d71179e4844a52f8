//! The JSON lines the benchmark programs print, and what the sections share to read them: run a
//! program, key a line, find its reference line, format milliseconds, ratios and peak memory.

use std::process::Command;

use serde_json::Value;

use crate::root;

/// Runs `cmd` in the repository root and parses every stdout line that is a JSON object.
pub fn run_lines(cmd: &mut Command) -> Result<Vec<Value>, String> {
    let out = cmd.current_dir(root()).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

/// `cargo bench -p package --bench bench`, its lines.
pub fn cargo_bench(package: &str, bench: &str, env: &[(&str, String)]) -> Result<Vec<Value>, String> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["bench", "-p", package, "--bench", bench]).envs(env.iter().map(|(k, v)| (k, v)));
    run_lines(&mut cmd)
}

/// `python3 script`, its lines; `None` (with a note on stderr) when it fails, e.g. without
/// torch: the PyTorch references are optional.
pub fn python(script: &str, env: &[(&str, String)]) -> Option<Vec<Value>> {
    match run_lines(Command::new("python3").arg(script).envs(env.iter().map(|(k, v)| (k, v)))) {
        Ok(lines) => Some(lines),
        Err(e) => {
            eprintln!("xtask: {script} skipped ({})", e.lines().last().unwrap_or(""));
            None
        }
    }
}

/// `(model, what)` of a line.
pub fn key(v: &Value) -> (String, String) {
    (text(v, "model").to_string(), text(v, "what").to_string())
}

/// A string field of a line, "" when missing.
pub fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or("")
}

/// Which implementation wrote the line (`kiln`, `pytorch`, `pyg`).
pub fn implementation(v: &Value) -> &str {
    text(v, "impl")
}

/// The 1-minute load average, to say how busy the machine was ("?" off Linux).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// The line of implementation `name` with the same model, measure and threads as `k`.
pub fn reference<'a>(k: &Value, lines: &'a [Value], name: &str) -> Option<&'a Value> {
    lines.iter().find(|t| implementation(t) == name && key(t) == key(k) && t["threads"] == k["threads"])
}

/// The reference's milliseconds and Kiln's ratio to them ("–" without a reference).
pub fn ms_and_ratio(kiln_ms: f64, reference: Option<&Value>) -> (String, String) {
    match reference.and_then(|t| t["ms"].as_f64()) {
        Some(ms) => (format!("{ms:.2}"), format!("{:.2}×", kiln_ms / ms)),
        None => ("–".into(), "–".into()),
    }
}

/// `peak (+growth over the data-ready base)` in MB.
pub fn peak(line: Option<&Value>) -> String {
    match line.and_then(|l| Some((l["peak_mb"].as_f64()?, l["base_mb"].as_f64().unwrap_or(0.0)))) {
        Some((peak, base)) => format!("{peak:.0} (+{:.0})", peak - base),
        None => "–".into(),
    }
}

/// The thread counts every two-sided section runs at: all of them, then one.
pub fn thread_counts(threads: usize) -> Vec<usize> {
    if threads > 1 { vec![threads, 1] } else { vec![1] }
}
