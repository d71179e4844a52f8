//! APEN section of the geom-scenes page: APEN (Atzmon et al., ICLR 2024) against PointNet and
//! a globally frame-averaged PointNet, trained on canonical poses and tested under independent
//! per-part rigid motions and articulated chains. Reports part mIoU, class accuracy, the
//! piecewise-equivariance error of the per-point part-centre vectors, the logit invariance
//! error, the bound's terms, and a chart of the error against the part rotation angle.

use std::sync::Arc;

use burn::prelude::{Device, Tensor};
use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_geom::apen::loss::bound_terms;
use kiln_geom::apen::{
    Apen, ApenConfig, GlobalFa, Merge, PartBatches, PartPredictor, PartSample, PartSchedule, PointNet, Pose,
    Prediction, dataset, equivariance_error, segment_metrics, train,
};
use kiln_render::{Chart, Legend, PALETTE, Series};

/// The experiment's sizes.
struct Plan {
    train: usize,
    test: usize,
    points: usize,
    epochs: usize,
    batch: usize,
    width: usize,
    angles: Vec<f32>,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                train: 48,
                test: 16,
                points: 256,
                epochs: 15,
                batch: 8,
                width: 32,
                angles: vec![0.0, 45.0, 90.0, 180.0],
            }
        } else {
            Self {
                train: 96,
                test: 32,
                points: 384,
                epochs: 15,
                batch: 8,
                width: 32,
                angles: vec![0.0, 15.0, 30.0, 60.0, 90.0, 135.0, 180.0],
            }
        }
    }
}

/// Parts of the fine over-segmentation.
const FINE_PARTS: usize = 8;

const MODELS: [&str; 4] = ["APEN", "PointNet", "global frame averaging", "APEN, hard merges"];

/// APEN with one-hot merges ([`Merge::Hard`]): every partition coarsens the one before.
struct HardApen<'a>(&'a Apen);

impl PartPredictor for HardApen<'_> {
    fn predict(&self, points: Tensor<3>, fine: Tensor<3>) -> Prediction {
        let out = self.0.forward_with(points, fine, Merge::Hard);
        Prediction { logits: out.logits, class_logits: out.class_logits, vectors: out.vectors }
    }
}

/// Every measurement of one model over the seeds.
#[derive(Default)]
struct Scores {
    miou_moved: Vec<f64>,
    miou_canonical: Vec<f64>,
    miou_chain: Vec<f64>,
    class_moved: Vec<f64>,
    vector_error: Vec<f64>,
    logit_error: Vec<f64>,
    /// Per angle, the vector error of each seed.
    by_angle: Vec<Vec<f64>>,
}

fn evaluate<M: PartPredictor>(
    model: &M,
    sets: &Sets,
    plan: &Plan,
    fine: usize,
    scores: &mut Scores,
    device: &Device,
) -> Result<(), Box<dyn std::error::Error>> {
    let moved = segment_metrics(model, &sets.moved, fine, plan.batch, device)?;
    scores.miou_moved.push(100.0 * moved.miou);
    scores.class_moved.push(100.0 * moved.class_accuracy);
    scores.miou_canonical.push(100.0 * segment_metrics(model, &sets.canonical, fine, plan.batch, device)?.miou);
    scores.miou_chain.push(100.0 * segment_metrics(model, &sets.chain, fine, plan.batch, device)?.miou);
    let e = equivariance_error(model, &sets.canonical, &sets.moved, fine, plan.batch, device)?;
    scores.vector_error.push(e.vectors);
    scores.logit_error.push(e.logits);
    scores.by_angle.resize(plan.angles.len(), Vec::new());
    for (a, swept) in sets.swept.iter().enumerate() {
        let e = equivariance_error(model, &sets.canonical, swept, fine, plan.batch, device)?;
        scores.by_angle[a].push(e.vectors);
    }
    Ok(())
}

/// The test sets of one seed.
struct Sets {
    canonical: Vec<PartSample>,
    moved: Vec<PartSample>,
    chain: Vec<PartSample>,
    swept: Vec<Vec<PartSample>>,
}

fn sets(plan: &Plan, seed: u64) -> Result<Sets, Box<dyn std::error::Error>> {
    let canonical = dataset(plan.test, plan.points, 50_000 + 1000 * seed, Pose::Canonical)?;
    let pose_all = |pose: Pose, salt: u64| -> Result<Vec<PartSample>, kiln_geom::GeomError> {
        canonical.iter().enumerate().map(|(i, s)| s.posed(pose, salt + 7919 * seed + i as u64)).collect()
    };
    let moved =
        pose_all(Pose::PerPart { min_angle: 0.0, max_angle: std::f32::consts::PI, shift: 0.05, relocate: true }, 1)?;
    let chain = pose_all(Pose::Articulated { max_angle: 1.2 }, 2)?;
    let swept = plan
        .angles
        .iter()
        .map(|deg| {
            let a = deg.to_radians();
            pose_all(Pose::PerPart { min_angle: a, max_angle: a, shift: 0.0, relocate: false }, 3)
        })
        .collect::<Result<_, _>>()?;
    Ok(Sets { canonical, moved, chain, swept })
}

