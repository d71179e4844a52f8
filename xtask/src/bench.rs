//! `cargo xtask bench`: Kiln's training-step benchmark beside PyTorch's, into docs/bench.md; then
//! the graph benchmark (kiln-graph's `graph_step` beside `bench/pytorch/graph_step.py`, with
//! PyTorch Geometric when installed) at every core and at one thread, with peak memory; then
//! kiln-seq's forecasting pass (TPGN, PGN, GRU, LSTM) against the input length.

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

fn implementation(v: &Value) -> &str {
    v["impl"].as_str().unwrap_or("")
}

/// The 1-minute load average, to say how busy the machine was ("?" off Linux).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// `ms` of the reference line of `implementation` matching `k` (model, measure, threads), and
/// Kiln's ratio to it.
fn reference<'a>(k: &Value, lines: &'a [Value], name: &str) -> Option<&'a Value> {
    lines.iter().find(|t| implementation(t) == name && key(t) == key(k) && t["threads"] == k["threads"])
}

fn ms_and_ratio(kiln_ms: f64, reference: Option<&Value>) -> (String, String) {
    match reference.and_then(|t| t["ms"].as_f64()) {
        Some(ms) => (format!("{ms:.2}"), format!("{:.2}×", kiln_ms / ms)),
        None => ("–".into(), "–".into()),
    }
}

/// `peak (+growth over the data-ready base)` in MB.
fn peak(line: Option<&Value>) -> String {
    match line.and_then(|l| Some((l["peak_mb"].as_f64()?, l["base_mb"].as_f64().unwrap_or(0.0)))) {
        Some((peak, base)) => format!("{peak:.0} (+{:.0})", peak - base),
        None => "–".into(),
    }
}

