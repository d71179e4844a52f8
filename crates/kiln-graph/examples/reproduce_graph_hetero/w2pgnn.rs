//! W2PGNN (Cao et al., KDD 2023): does the feasibility ζ of pre-training rank the gain of a
//! pre-trained GIN over one trained from scratch? Pre-training domains sampled from three known
//! graphons, eight downstream sets from mixtures of them and of two foreign graphons; ζ from
//! `kiln_graph::w2pgnn::feasibility`, the gain from an edge-masking pre-trained GIN fine-tuned
//! on each downstream task against the same GIN from scratch; Spearman ρ between the two.

use std::collections::HashSet;
use std::sync::Arc;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use kiln_core::experiment::{ExperimentArgs, MeanStd, ResultsPage, Table};
use kiln_core::nn::classification_step;
use kiln_core::seed::{epoch_order, rng, seed_device};
use kiln_core::train::{BatchSource, Phase, StepContext, StepOutput, TrainModel, TrainPhase, Trainer};
use kiln_graph::message_passing::{Aggregation, GraphTensors, index_tensor};
use kiln_graph::tasks::{GraphClassifier, GraphClassifierConfig, GraphSource};
use kiln_graph::w2pgnn::generate::sample_with;
use kiln_graph::w2pgnn::{GraphonFn, W2pgnnConfig, feasibility};
use kiln_graph::{Features, Graph, layers::LayerKind};
use kiln_render::{Chart, Legend, PALETTE, Series};
use rand::Rng;

type Error = Box<dyn std::error::Error>;

/// The sizes of one run (`train`, `test`: graphs per class of a downstream task).
struct Sizes {
    nodes: usize,
    per_domain: usize,
    train: usize,
    test: usize,
    pre_epochs: usize,
    tune_epochs: usize,
    resolution: usize,
    fit_epochs: usize,
    repeats: usize,
}

impl Sizes {
    fn new(quick: bool) -> Self {
        let v = if quick { [30, 20, 10, 20, 5, 10, 12, 20, 1] } else { [50, 100, 10, 100, 50, 30, 32, 100, 3] };
        let [nodes, per_domain, train, test, pre_epochs, tune_epochs, resolution, fit_epochs, repeats] = v;
        Self { nodes, per_domain, train, test, pre_epochs, tune_epochs, resolution, fit_epochs, repeats }
    }
}

/// Strength `s` of the degree tilt `f(x) = 1 + s(2x − 1)` of a downstream task's class 1.
const TILT: f64 = 0.3;
/// Fraction of each graph's edges masked by the pretext.
const MASK_RATE: f64 = 0.15;
const BATCH: usize = 16;
const LR: f64 = 0.01;
const HIDDEN: usize = 32;
/// Multiplier of the SAS TV weight (see below: the official weight flattens graphs this small).
const TV_SCALE: f64 = 0.1;
/// Spearman's ρ one-sided 5% critical value for 8 pairs.
const RHO_CRITICAL: f64 = 0.643;

/// The pre-training graphons: an SBM, `xy`, `exp(−3|x − y|)`.
fn known() -> Result<Vec<GraphonFn>, Error> {
    let sbm = GraphonFn::sbm(&[1.0, 1.0], vec![0.8, 0.2, 0.2, 0.5])?;
    Ok(vec![sbm, GraphonFn::Product, GraphonFn::Exponential { rate: 3.0 }])
}

/// The eight downstream graphons: weights over (SBM, xy, exp, ring, ER).
fn downstream() -> Result<Vec<(String, GraphonFn)>, Error> {
    let mut parts = known()?;
    parts.push(GraphonFn::Ring { width: 0.15, p: 0.9 });
    parts.push(GraphonFn::Constant(0.3));
    let names = ["SBM", "xy", "exp", "ring", "ER"];
    let weights: [[f64; 5]; 8] = [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0, 0.0],
        [0.5, 0.5, 0.0, 0.0, 0.0],
        [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.0, 0.0],
        [0.0, 0.0, 0.5, 0.5, 0.0],
        [0.0, 0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0],
    ];
    weights
        .iter()
        .map(|w| {
            let name =
                w.iter().zip(names).filter(|(a, _)| **a > 0.0).map(|(a, n)| format!("{a:.2}·{n}")).collect::<Vec<_>>();
            Ok((name.join(" + "), GraphonFn::mixture(w, parts.clone())?))
        })
        .collect()
}

