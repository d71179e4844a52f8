//! Times graph learning at the scale of the issue: a 10,000-node graph with 100,000 undirected
//! edges (200,000 directed entries in `edge_index`), 64 features, 8 classes.
//!
//! - `gcn-10k` / `train step`: one full-batch step of the two-layer GCN node classifier
//!   (kiln-graph's defaults, Kipf & Welling's: hidden 16, dropout 0.5), cross-entropy on every
//!   node, backward, Adam.
//! - `gcn-10k` / `inference`: the same GCN's forward without autodiff.
//! - `ncn-10k` / `batch prep`: building an NCN batch of 1,024 target links and 1,024 negatives
//!   on the host (target-link removal, common neighbours by sorted-list intersection, upload).
//! - `ncn-10k` / `train step`: plain NCN (hidden 64, one propagation, no dropout, none of the
//!   official commands' `xlin`, jumping knowledge, LayerNorm or `tailact`: the model
//!   `bench/pytorch/graph_step.py` builds) on that prepared batch: encoder, common-neighbour sums,
//!   MLPs, loss, backward, Adam.
//!
//! One JSON object per line, like kiln-core's `train_step` bench, plus `peak_mb` (the process's
//! VmHWM at the line) and `base_mb` (VmHWM once the data are generated, before any model): each
//! model runs in its own child process (this binary re-run with `KILN_GRAPH_BENCH_PART`), so the
//! peak is that model's, not the sum of both.
//!
//! **The graph** comes from a SplitMix64 stream, not from kiln-graph's `rand`-based generators,
//! so that `bench/pytorch/graph_step.py` builds the identical graph without reading files: a
//! planted partition of 8 blocks of 1,250 nodes; each edge draws `u` uniformly, then with
//! probability 0.8 a `v` in `u`'s block, otherwise anywhere; self-loops and repeats are
//! redrawn until there are 100,000 distinct pairs. Features are uniform in `[-0.5, 0.5)` (24-bit
//! integers over 2²⁴, exact in f32) plus 1 at the node's class column; the NCN batch takes
//! 1,024 training pairs and 1,024 uniform negatives from the same stream. Both sides print a
//! checksum of the edge list (`graph`), which `cargo xtask bench` compares.
//!
//! Device: `KILN_DEVICE` (default auto). Steps: `KILN_BENCH_STEPS` (default 20; fewer when one
//! step takes over 1.5 s). Threads: `KILN_BENCH_THREADS` (default every core; set, it becomes
//! `RAYON_NUM_THREADS`, which sizes flex's pool).

use std::process::Command;
use std::sync::Arc;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::device::select_str;
use kiln_core::nn::cross_entropy;
use kiln_core::timing::{elapsed_ms, median_time_ms};
use kiln_graph::adjacency::Adjacency;
use kiln_graph::layers::LayerKind;
use kiln_graph::ncn::{LinkScorer, LinkTask, NcnConfig, link_loss};
use kiln_graph::tasks::node::NodeClassifierConfig;
use kiln_graph::{Features, Graph};

const NODES: usize = 10_000;
const PAIRS: usize = 100_000;
const CLASSES: usize = 8;
const DIM: usize = 64;
const TARGETS: usize = 1_024;
const SEED: u64 = 0x6b69_6c6e; // "kiln"

/// SplitMix64 (Steele, Lea & Flood 2014), the same stream as the Python reference.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The benchmark's data: undirected pairs in generation order, features, labels, NCN targets.
struct Data {
    pairs: Vec<(usize, usize)>,
    x: Vec<f32>,
    y: Vec<usize>,
    pos: Vec<(usize, usize)>,
    neg: Vec<(usize, usize)>,
    checksum: u64,
}

fn data() -> Data {
    let mut rng = SplitMix(SEED);
    let block = NODES / CLASSES;
    let class = |v: usize| v / block;
    let mut seen = std::collections::HashSet::with_capacity(PAIRS);
    let mut pairs = Vec::with_capacity(PAIRS);
    while pairs.len() < PAIRS {
        let u = rng.below(NODES);
        let v = if rng.below(100) < 80 { class(u) * block + rng.below(block) } else { rng.below(NODES) };
        let key = (u.min(v), u.max(v));
        if u != v && seen.insert(key) {
            pairs.push(key);
        }
    }
    let mut x = Vec::with_capacity(NODES * DIM);
    for v in 0..NODES {
        for k in 0..DIM {
            let value = (rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
            x.push(if k == class(v) { value + 1.0 } else { value });
        }
    }
    let y = (0..NODES).map(class).collect();
    let pos = (0..TARGETS).map(|_| pairs[rng.below(PAIRS)]).collect();
    let neg = (0..TARGETS)
        .map(|_| {
            let a = rng.below(NODES);
            (a, (a + 1 + rng.below(NODES - 1)) % NODES)
        })
        .collect();
    let checksum = pairs
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &(a, b)| (h ^ (a * NODES + b) as u64).wrapping_mul(0x0100_0000_01b3));
    Data { pairs, x, y, pos, neg, checksum }
}

/// 3 warm-up steps, then the median of `steps` (at most ~30 s of timed steps, at least 5).
fn time_steps(steps: usize, mut step: impl FnMut()) -> f64 {
    let mut last = 0.0;
    for _ in 0..3 {
        last = elapsed_ms(&mut step);
    }
    let steps = steps.min(((30_000.0 / last.max(1e-3)) as usize).max(5));
    median_time_ms(0, steps, step)
}

