//! `cargo xtask bench`: the training-step, OFA, TabPFN and digits-epoch benchmarks beside their
//! PyTorch references at every core and at one thread, with each model's peak memory
//! ([`train`]); then the graph benchmark beside PyTorch and PyG ([`graph`]); then kiln-seq's
//! forecasting pass and kiln-geom's LiDAR benchmark ([`sections`]); into docs/bench.md.
//!
//! `cargo xtask bench lidar` reruns only the LiDAR section in place; `cargo xtask bench train`
//! runs only the training-step section and prints it without writing docs/bench.md (with
//! `KILN_BENCH_STEPS=2`, a quick check that every program runs and parses).

mod graph;
mod lines;
mod sections;
mod train;

use crate::root;

/// Runs the benchmarks and writes `docs/bench.md`; `Some("lidar")` reruns only the LiDAR
/// section, `Some("train")` prints only the training-step section.
pub fn run(only: Option<&str>) -> Result<(), String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    match only {
        None => {}
        Some("lidar") => return sections::run_lidar_only(),
        Some("train") => {
            println!("{}", train::section(threads)?);
            return Ok(());
        }
        Some(other) => return Err(format!("unknown bench section `{other}`; known: lidar, train")),
    }
    let load_start = lines::load_average();
    eprintln!("xtask: cargo bench (release build of burn on first run)");
    let mut body = train::section(threads)?;
    let notes = root().join("docs/bench-notes.md");
    if let Ok(text) = std::fs::read_to_string(&notes) {
        body.push('\n');
        body.push_str(&text);
    }
    body.push_str(&graph::section(threads)?);
    body.push_str(&sections::forecast_section()?);
    body.push_str(&sections::lidar_section()?);
    let load_end = lines::load_average();
    let md = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench`. Machine: {threads} threads available. Load \
         average (1 min): {load_start} when the run started, {load_end} when it ended (a load above \
         the thread count means oversubscribed cores and noisy timings).\n\n{body}"
    );
    let path = root().join("docs/bench.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{md}");
    Ok(())
}