/// `g` with the constant feature 1 on every node.
fn featured(g: Graph) -> Graph {
    let n = g.num_nodes;
    Graph { x: Some(Features { dim: 1, values: vec![1.0; n] }), ..g }
}

/// The downstream task of `w`: class 0 sampled from `w`, class 1 from its degree-tilted version
/// `c·w(x, y)·f(x)·f(y)`, `f(x) = 1 + TILT(2x − 1)`, `c` keeping the mean density.
fn task(w: &GraphonFn, per_class: usize, n: usize, seed: u64) -> Result<Vec<(Graph, usize)>, Error> {
    let f = |x: f64| 1.0 + TILT * (2.0 * x - 1.0);
    let mid = |k: usize| (k as f64 + 0.5) / 64.0;
    let grid = (0..64 * 64).map(|k| (mid(k / 64), mid(k % 64)));
    let (plain, tilted) = grid.fold((0.0, 0.0), |(a, b), (x, y)| (a + w.eval(x, y), b + w.eval(x, y) * f(x) * f(y)));
    let c = plain / tilted.max(1e-12);
    let mut out = Vec::with_capacity(2 * per_class);
    for m in 0..per_class as u64 {
        out.push((featured(w.sample(n, seed.wrapping_add(2 * m))?), 0));
        let g = sample_with(|x, y| (c * w.eval(x, y) * f(x) * f(y)).clamp(0.0, 1.0), n, seed.wrapping_add(2 * m + 1))?;
        out.push((featured(g), 1));
    }
    Ok(out)
}

fn gin() -> GraphClassifierConfig {
    GraphClassifierConfig::new(LayerKind::Gin, 1, 2)
        .with_hidden(HIDDEN)
        .with_layers(3)
        .with_readout(Aggregation::Mean)
        .with_every_layer(true)
        .with_batch_norm(true)
}

/// The GIN encoder with a bilinear edge scorer: `score(u, v) = ⟨h_u, P h_v⟩ / √d`.
#[derive(Module, Debug)]
struct EdgeMasker {
    gin: GraphClassifier,
    proj: Linear,
}

/// Masked graphs, the masked (positive) pairs and as many sampled non-edges (negative).
#[derive(Debug, Clone)]
struct MaskBatch {
    x: Tensor<2>,
    graph: GraphTensors,
    src: Tensor<1, Int>,
    dst: Tensor<1, Int>,
    targets: Tensor<1, Int>,
}

impl TrainModel for EdgeMasker {
    type Batch = MaskBatch;
    type Stage = ();

    fn step(&self, b: MaskBatch, _ctx: &StepContext) -> StepOutput {
        let mut h = b.x;
        for (k, layer) in self.gin.layers.iter().enumerate() {
            h = layer.forward(h, &b.graph);
            if let Some(norm) = self.gin.norms.get(k) {
                h = norm.forward(h);
            }
            h = relu(h);
        }
        let scale = 1.0 / (h.dims()[1] as f64).sqrt();
        let s = (self.proj.forward(h.clone().select(0, b.src)) * h.select(0, b.dst)).sum_dim(1).mul_scalar(scale);
        // Two-class logits [−s/2, s/2]: their cross-entropy is the logistic loss of s.
        classification_step(Tensor::cat(vec![s.clone().mul_scalar(-0.5), s.mul_scalar(0.5)], 1), b.targets)
    }
}

/// Batches of pre-training graphs with `MASK_RATE` of each graph's edges masked.
struct MaskSource {
    graphs: Arc<Vec<Graph>>,
    shuffle: bool,
    seed: u64,
}