/// Peak resident set size of this process in MB (VmHWM), 0 where /proc is missing.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Threads: `KILN_BENCH_THREADS` (passed to the children as `RAYON_NUM_THREADS`, flex's pool),
/// else every core.
fn threads() -> usize {
    std::env::var("KILN_BENCH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// What every line shares besides its measure.
struct Context {
    device: Device,
    steps: usize,
    /// Peak RSS once the data are built, before any model: `peak_mb - base_mb` is the model's.
    base_mb: f64,
    checksum: u64,
}

fn report(ctx: &Context, model: &str, what: &str, batch: usize, ms: f64) {
    println!(
        "{{\"impl\":\"kiln\",\"device\":\"{:?}\",\"model\":\"{model}\",\"what\":\"{what}\",\"batch\":{batch},\"ms\":{ms:.3},\"threads\":{},\"peak_mb\":{:.1},\"base_mb\":{:.1},\"graph\":\"{:016x}\"}}",
        ctx.device,
        threads(),
        peak_mb(),
        ctx.base_mb,
        ctx.checksum
    );
}

fn gcn(ctx: &Context, data: &Data) {
    let device = &ctx.device;
    let ad = device.clone().autodiff();
    let graph = Graph::undirected(NODES, &data.pairs).expect("valid pairs");
    let g = graph.to_tensors(&ad);
    let x = Tensor::<2>::from_data(TensorData::new(data.x.clone(), [NODES, DIM]), &ad);
    let y = Tensor::<1, Int>::from_data(
        TensorData::new(data.y.iter().map(|&c| c as i64).collect::<Vec<_>>(), [NODES]),
        &ad,
    );
    let mut model = Some(NodeClassifierConfig::new(LayerKind::Gcn, DIM, CLASSES).init(&ad).train());
    let mut optim = AdamConfig::new().init();
    let ms = time_steps(ctx.steps, || {
        let m = model.take().expect("model");
        let loss = cross_entropy(m.forward(x.clone(), &g), y.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let m = optim.step(1e-2, m, grads);
        let _ = device.sync();
        model = Some(m);
    });
    report(ctx, "gcn-10k", "train step", NODES, ms);

    let plain = model.expect("model").valid();
    let gi = graph.to_tensors(device);
    let xi = x.inner();
    let ms = time_steps(ctx.steps, || {
        let _ = plain.forward(xi.clone(), &gi).into_data();
    });
    report(ctx, "gcn-10k", "inference", NODES, ms);
}

fn ncn(ctx: &Context, data: &Data) {
    let device = &ctx.device;
    let ad = device.clone().autodiff();
    let task = Arc::new(LinkTask {
        x: Features::new(DIM, data.x.clone()).expect("features"),
        train: data.pairs.clone(),
        adj: Adjacency::undirected(NODES, &data.pairs),
    });
    // What `LinkTrainSource::batch` does for NCN: remove the positives, then build the batch.
    let prepare = || {
        let adj = task.adj.without(&data.pos);
        task.batch(&adj, &adj, &data.pos, &data.neg, false, &ad)
    };
    let ms = time_steps(ctx.steps, || {
        let _ = prepare();
    });
    report(ctx, "ncn-10k", "batch prep", 2 * TARGETS, ms);

    let batch = prepare();
    eprintln!("graph_step: {} common-neighbour entries in the NCN batch", batch.targets.num_cn);
    let plain = NcnConfig::new(DIM)
        .with_hidden(64)
        .with_input_dropout(0.0)
        .with_encoder_dropout(0.0)
        .with_tail_dropout(0.0)
        .with_predictor_dropout(0.0)
        .with_predictor_edge_dropout(0.0)
        .with_jk(false)
        .with_xlin(false)
        .with_tailact(false)
        .with_ln_predictor(false);
    let mut model = Some(plain.init(&ad).train());
    let mut optim = AdamConfig::new().init();
    let ms = time_steps(ctx.steps, || {
        let m = model.take().expect("model");
        let b = batch.clone();
        let loss = link_loss(m.link_logits(&b), b.labels, b.num_pos);
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let m = optim.step(1e-2, m, grads);
        let _ = device.sync();
        model = Some(m);
    });
    report(ctx, "ncn-10k", "train step", 2 * TARGETS, ms);
}

fn main() {
    let part = std::env::var("KILN_GRAPH_BENCH_PART").unwrap_or_default();
    if part.is_empty() {
        // One child process per model, so that each reports its own peak memory.
        let exe = std::env::current_exe().expect("own path");
        for part in ["gcn", "ncn"] {
            let mut cmd = Command::new(&exe);
            cmd.env("KILN_GRAPH_BENCH_PART", part);
            if std::env::var_os("KILN_BENCH_THREADS").is_some() {
                cmd.env("RAYON_NUM_THREADS", threads().to_string());
            }
            let out = cmd.output().expect("bench child");
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            print!("{}", String::from_utf8_lossy(&out.stdout));
            assert!(out.status.success(), "graph_step part {part} failed");
        }
        return;
    }
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let steps = std::env::var("KILN_BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let data = data();
    let ctx = Context { device, steps, base_mb: peak_mb(), checksum: data.checksum };
    eprintln!(
        "graph_step: {NODES} nodes, {} undirected pairs, checksum {:016x}, {} threads",
        data.pairs.len(),
        data.checksum,
        threads()
    );
    match part.as_str() {
        "gcn" => gcn(&ctx, &data),
        "ncn" => ncn(&ctx, &data),
        other => panic!("KILN_GRAPH_BENCH_PART: unknown part {other}"),
    }
}
