//! SPEN's memory section: one training step of SPEN and of the dense 2-IGN on growing graphs,
//! each in a child process of this program (`KILN_SPEN_MEMORY=model:n`), peak resident memory
//! against n, and the linear-vs-quadratic verdict.

use std::process::Command;

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::experiment::{ResultsPage, Table};
use kiln_core::seed::seed_device;
use kiln_core::train::{StepContext, TrainModel};
use kiln_graph::spen::subgraphs::SizeGroup;
use kiln_graph::spen::{EgoPlan, SpenBatch, SpenConfig, csl};
use kiln_render::{Chart, Legend, PALETTE, Series};

use super::spen::CLASSES;

type Error = Box<dyn std::error::Error>;

/// Set to `spen:N` or `ign:N`, the program measures that model's step on N nodes and exits.
pub const CHILD_ENV: &str = "KILN_SPEN_MEMORY";

/// Skip length of the 4-regular circulant graphs of the memory runs (ego-nets of 5 nodes).
const MEMORY_SKIP: usize = 3;
/// Dense 2-IGN runs predicted above this many bytes are skipped.
const IGN_LIMIT: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
/// Bytes of a dense step per `n² · 2h · 4` bytes assumed before any measurement.
const IGN_PRIOR_FACTOR: f64 = 64.0;
const MB: f64 = 1024.0 * 1024.0;

/// `CSL(n, MEMORY_SKIP)` as SPEN's ego-nets, or as one "ego-net" holding the whole graph: all
/// n² pairs in one `[1, n, n, F + 1]` tensor, i.e. a dense 2-IGN.
fn memory_plan(model: &str, n: usize) -> Result<EgoPlan, Error> {
    let graph = csl(n, MEMORY_SKIP, Some(0))?;
    let plan = EgoPlan::new(&graph, 1)?;
    if model == "spen" {
        return Ok(plan);
    }
    let mut pair_x = vec![0.0; n * n * 2];
    for (p, &(u, v)) in plan.pairs.iter().enumerate() {
        pair_x[2 * (u * n + v)..2 * (u * n + v) + 2].copy_from_slice(&plan.pair_x[2 * p..2 * p + 2]);
    }
    let group = SizeGroup { size: n, centres: vec![0], pair_rows: (0..n * n).collect(), node_rows: (0..n).collect() };
    let pairs = (0..n * n).map(|p| (p / n, p % n)).collect();
    Ok(EgoPlan { pairs, groups: vec![group], pair_x, ..plan })
}

/// The child's work: one forward and backward pass of `spec` (`spen:N` or `ign:N`), printed as
/// `VmHWM after − VmRSS before` in bytes and the gathered pair rows `Σ k·m²`.
pub fn child(spec: &str) -> Result<(), Error> {
    let (model, n) = spec.split_once(':').ok_or_else(|| format!("{CHILD_ENV}={spec}: expected model:nodes"))?;
    let n: usize = n.parse()?;
    if model != "spen" && model != "ign" {
        return Err(format!("{CHILD_ENV}: unknown model {model}").into());
    }
    let before = status_bytes("VmRSS").ok_or("VmRSS unavailable")?;
    let device = Device::flex();
    seed_device(&device, 0);
    let ad = device.clone().autodiff();
    let plan = memory_plan(model, n)?;
    let rows: usize = plan.groups.iter().map(|g| g.centres.len() * g.size * g.size).sum();
    let spen = SpenConfig::small(1, 2).init(&device)?.train();
    let batch =
        SpenBatch { ego: plan.to_device(&ad), targets: Tensor::from_data(TensorData::new(vec![1_i64], [1]), &ad) };
    let ctx = StepContext { stage: (), epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: true };
    let (grads, output) = spen.gradients(batch, &ctx, 1.0);
    let loss: f32 = output.loss.into_scalar();
    if grads.is_empty() || !loss.is_finite() {
        return Err(format!("{spec}: {} gradients, loss {loss}", grads.len()).into());
    }
    let after = status_bytes("VmHWM").ok_or("VmHWM unavailable")?;
    println!("{} {rows}", after.saturating_sub(before));
    Ok(())
}