/// Runs kiln-graph's `graph_step` bench and `bench/pytorch/graph_step.py` at every core and at
/// one thread; returns the markdown section.
fn graph_section(threads: usize) -> Result<String, String> {
    let load_before = load_average();
    let mut kiln = Vec::new();
    let mut torch = Vec::new();
    let mut counts = vec![threads];
    if threads > 1 {
        counts.push(1);
    }
    for &t in &counts {
        eprintln!("xtask: graph bench, {t} thread(s)");
        kiln.extend(run_lines(
            Command::new(env!("CARGO"))
                .args(["bench", "-p", "kiln-graph", "--bench", "graph_step"])
                .env("KILN_BENCH_THREADS", t.to_string()),
        )?);
        match run_lines(
            Command::new("python3").arg("bench/pytorch/graph_step.py").env("KILN_BENCH_THREADS", t.to_string()),
        ) {
            Ok(lines) => torch.extend(lines),
            Err(e) => eprintln!("xtask: PyTorch graph reference skipped ({})", e.lines().last().unwrap_or("")),
        }
    }
    let load_after = load_average();
    let checksums = |lines: &[Value]| -> Vec<String> {
        let mut c: Vec<String> = lines.iter().filter_map(|l| l["graph"].as_str().map(str::to_string)).collect();
        c.sort();
        c.dedup();
        c
    };
    let (ck, ct) = (checksums(&kiln), checksums(&torch));
    let same_graph = match (ck.as_slice(), ct.as_slice()) {
        ([a], [b]) if a == b => format!("the same on both sides, `{a}`"),
        (_, []) => format!("`{}`; no PyTorch run to compare", ck.join(", ")),
        _ => format!("**differs**: Kiln `{}`, PyTorch `{}`", ck.join(", "), ct.join(", ")),
    };
    let has_pyg = torch.iter().any(|t| implementation(t) == "pyg");
    let mut md = String::from("\n## Graph learning: 10,000 nodes, 100,000 edges\n\n");
    md.push_str(
        "`crates/kiln-graph/benches/graph_step.rs` beside `bench/pytorch/graph_step.py`: plain PyTorch \
         (`index_add_` message passing) and, when `torch_geometric` imports, PyTorch Geometric's `GCNConv`. \
         The graph: 10,000 nodes, 100,000 undirected edges (200,000 directed entries in `edge_index`), \
         64 features, 8 classes, a planted partition that both sides build from the same SplitMix64 \
         stream (edge-list checksum: ",
    );
    md.push_str(&same_graph);
    md.push_str(
        ").\n\n\
         - `gcn-10k`: the two-layer GCN node classifier (hidden 16, dropout 0.5; normalisation recomputed \
         in each layer, like PyG's uncached `GCNConv`), full batch, cross-entropy on every node, Adam. \
         `inference`: its forward without autodiff.\n\
         - `ncn-10k`: a batch of 1,024 positive and 1,024 negative target links. `batch prep`: removing \
         the positives from the graph and the common neighbours of the 2,048 targets (Kiln: sorted-list \
         intersection on the host; PyTorch: sorted edge keys and `searchsorted`, as NCN's `adjoverlap`). \
         `train step`: NCN (hidden 64, one propagation, no dropout) on the prepared batch: encoder, \
         common-neighbour sums, MLPs, loss, backward, Adam.\n\
         - Median of 20 steps after 3 warm-up steps (fewer when a step takes over 1.5 s). Peak MB: the \
         process's peak resident memory (VmHWM; PyTorch: `ru_maxrss`), each model in its own process; in \
         brackets, the growth over the same process once its data were built (for PyTorch that base \
         includes the torch import, about 0.5 GB, and for PyG its import too).\n\n",
    );
    md.push_str("| model | measure | batch | threads | Kiln ms | PyTorch ms | Kiln / PyTorch |");
    if has_pyg {
        md.push_str(" PyG ms | Kiln / PyG |");
    }
    md.push_str(" Kiln peak MB | PyTorch peak MB |");
    if has_pyg {
        md.push_str(" PyG peak MB |");
    }
    md.push_str(if has_pyg {
        "\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    } else {
        "\n|---|---|---|---|---|---|---|---|---|\n"
    });
    for k in &kiln {
        let ms = k["ms"].as_f64().unwrap_or(f64::NAN);
        let pt = reference(k, &torch, "pytorch");
        let pyg = reference(k, &torch, "pyg");
        let (tms, tratio) = ms_and_ratio(ms, pt);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {ms:.2} | {tms} | {tratio} |",
            k["model"].as_str().unwrap_or(""),
            k["what"].as_str().unwrap_or(""),
            k["batch"],
            k["threads"],
        ));
        if has_pyg {
            let (gms, gratio) = ms_and_ratio(ms, pyg);
            md.push_str(&format!(" {gms} | {gratio} |"));
        }
        md.push_str(&format!(" {} | {} |", peak(Some(k)), peak(pt)));
        if has_pyg {
            md.push_str(&format!(" {} |", peak(pyg)));
        }
        md.push('\n');
    }
    md.push_str(&format!(
        "\nKiln device: {}. Load average (1 min) of this {threads}-thread machine: {load_before} when the \
         graph runs started, {load_after} when they ended. The machine is shared with other jobs \
         (a load above the thread count means oversubscribed cores), so these timings are noisy and \
         differ between runs. PyTorch's OpenMP pool in particular loses much of its time waiting when \
         the cores are oversubscribed (compare its rows at every core and at one thread), which is why \
         every row is measured at one thread too: under load, the one-thread rows are the fairer \
         comparison. Memory does not depend on the load: both peaks are whole processes, and \
         PyTorch's includes about 0.5 GB of torch's own libraries, so compare the bracketed growth too.\n",
        kiln.first().and_then(|k| k["device"].as_str()).unwrap_or("?"),
    ));
    Ok(md)
}

/// Runs kiln-seq's `forecast_step` bench; returns the markdown section: forward + backward time
/// of TPGN, PGN, GRU and LSTM against the input length.
fn forecast_section() -> Result<String, String> {
    eprintln!("xtask: forecasting bench");
    let load_before = load_average();
    let lines = run_lines(Command::new(env!("CARGO")).args(["bench", "-p", "kiln-seq", "--bench", "forecast_step"]))?;
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

fn lidar_section() -> Result<String, String> {
    eprintln!("xtask: LiDAR bench");
    let load_before = load_average();
    let lines = run_lines(Command::new(env!("CARGO")).args(["bench", "-p", "kiln-geom", "--bench", "lidar"]))?;
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
fn run_lidar_only() -> Result<(), String> {
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

/// Runs the benchmarks and writes `docs/bench.md`; `Some("lidar")` reruns only the LiDAR
/// section.
pub fn run(only: Option<&str>) -> Result<(), String> {
    match only {
        None => {}
        Some("lidar") => return run_lidar_only(),
        Some(other) => return Err(format!("unknown bench section `{other}`; known: lidar")),
    }
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
        let t = torch.iter().find(|t| implementation(t) == "pytorch" && key(t) == key(k));
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
    md.push_str(&graph_section(threads)?);
    md.push_str(&forecast_section()?);
    md.push_str(&lidar_section()?);
    let path = root().join("docs/bench.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{md}");
    Ok(())
}