impl BatchSource<MaskBatch> for MaskSource {
    fn num_batches(&self) -> usize {
        self.graphs.len().div_ceil(BATCH)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<MaskBatch> {
        let order = epoch_order(self.graphs.len(), self.shuffle.then_some(self.seed), epoch);
        let mut r = rng(self.seed, ((epoch as u64) << 32) | index as u64);
        let (mut parts, mut src, mut dst, mut targets) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut offset = 0;
        for &i in order.iter().skip(index * BATCH).take(BATCH) {
            let g = &self.graphs[i];
            let pairs = g.undirected_pairs();
            let present: HashSet<(usize, usize)> = pairs.iter().copied().collect();
            let (mut kept, mut masked) = (Vec::new(), Vec::new());
            for p in pairs {
                if r.random::<f64>() < MASK_RATE { masked.push(p) } else { kept.push(p) }
            }
            for &(u, v) in &masked {
                src.push(offset + u);
                dst.push(offset + v);
                targets.push(1_i64);
            }
            let n = g.num_nodes;
            let mut negatives = 0;
            for _ in 0..20 * masked.len() {
                if negatives == masked.len() || n < 2 {
                    break;
                }
                let (u, v) = (r.random_range(0..n), r.random_range(0..n));
                if u != v && !present.contains(&(u.min(v), u.max(v))) {
                    negatives += 1;
                    src.push(offset + u);
                    dst.push(offset + v);
                    targets.push(0);
                }
            }
            let masked_graph = Graph::undirected(n, &kept).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
            parts.push(featured(masked_graph));
            offset += n;
        }
        let merged = Graph::batch(&parts).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        let count = targets.len();
        Ok(MaskBatch {
            x: Tensor::from_data(TensorData::new(vec![1.0_f32; merged.num_nodes], [merged.num_nodes, 1]), device),
            graph: merged.to_tensors(device),
            src: index_tensor(&src, device),
            dst: index_tensor(&dst, device),
            targets: Tensor::from_data(TensorData::new(targets, [count]), device),
        })
    }
}

/// Pre-trains the GIN encoder on `graphs` by edge masking; returns it and the masked-edge
/// accuracy on the pre-training graphs.
fn pretrain(graphs: Vec<Graph>, epochs: usize, seed: u64) -> Result<(GraphClassifier, f64), Error> {
    let device = Device::flex();
    seed_device(&device, seed);
    let gin = gin().init(&device);
    let proj = LinearConfig::new(HIDDEN, HIDDEN).with_bias(false).init(&device);
    let source = MaskSource { graphs: Arc::new(graphs), shuffle: true, seed };
    let trainer = Trainer::new(device).with_seed(seed);
    let (model, _) =
        trainer.fit(EdgeMasker { gin, proj }, &[Phase::train("mask", TrainPhase::new(epochs, LR))], &source, None)?;
    let accuracy = trainer.evaluate(&model, &MaskSource { shuffle: false, ..source })?.accuracy().unwrap_or(0.0);
    Ok((model.gin, accuracy))
}

/// Test accuracy of the GIN trained on `train` (from `start`'s encoder with fresh heads, or from
/// scratch) for `epochs`.
fn fine_tune(
    start: Option<&GraphClassifier>,
    train: &[(Graph, usize)],
    test: &[(Graph, usize)],
    epochs: usize,
    seed: u64,
) -> Result<f64, Error> {
    let device = Device::flex();
    seed_device(&device, seed);
    let mut model = gin().init(&device);
    if let Some(pre) = start {
        model.layers = pre.layers.clone();
        model.norms = pre.norms.clone();
    }
    let source = GraphSource { graphs: Arc::new(train.to_vec()), batch_size: BATCH, shuffle: true, seed };
    let trainer = Trainer::new(device).with_seed(seed);
    let (model, _) = trainer.fit(model, &[Phase::train("tune", TrainPhase::new(epochs, LR))], &source, None)?;
    let test = GraphSource { graphs: Arc::new(test.to_vec()), batch_size: 64, shuffle: false, seed };
    Ok(trainer.evaluate(&model, &test)?.accuracy().unwrap_or(0.0))
}

/// Ranks, ties averaged (1-based).
fn ranks(v: &[f64]) -> Vec<f64> {
    let count = |a: &f64, f: fn(&f64, &f64) -> bool| v.iter().filter(|b| f(b, a)).count() as f64;
    v.iter().map(|a| count(a, |b, a| b < a) + (count(a, |b, a| b == a) + 1.0) / 2.0).collect()
}

/// Spearman's ρ: Pearson's correlation of the ranks (`NaN` if either is constant).
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (mx, my) = (mean(&rx), mean(&ry));
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let var = |v: &[f64], m: f64| v.iter().map(|a| (a - m).powi(2)).sum::<f64>();
    cov / (var(&rx, mx) * var(&ry, my)).sqrt()
}