/// A `/proc/self/status` field (`VmRSS`, `VmHWM`) in bytes; `None` off Linux.
fn status_bytes(field: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    let kb: usize = line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// One child: `(VmHWM growth, gathered pair rows)`.
fn measure(model: &str, n: usize) -> Result<(f64, usize), Error> {
    let out = Command::new(std::env::current_exe()?).env(CHILD_ENV, format!("{model}:{n}")).output()?;
    if !out.status.success() {
        return Err(format!("child {model}:{n} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let bytes: f64 = fields.next().ok_or("child printed nothing")?.parse()?;
    let rows: usize = fields.next().ok_or("child printed no rows")?.parse()?;
    Ok((bytes, rows))
}

/// One graph size of the memory runs: `(VmHWM growth, gathered rows)` of SPEN and of the dense
/// 2-IGN (`None`: skipped), and the dense run's predicted bytes.
struct MemoryRow {
    n: usize,
    spen: (f64, usize),
    ign: Option<(f64, usize)>,
    predicted: f64,
}

/// Exponent of `bytes ∝ nᵅ` between two measurements.
fn exponent((n0, b0): (f64, f64), (n1, b1): (f64, f64)) -> f64 {
    (b1 / b0).ln() / (n1 / n0).ln()
}

/// Measures SPEN and the dense 2-IGN at every size (one child per model and size; dense sizes
/// predicted above [`IGN_LIMIT`] are skipped) and writes the memory table, chart and verdict.
pub fn section(page: &mut ResultsPage, sizes: &[usize], quick: bool) -> Result<(), Error> {
    let width = 2 * SpenConfig::small(1, CLASSES).hidden;
    let mut factor = IGN_PRIOR_FACTOR;
    let mut rows_out = Vec::new();
    for &n in sizes {
        let s = measure("spen", n)?;
        let dense_unit = (n * n * width * 4) as f64;
        let predicted = dense_unit * factor;
        let d = if predicted > IGN_LIMIT {
            None
        } else {
            let d = measure("ign", n)?;
            factor = factor.max(d.0 / dense_unit);
            Some(d)
        };
        eprintln!(
            "SPEN memory n = {n}: SPEN {:.1} MB, 2-IGN {} ({:.0}s)",
            s.0 / MB,
            d.map_or("skipped".to_string(), |d| format!("{:.1} MB", d.0 / MB)),
            page.elapsed_secs()
        );
        rows_out.push(MemoryRow { n, spen: s, ign: d, predicted });
    }
    memory_report(page, &rows_out, width, quick)
}

/// The memory table, chart and verdict.
fn memory_report(page: &mut ResultsPage, rows: &[MemoryRow], width: usize, quick: bool) -> Result<(), Error> {
    page.paragraph(&format!(
        "Memory: one training step (forward, cross-entropy, backward; flex backend, f32) of the same `SpenConfig::small` model on the 4-regular circulant CSL(n, {MEMORY_SKIP}) (every ego-net has 5 nodes), each in a fresh process (this program re-run with `{CHILD_ENV}=model:n`), reporting the kernel's peak resident set `VmHWM` after the step less `VmRSS` before building the graph and model. The dense 2-IGN is the same model with a single \"subgraph\" equal to the whole graph: all n² pairs in one `[1, n, n, 2]` tensor (diagonal: the node feature; edge channel: the adjacency), so every layer applies `spen::basis`'s 15 + 5 + 5 + 2 Maron et al. operators to the full n × n × {width} tensor, i.e. Maron et al.'s invariant graph network of order 2 (with SPEN's order-1 track, GraphNorm and MLP head). A dense size is skipped when n²·{width}·4 bytes × (the largest measured bytes per n²·{width}·4, at least {IGN_PRIOR_FACTOR}) exceeds {:.0} GiB. Gathered rows: the pair rows Σ k·m² the layers gather (k ego-nets of m nodes; n² for the dense model). Ratio: bytes over those of the previous n.",
        IGN_LIMIT / 1024.0 / MB,
    ));
    let mut table = Table::new([
        "n",
        "SPEN (MB)",
        "SPEN gathered rows",
        "SPEN ratio",
        "2-IGN (MB)",
        "2-IGN gathered rows",
        "2-IGN ratio",
    ]);
    let ratio = |i: usize, get: &dyn Fn(usize) -> Option<f64>| match (i.checked_sub(1).and_then(get), get(i)) {
        (Some(a), Some(b)) => format!("{:.2}", b / a),
        _ => "-".to_string(),
    };
    let spen_at = |i: usize| Some(rows[i].spen.0);
    let ign_at = |i: usize| rows[i].ign.map(|d| d.0);
    for (i, MemoryRow { n, spen: s, ign: d, predicted }) in rows.iter().enumerate() {
        let (ign, ign_rows) = match d {
            Some(d) => (format!("{:.1}", d.0 / MB), d.1.to_string()),
            None => (format!("skipped (predicted {:.0})", predicted / MB), (n * n).to_string()),
        };
        table.row([
            n.to_string(),
            format!("{:.1}", s.0 / MB),
            s.1.to_string(),
            ratio(i, &spen_at),
            ign,
            ign_rows,
            ratio(i, &ign_at),
        ]);
    }
    page.table(&table);
    let spen_pts: Vec<(f64, f64)> = rows.iter().map(|r| (r.n as f64, r.spen.0)).collect();
    let ign_pts: Vec<(f64, f64)> = rows.iter().filter_map(|r| r.ign.map(|d| (r.n as f64, d.0))).collect();
    let log2 = |pts: &[(f64, f64)]| pts.iter().map(|&(n, b)| (n.log2(), (b / MB).max(1e-3).log2())).collect::<Vec<_>>();
    let chart = Chart::new("Peak memory of one training step vs graph size")
        .x_label("log2 n (nodes)")
        .y_label("log2 VmHWM growth (MB)")
        .legend(Legend::UpperLeft)
        .series(Series::line("SPEN (1-hop ego-nets)", log2(&spen_pts)).with_color(PALETTE[0]))
        .series(Series::line("dense 2-IGN", log2(&ign_pts)).with_color(PALETTE[1]));
    chart.save_png(page.asset("graph-hetero-spen-memory.png")?)?;
    page.paragraph("![peak step memory against n, log-log](graph-hetero-spen-memory.png)");
    let last_two = |pts: &[(f64, f64)]| (pts.len() >= 2).then(|| exponent(pts[pts.len() - 2], pts[pts.len() - 1]));
    let (a_spen, a_ign) = (last_two(&spen_pts), last_two(&ign_pts));
    let shown = |a: Option<f64>| a.map_or("n/a".to_string(), |a| format!("{a:.2}"));
    // Linear: α < 1.5; quadratic: α > 1.5 (the midpoint), between the two largest sizes measured.
    let verdict = match (a_spen, a_ign) {
        (Some(s), Some(d)) if s < 1.5 && d > 1.5 => "holds",
        (Some(s), Some(d)) if s < 1.5 || d > 1.5 => "holds only in part",
        (Some(_), Some(_)) => "does not hold",
        _ => "cannot be judged (fewer than two sizes measured)",
    };
    page.paragraph(&format!(
        "Claim: for bounded degree SPEN's memory grows about linearly in n, the dense 2-IGN's quadratically. Measured exponent α between the two largest sizes each model ran: SPEN {} (n = {} → {}), 2-IGN {} (n = {} → {}); linear is α = 1 (ratio 2 per doubling), quadratic α = 2 (ratio 4); the verdict splits at α = 1.5. Verdict: the claim {verdict}{}.",
        shown(a_spen),
        spen_pts.iter().rev().nth(1).map_or(0.0, |p| p.0),
        spen_pts.last().map_or(0.0, |p| p.0),
        shown(a_ign),
        ign_pts.iter().rev().nth(1).map_or(0.0, |p| p.0),
        ign_pts.last().map_or(0.0, |p| p.0),
        if quick { " (`--quick`: n ≤ 100 only, where fixed costs dominate; not evidence)" } else { "" },
    ));
    Ok(())
}
