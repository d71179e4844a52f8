//! The Kiln-only sections: kiln-seq's forecasting pass (TPGN, PGN, GRU, LSTM) against the input
//! length, and kiln-geom's LiDAR rasterisation and Parallel Perception Network.

use serde_json::Value;

use super::lines::{cargo_bench, load_average};
use crate::root;

/// Runs kiln-seq's `forecast_step` bench; returns the markdown section: forward + backward time
/// of TPGN, PGN, GRU and LSTM against the input length.
pub fn forecast_section() -> Result<String, String> {
    eprintln!("xtask: forecasting bench");
    let load_before = load_average();
    let lines = cargo_bench("kiln-seq", "forecast_step", &[])?;
    let load_after = load_average();
    let mut lengths: Vec<u64> = lines.iter().filter_map(|l| l["length"].as_u64()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut md = String::from("\n## Forecasting: forward + backward against the input length\n\n");
    md.push_str(
        "`crates/kiln-seq/benches/forecast_step.rs`: one pass of forward, MSE and backward (no optimiser \
         update), horizon 96, batch 32, one channel and four time features, median of 10 after 2 warm-up \
         passes. TPGN and PGN (TPGN without its short branch) at the paper's `d = 32`; GRU and LSTM with \
         32 units. PGN's history extraction is one convolution over the previous rows of the period grid, \
         not a step-by-step recurrence, so its time should grow more slowly with `L` than the recurrent \
         baselines'. Milliseconds:\n\n| model |",
    );
    for l in &lengths {
        md.push_str(&format!(" L = {l} |"));
    }
    md.push_str(&format!("\n|---|{}\n", "---|".repeat(lengths.len())));
    for model in ["tpgn", "pgn", "gru", "lstm"] {
        md.push_str(&format!("| {model} |"));
        for l in &lengths {
            let ms = lines.iter().find(|v| v["model"] == model && v["length"].as_u64() == Some(*l));
            match ms.and_then(|v| v["ms"].as_f64()) {
                Some(ms) => md.push_str(&format!(" {ms:.1} |")),
                None => md.push_str(" – |"),
            }
        }
        md.push('\n');
    }
    md.push_str(&format!(
        "\nDevice: {}. Load average (1 min): {load_before} before, {load_after} after (a load above the \
         thread count means shared, noisy timings).\n",
        lines.first().and_then(|v| v["device"].as_str()).unwrap_or("?")
    ));
    Ok(md)
}

/// The heading of the LiDAR section (what `cargo xtask bench lidar` replaces).
const LIDAR_HEADING: &str = "\n## LiDAR: bird's-eye views and the Parallel Perception Network\n";

pub fn lidar_section() -> Result<String, String> {
    eprintln!("xtask: LiDAR bench");
    let load_before = load_average();
    let lines = cargo_bench("kiln-geom", "lidar", &[])?;
    let load_after = load_average();
    let find = |what: &str, threads: Option<u64>| {
        lines.iter().find(|v| {
            v["what"].as_str().is_some_and(|w| w.starts_with(what))
                && threads.is_none_or(|t| v["threads"].as_u64() == Some(t))
        })
    };
    let ms = |v: Option<&Value>| v.and_then(|v| v["ms"].as_f64());
    let mut md = String::from(LIDAR_HEADING);
    md.push_str(
        "\n`crates/kiln-geom/benches/lidar.rs`, median of 20 after 3 warm-up runs. Rasterisation: eight simulated \
         race-track scans (32 beams × 1024 azimuths) into the 0.2 m, 512 × 512 grid of `BevConfig::default()` \
         (occupancy, height, intensity and label channels). PPN: one inference of both nets of \
         `PpnConfig::small()` (0.5 m, 128², 8 frames, 4 stages 8→64), each building its own BEV stack from the \
         raw points; sequential on one flex device inside a rayon pool of 1 or 2 threads, parallel on two flex \
         devices in two threads with a 1-thread pool each (the paper: two GPUs, ≈ 2×; the notebook: 0.326 vs \
         0.232 s, ≈ 1.4×).\n\n| measure | ms | note |\n|---|---|---|\n",
    );
    if let Some(v) = find("bev rasterise", None) {
        md.push_str(&format!(
            "| BEV rasterisation, per scan | {:.2} | {:.1} M points/s ({} points per scan) |\n",
            v["ms"].as_f64().unwrap_or(f64::NAN),
            v["points_per_s"].as_f64().unwrap_or(f64::NAN) / 1e6,
            v["points"]
        ));
    }
    let parallel = ms(find("ppn parallel", None));
    for threads in [1, 2] {
        if let Some(seq) = ms(find("ppn sequential", Some(threads))) {
            let speedup = parallel.map_or("–".to_string(), |p| format!("parallel is {:.2}× faster", seq / p));
            md.push_str(&format!("| PPN sequential, {threads} thread(s) | {seq:.1} | {speedup} |\n"));
        }
    }
    if let Some(p) = parallel {
        md.push_str(&format!("| PPN parallel, 2 flex devices × 1 thread | {p:.1} | |\n"));
    }
    md.push_str(&format!("\nLoad average (1 min): {load_before} before, {load_after} after.\n"));
    Ok(md)
}

/// Reruns only the LiDAR benchmark and replaces its section in `docs/bench.md` (appended when
/// the file has none).
pub fn run_lidar_only() -> Result<(), String> {
    let path = root().join("docs/bench.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let section = lidar_section()?;
    let updated = match text.find(LIDAR_HEADING) {
        Some(start) => {
            let rest = &text[start + LIDAR_HEADING.len()..];
            let end = rest.find("\n## ").map_or(text.len(), |i| start + LIDAR_HEADING.len() + i);
            format!("{}{section}{}", &text[..start], &text[end..])
        }
        None => format!("{text}{section}"),
    };
    std::fs::write(&path, &updated).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{section}");
    Ok(())
}