/// Writes the APEN part of the page.
pub fn section(
    page: &mut ResultsPage,
    seeds: &[u64],
    quick: bool,
    device: &Device,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let plan = Plan::new(quick);
    // 8 fine parts rather than `small()`'s 16: with 16, a fine part of these small clouds shows
    // too little of its part for the merges to learn its type in this budget.
    let config = ApenConfig::small().with_width(plan.width).with_fine_parts(FINE_PARTS);
    let fine = config.fine_parts;
    let schedule = PartSchedule { epochs: plan.epochs, lr: 1e-2, max_steps_per_epoch: None };
    let mut scores: [Scores; 4] = Default::default();
    let mut bounds: Vec<Vec<(f64, f64)>> = Vec::new();
    for &seed in seeds {
        device.seed(seed);
        let train_set = dataset(plan.train, plan.points, 1000 * seed, Pose::Canonical)?;
        let source = PartBatches::new(Arc::new(train_set), fine, plan.batch)?.shuffled(seed);
        let test = sets(&plan, seed)?;
        let (apen, _) = train(config.init(device)?, &schedule, &source, seed, device)?;
        evaluate(&apen, &test, &plan, fine, &mut scores[0], device)?;
        evaluate(&HardApen(&apen), &test, &plan, fine, &mut scores[3], device)?;
        let few = plan.batch.min(test.moved.len());
        let batch = PartBatches::new(Arc::new(test.moved[..few].to_vec()), fine, few)?;
        let b = batch.batch_of(&(0..few).collect::<Vec<_>>(), None, device)?;
        let out = apen.forward(b.points, b.fine);
        bounds.push(bound_terms(&out.partitions, &b.parts).iter().map(|t| (t.uncertainty, t.cross_merge)).collect());
        let (pointnet, _) = train(PointNet::new(plan.width, 4, 4, device), &schedule, &source, seed, device)?;
        evaluate(&pointnet, &test, &plan, fine, &mut scores[1], device)?;
        let fa = GlobalFa::new(plan.width, 4, 4, config.group, device);
        let (fa, _) = train(fa, &schedule, &source, seed, device)?;
        evaluate(&fa, &test, &plan, fine, &mut scores[2], device)?;
        eprintln!(
            "apen seed {seed}: mIoU APEN {:.1}, PointNet {:.1}, FA {:.1} ({:.0} s)",
            scores[0].miou_moved.last().copied().unwrap_or(f64::NAN),
            scores[1].miou_moved.last().copied().unwrap_or(f64::NAN),
            scores[2].miou_moved.last().copied().unwrap_or(f64::NAN),
            started.elapsed().as_secs_f64()
        );
    }
    write(page, &plan, &scores, &bounds, seeds, started.elapsed().as_secs_f64())
}