/// The scatter of `points` (ζ, gain, label), one series per downstream set so the legend
/// names each point.
fn scatter_png(points: &[(f64, f64, String)], path: &std::path::Path) -> Result<(), Error> {
    let mut chart = Chart::new("W2PGNN: feasibility vs fine-tuning gain")
        .x_label("feasibility ζ")
        .y_label("gain (accuracy, pre-trained − scratch)")
        .legend(Legend::UpperLeft);
    for (i, (x, y, label)) in points.iter().enumerate() {
        chart = chart.series(Series::scatter(label.clone(), [(*x, *y)]).with_color(PALETTE[i % PALETTE.len()]));
    }
    chart.save_png(path)?;
    Ok(())
}

/// Runs the W2PGNN experiment and appends its section to `page`.
pub fn section(args: &ExperimentArgs, seeds: &[u64], page: &mut ResultsPage) -> Result<(), Error> {
    let seeds: &[u64] = if args.quick { &seeds[..1.min(seeds.len())] } else { seeds };
    let sz = Sizes::new(args.quick);
    let (known, down) = (known()?, downstream()?);
    let cfg = W2pgnnConfig::small().with_resolution(sz.resolution).with_epochs(sz.fit_epochs).with_tv_scale(TV_SCALE);
    // Per downstream set: (ζ, winning basis, α) from the first seed's data; accuracies per seed.
    let mut feasible = Vec::new();
    let mut accuracy = vec![(Vec::new(), Vec::new()); down.len()];
    let mut mask_accuracy = Vec::new();
    for (si, &seed) in seeds.iter().enumerate() {
        let base = seed.wrapping_mul(1_000_003);
        let pre = known
            .iter()
            .enumerate()
            .map(|(d, w)| w.sample_many(sz.per_domain, sz.nodes, base + 1000 * d as u64))
            .collect::<Result<Vec<_>, _>>()?;
        // Per downstream set: `repeats` training draws (each fine-tuned once) and one test set.
        let tasks = (0..down.len() as u64)
            .map(|k| {
                let (w, at) = (&down[k as usize].1, |offset: u64| base + offset + 1000 * k);
                let train = (0..sz.repeats as u64)
                    .map(|r| task(w, sz.train, sz.nodes, at(100_000 + 100 * r)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((train, task(w, sz.test, sz.nodes, at(500_000))?))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        if si == 0 {
            for (train, _) in &tasks {
                let graphs: Vec<Graph> = train[0].iter().map(|(g, _)| g.clone()).collect();
                feasible.push(feasibility(&pre, &graphs, &cfg)?);
            }
            eprintln!("W2PGNN feasibility done ({:.0}s)", page.elapsed_secs());
        }
        let (encoder, acc) = pretrain(pre.into_iter().flatten().collect(), sz.pre_epochs, seed)?;
        mask_accuracy.push(acc);
        for (k, (trains, test)) in tasks.iter().enumerate() {
            let (mut scratch, mut pre) = (0.0, 0.0);
            for (r, train) in trains.iter().enumerate() {
                let run_seed = seed.wrapping_mul(100).wrapping_add(r as u64);
                scratch += fine_tune(None, train, test, sz.tune_epochs, run_seed)?;
                pre += fine_tune(Some(&encoder), train, test, sz.tune_epochs, run_seed)?;
            }
            accuracy[k].0.push(scratch / trains.len() as f64);
            accuracy[k].1.push(pre / trains.len() as f64);
        }
        eprintln!("W2PGNN seed {seed} done ({:.0}s)", page.elapsed_secs());
    }
    let gains: Vec<Vec<f64>> = accuracy.iter().map(|(s, p)| p.iter().zip(s).map(|(a, b)| a - b).collect()).collect();
    let zetas: Vec<f64> = feasible.iter().map(|f| f.zeta).collect();
    let mean_gains: Vec<f64> = gains.iter().map(|g| MeanStd::of(g).mean).collect();
    let rho = spearman(&zetas, &mean_gains);
    page.heading(2, "W2PGNN: when to pre-train a GNN");
    page.paragraph(&format!(
        "Cao et al. (KDD 2023): the feasibility ζ = −GW(Σ α_i B_i, Ŵ_down) of pre-training, between the downstream data's SAS graphon and the best mixture of graphon bases of the pre-training data (integrated, per domain, topological; the kind with the largest ζ wins), should rank the benefit of pre-training. Pre-training domains: {} graphs of {} nodes from each of three known graphons (SBM with blocks ½, ½ and probabilities 0.8/0.2/0.5; W = xy; W = exp(−3|x−y|)). Downstream sets: the eight convex mixtures in the table of those graphons and two foreign ones (a ring band of half-width 0.15 at p = 0.9; Erdős–Rényi p = 0.3). Downstream task (our choice, the paper's downstream data carry their own labels): binary graph classification of graphs from the downstream graphon W (class 0) against graphs from its degree-tilted version c·W(x, y) f(x) f(y), f(x) = 1 + {TILT}(2x − 1), c keeping W's mean density (class 1): {} training graphs per class (drawn {} times per seed, each draw fine-tuned once, accuracies averaged) and {} test graphs per class, {} nodes each. ζ: `W2pgnnConfig::small()` at resolution {}, at most {} Adam steps, TV weight × {TV_SCALE} (the official weight h flattens the SAS estimate of graphs this small), on the first seed's pre-training graphs and the downstream training graphs (both classes). Model: GIN (3 layers, hidden {HIDDEN}, batch norm, mean readout of every layer, constant node features). Pre-training: edge masking ({:.0}% of each graph's edges removed from its message passing; the masked edges against as many sampled non-edges scored by ⟨h_u, P h_v⟩/√d with the logistic loss), {} epochs, Adam {LR}, batches of {BATCH}; masked-edge accuracy on the pre-training graphs {:.3}. Fine-tuning: the pre-trained layers with fresh heads, every parameter trained {} epochs at Adam {LR}; from scratch: the same GIN, the same seed, data and budget. gain = test accuracy(pre-trained) − test accuracy(scratch). Seeds {seeds:?}; mean ± std.",
        sz.per_domain, sz.nodes, sz.train, sz.repeats, sz.test, sz.nodes, sz.resolution, sz.fit_epochs,
        100.0 * MASK_RATE, sz.pre_epochs, MeanStd::of(&mask_accuracy).mean, sz.tune_epochs,
    ));
    let mut table = Table::new(["downstream graphon", "ζ", "basis", "α", "scratch", "pre-trained", "gain"]);
    for (k, (name, _)) in down.iter().enumerate() {
        let f = &feasible[k];
        let alpha = f.alpha.iter().map(|a| format!("{a:.2}")).collect::<Vec<_>>().join(", ");
        table.row([
            name.clone(),
            format!("{:.3e}", f.zeta),
            format!("{:?}", f.basis).to_lowercase(),
            alpha,
            format!("{:.3}", MeanStd::of(&accuracy[k].0)),
            format!("{:.3}", MeanStd::of(&accuracy[k].1)),
            format!("{:.3}", MeanStd::of(&gains[k])),
        ]);
    }
    page.table(&table);
    let points: Vec<(f64, f64, String)> =
        (0..down.len()).map(|k| (zetas[k], mean_gains[k], down[k].0.clone())).collect();
    scatter_png(&points, &page.asset("graph-hetero-w2pgnn.png")?)?;
    page.paragraph("![ζ against the mean gain per downstream set](graph-hetero-w2pgnn.png)");
    let verdict = if rho.is_nan() {
        "cannot be judged (ρ undefined: ζ or the mean gain is constant)"
    } else if rho >= RHO_CRITICAL {
        "holds"
    } else if rho > 0.0 {
        "is not supported clearly (ρ > 0 but below the critical value)"
    } else {
        "does not hold"
    };
    page.paragraph(&format!(
        "Paper claim (Cao et al., KDD 2023): the feasibility ζ correlates positively with the gain of pre-training on the downstream task. Here Spearman ρ(ζ, mean gain) = {rho:.3} over {} downstream sets (one-sided 5% critical value for 8 pairs: {RHO_CRITICAL}); mean gain over all sets {:.3}. Verdict: the claim {verdict}{}. Deviations: the paper fits its bases at r = 1000 on real pre-training collections and measures the gain of published pre-training methods on real downstream data sets; here everything is synthetic and small.",
        down.len(),
        mean_gains.iter().sum::<f64>() / mean_gains.len().max(1) as f64,
        if seeds.len() < 3 { "; fewer than 3 seeds, not evidence" } else { "" },
    ));
    Ok(())
}
