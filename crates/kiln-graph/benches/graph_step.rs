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
//! - `gcn-cora`: Cora's shape (2,708 nodes, 5,278 undirected edges, 1,433 binary words, 18 per
//!   node, 7 classes, 140 labelled nodes; SplitMix64 like the 10k graph; no PyTorch side, no
//!   `graph` checksum). `batch build`: the `NodeSource` batch built from the host vectors, what
//!   every epoch paid before batches were resident. `train step`: one GCN step on a resident
//!   batch (the sum of an epoch's step times: one full-batch step). `epoch, rebuilt batch` /
//!   `epoch, resident batch`: one `Trainer::fit` epoch's wall time (median after 3 warm-up
//!   epochs) with the batch built afresh every epoch, and with `NodeSource` keeping it.
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

#[path = "../../kiln-core/benches/common/mod.rs"]
mod common;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Int, Tensor, TensorData};
use common::peak_mb;
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
        for part in ["gcn", "ncn", "cora"] {
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
    if part == "cora" {
        return citation::run(device, steps);
    }
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

/// The citation-sized graph's rows (`gcn-cora`): what keeping the full batch on the device saves.
mod citation {
    use std::sync::Arc;

    use burn::module::Module;
    use burn::optim::AdamConfig;
    use burn::prelude::Device;
    use kiln_core::timing::median;
    use kiln_core::train::{BatchSource, Phase, StepContext, TrainModel, TrainPhase, Trainer};
    use kiln_graph::layers::LayerKind;
    use kiln_graph::tasks::{NodeBatch, NodeClassifier, NodeClassifierConfig, NodeSource};
    use kiln_graph::{Features, Graph};

    use super::{SplitMix, peak_mb, threads, time_steps};

    const NODES: usize = 2_708;
    const PAIRS: usize = 5_278;
    const WORDS: usize = 1_433;
    const WORDS_PER_NODE: usize = 18;
    const CLASSES: usize = 7;
    const LABELLED_PER_CLASS: usize = 20;

    /// Planted partition of 7 classes (80% of the edges inside a class); each node has 18
    /// distinct words, half from its class's band of the vocabulary; 20 labelled nodes per class.
    fn graph() -> (Arc<Graph>, Vec<usize>) {
        let mut rng = SplitMix(super::SEED ^ 0x636f_7261); // "cora"
        let class = |v: usize| v * CLASSES / NODES;
        let members: Vec<Vec<usize>> = (0..CLASSES).map(|c| (0..NODES).filter(|&v| class(v) == c).collect()).collect();
        let mut seen = std::collections::HashSet::with_capacity(PAIRS);
        let mut pairs = Vec::with_capacity(PAIRS);
        while pairs.len() < PAIRS {
            let u = rng.below(NODES);
            let block = &members[class(u)];
            let v = if rng.below(100) < 80 { block[rng.below(block.len())] } else { rng.below(NODES) };
            if u != v && seen.insert((u.min(v), u.max(v))) {
                pairs.push((u.min(v), u.max(v)));
            }
        }
        let band = WORDS / CLASSES;
        let mut x = vec![0.0f32; NODES * WORDS];
        for v in 0..NODES {
            let mut set = 0;
            while set < WORDS_PER_NODE {
                let word = if set % 2 == 0 { class(v) * band + rng.below(band) } else { rng.below(WORDS) };
                if x[v * WORDS + word] == 0.0 {
                    x[v * WORDS + word] = 1.0;
                    set += 1;
                }
            }
        }
        let graph = Graph::undirected(NODES, &pairs)
            .and_then(|g| g.with_features(Features::new(WORDS, x)?))
            .and_then(|g| g.with_labels((0..NODES).map(class).collect()))
            .expect("valid citation graph");
        let labelled = members.iter().flat_map(|m| m.iter().take(LABELLED_PER_CLASS).copied()).collect();
        (Arc::new(graph), labelled)
    }

    /// A node source built afresh for every batch (the path before batches were resident).
    struct Rebuilt(Arc<Graph>, Vec<usize>);

    impl BatchSource<NodeBatch> for Rebuilt {
        fn num_batches(&self) -> usize {
            1
        }

        fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<NodeBatch> {
            let fresh = NodeSource::new(Arc::clone(&self.0), self.1.clone())
                .map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
            fresh.batch(epoch, index, device)
        }
    }

    /// Median wall time of one `Trainer::fit` epoch over `source`, after 3 warm-up epochs.
    fn epoch_ms(device: &Device, model: &NodeClassifier, source: &dyn BatchSource<NodeBatch>, epochs: usize) -> f64 {
        let phases = [Phase::train("main", TrainPhase::new(epochs + 3, 1e-2))];
        let (_, report) = Trainer::new(device.clone()).fit(model.clone(), &phases, source, None).expect("fit");
        let mut ms: Vec<f64> = report.records.iter().skip(3).map(|r| r.seconds * 1e3).collect();
        median(&mut ms)
    }

    fn line(device: &Device, what: &str, ms: f64, base_mb: f64) {
        println!(
            "{{\"impl\":\"kiln\",\"device\":\"{device:?}\",\"model\":\"gcn-cora\",\"what\":\"{what}\",\"batch\":{NODES},\"ms\":{ms:.3},\"threads\":{},\"peak_mb\":{:.1},\"base_mb\":{base_mb:.1}}}",
            threads(),
            peak_mb()
        );
    }

    pub(super) fn run(device: Device, steps: usize) {
        let (graph, labelled) = graph();
        let base_mb = peak_mb();
        eprintln!("graph_step: citation graph, {NODES} nodes, {} directed edges, {WORDS} words", graph.num_edges());
        let ad = device.clone().autodiff();
        let build = time_steps(steps, || {
            let _ = Rebuilt(Arc::clone(&graph), labelled.clone()).batch(0, 0, &ad).expect("batch");
            let _ = ad.sync();
        });
        line(&device, "batch build", build, base_mb);

        let init = NodeClassifierConfig::new(LayerKind::Gcn, WORDS, CLASSES).init(&ad);
        let batch =
            NodeSource::new(Arc::clone(&graph), labelled.clone()).expect("source").batch(0, 0, &ad).expect("batch");
        let ctx = StepContext { stage: (), epoch: 0, global_step: 0, step_in_epoch: 0, step_seed: 0, training: true };
        let mut model = Some(init.clone().train());
        let mut optim = AdamConfig::new().init();
        let step = time_steps(steps, || {
            let m = model.take().expect("model");
            let (grads, output) = m.gradients(batch.clone(), &ctx, 1.0);
            let _ = output.loss.into_scalar::<f32>();
            model = Some(optim.step(1e-2, m, grads));
        });
        line(&device, "train step", step, base_mb);

        let rebuilt = epoch_ms(&device, &init.valid(), &Rebuilt(Arc::clone(&graph), labelled.clone()), steps);
        line(&device, "epoch, rebuilt batch", rebuilt, base_mb);
        let source = NodeSource::new(Arc::clone(&graph), labelled).expect("source");
        let resident = epoch_ms(&device, &init.valid(), &source, steps);
        line(&device, "epoch, resident batch", resident, base_mb);
        eprintln!(
            "graph_step: gcn-cora epoch {rebuilt:.2} ms rebuilt vs {resident:.2} ms resident; step {step:.2} ms, build {build:.2} ms"
        );
    }
}