fn write(
    page: &mut ResultsPage,
    plan: &Plan,
    scores: &[Scores; 4],
    bounds: &[Vec<(f64, f64)>],
    seeds: &[u64],
    seconds: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    page.heading(2, "APEN: approximately piecewise E(3)-equivariant point networks");
    page.paragraph(&format!(
        "Atzmon, Huang, Williams, Litany (ICLR 2024). Shapes of 2–4 rigid parts (boxes and wedges of distinct \
         extents, {} points per shape, 4 part types, 4 classes), {} training shapes in canonical poses, {} test \
         shapes per seed moved by an independent random rigid motion per part (uniform axis, angle in [0°, 180°], \
         each part moved to its own random cell of a 3 × 3 grid of spacing 0.9) or articulated as a chain \
         (joint angles ≤ 69°). APEN `small()` with 8 FPS parts → 4 (the preset has 16), SE(3) frames, width {}, \
         PointNet and a PointNet frame-averaged over the whole cloud's PCA frames, all trained \
         {} epochs with Adam on part CE + class CE + centre regression. Equivariance errors keep the canonical \
         cloud's fine partition for its moved copy. Seeds {:?}; mean ± std over seeds; {:.0} s.",
        plan.points, plan.train, plan.test, plan.width, plan.epochs, seeds, seconds
    ));
    let mut table = Table::new([
        "model",
        "part mIoU, part motions (%)",
        "class acc., part motions (%)",
        "part mIoU, canonical (%)",
        "part mIoU, chains (%)",
        "vector equivariance error",
        "logit invariance error",
    ]);
    for (m, s) in scores.iter().enumerate() {
        table.row([
            MODELS[m].to_string(),
            format!("{:.1}", MeanStd::of(&s.miou_moved)),
            format!("{:.1}", MeanStd::of(&s.class_moved)),
            format!("{:.1}", MeanStd::of(&s.miou_canonical)),
            format!("{:.1}", MeanStd::of(&s.miou_chain)),
            format!("{:.3}", MeanStd::of(&s.vector_error)),
            format!("{:.3}", MeanStd::of(&s.logit_error)),
        ]);
    }
    page.table(&table);
    eprintln!("{table}");
    let levels = bounds.first().map_or(0, Vec::len);
    let mut bt = Table::new(["APEN partition", "K", "mean 1 − max_j Z_ij", "cross-part merge rate"]);
    let sizes = ApenConfig::small().with_fine_parts(FINE_PARTS).sizes();
    for l in 0..levels {
        let u: Vec<f64> = bounds.iter().map(|b| b[l].0).collect();
        let r: Vec<f64> = bounds.iter().map(|b| b[l].1).collect();
        bt.row([
            format!("Z_{l}"),
            sizes.get(l).map_or("?".into(), |k| k.to_string()),
            format!("{:.3}", MeanStd::of(&u)),
            format!("{:.3}", MeanStd::of(&r)),
        ]);
    }
    page.paragraph("The bound's two terms on the part-moved test shapes (APEN):");
    page.table(&bt);
    eprintln!("{bt}");
    let mut chart = Chart::new("Piecewise-equivariance error vs part rotation angle")
        .x_label("rotation angle of every part (degrees)")
        .y_label("||f(gX) - g f(X)|| / ||f(X)||")
        .legend(Legend::UpperLeft);
    let curves: Vec<Vec<f64>> = scores.iter().map(|s| s.by_angle.iter().map(|v| mean(v)).collect()).collect();
    for (m, c) in curves.iter().enumerate() {
        let pts: Vec<(f64, f64)> = plan.angles.iter().zip(c).map(|(a, e)| (*a as f64, *e)).collect();
        chart = chart.series(Series::line(MODELS[m], pts).with_color(PALETTE[m % PALETTE.len()]));
    }
    chart.save_png(page.asset("apen_error_vs_angle.png")?)?;
    page.paragraph(
        "Every part rotated about its own centroid by the same angle (uniform axes, no translation); the vector \
         error of each model, mean over seeds:",
    );
    page.paragraph("![equivariance error vs part angle](apen_error_vs_angle.png)");
    verdict(page, scores, &curves, plan);
    Ok(())
}

fn verdict(page: &mut ResultsPage, scores: &[Scores; 4], curves: &[Vec<f64>], plan: &Plan) {
    let last = plan.angles.len().saturating_sub(1);
    let (apen_end, fa_start, fa_end) = (curves[0][last], curves[2][0], curves[2][last]);
    let low = apen_end < 0.5 * fa_end && fa_end > fa_start + 0.05;
    let (apen_miou, pn_miou) = (mean(&scores[0].miou_moved), mean(&scores[1].miou_moved));
    let gain = apen_miou >= pn_miou + 10.0;
    page.heading(3, "Claims and verdicts");
    let mut t = Table::new(["claim", "measured", "verdict"]);
    t.row([
        "APEN's error stays low where the global model's error grows".to_string(),
        format!(
            "global FA {fa_start:.3} at 0° → {fa_end:.3} at {}°; APEN {:.3} → {apen_end:.3}",
            plan.angles[last], curves[0][0]
        ),
        if low { "holds" } else { "does not hold here" }.to_string(),
    ]);
    t.row([
        "APEN's part mIoU under per-part motions ≥ PointNet's + 10 points".to_string(),
        format!("APEN {apen_miou:.1} vs PointNet {pn_miou:.1} ({:+.1} points)", apen_miou - pn_miou),
        if gain { "holds" } else { "does not hold here" }.to_string(),
    ]);
    page.table(&t);
    eprintln!("{t}");
    page.paragraph(
        "APEN's logits are invariant here because its merges are predicted from invariant codes of fine parts that \
         lie inside true parts, and the moved copy keeps the canonical fine partition. Its vectors are not \
         equivariant when a coarse part merges true parts: the coarse frame then mixes parts that moved \
         differently (the cross-part merge rate above), which is the second term of the paper's bound.",
    );
    page.paragraph(
        "APEN's error is not zero: its soft merges mix true parts when a merge row is not one-hot, and the bound's \
         terms above say by how much. The paper's room-scan and human-motion experiments are not reproduced; this \
         is a small synthetic CPU version of its claim.",
    );
}
