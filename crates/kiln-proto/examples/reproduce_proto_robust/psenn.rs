//! Prob-PSENN's uncertainty as an out-of-distribution detector: Prob-PSENN, the deterministic
//! PSENN (σ = 0) and the CNN trained on digits 0–4; accuracy on held-out 0–4 and the AUROC of
//! each uncertainty score between held-out 0–4 and each OOD set.

use burn::prelude::{Device, Tensor};
use burn::tensor::activation::softmax;
use kiln_core::experiment::{MeanStd, ResultsPage, Table};
use kiln_core::metrics::{argmax, roc_auc};
use kiln_core::nn::{Cnn, CnnConfig};
use kiln_core::tensor::try_to_vec;
use kiln_core::train::{LrSchedule, Phase, TrainPhase, Trainer};
use kiln_data::{Batcher, DataLoader, ImageBatcher, ImageExample, Normalize, VectorBatcher};
use kiln_proto::prob_psenn::{self, ProbPsenn, ProbPsennConfig, ProbPsennTraining, PrototypeMode};
use kiln_proto::render::save_png;
use serde::Serialize;

use crate::psenn_pictures::{prototype_panel, uncertainty_histogram};

use crate::compare::Relation;
use crate::psenn_data::{CLASSES, DigitSets, SETS, SIDE, vectors};

/// The models, in [`PsennRun::accuracy`] order.
pub const MODELS: [&str; 3] = ["Prob-PSENN", "PSENN (σ = 0)", "CNN"];

/// The uncertainty scores (higher = more uncertain), in [`PsennRun::auroc`] order.
pub const SCORES: [&str; 5] = [
    "Prob-PSENN epistemic (mutual information)",
    "Prob-PSENN total (entropy of p̄)",
    "Prob-PSENN explanatory (entropy of the nearest prototype)",
    "PSENN (σ = 0): 1 − max softmax",
    "CNN: 1 − max softmax",
];

/// Index of Prob-PSENN's epistemic and total uncertainty in [`SCORES`].
pub const EPISTEMIC: usize = 0;
/// See [`EPISTEMIC`].
pub const TOTAL: usize = 1;
/// Indices of the two baselines in [`SCORES`].
pub const BASELINES: [usize; 2] = [3, 4];

/// Schedules of the section.
#[derive(Debug, Clone)]
pub struct PsennSettings {
    /// Both PSENNs' run (Prob-PSENN's 8×8 preset).
    pub psenn: ProbPsennTraining,
    /// CNN epochs (Adam, cosine decay, batch 64).
    pub cnn_epochs: usize,
    /// CNN learning rate.
    pub cnn_lr: f64,
    /// Sampled prototype sets per test prediction.
    pub samples: usize,
}

impl PsennSettings {
    /// The full run (`quick = false`) or a smoke-sized one.
    pub fn new(quick: bool) -> Self {
        let small = ProbPsennTraining::small();
        Self {
            psenn: if quick { ProbPsennTraining { epochs: 10, ..small } } else { small },
            cnn_epochs: if quick { 3 } else { 30 },
            cnn_lr: 3e-3,
            samples: ProbPsennConfig::small(SIDE * SIDE, CLASSES).test_samples,
        }
    }
}

/// One seed: accuracy on held-out 0–4 per model of [`MODELS`], AUROC per score of [`SCORES`]
/// against each OOD set (digits 5–9, procedural).
#[derive(Debug, Clone, Serialize)]
pub struct PsennRun {
    /// Seed of split, OOD sets, initialisation, shuffling and prototype samples.
    pub seed: u64,
    /// Accuracy on held-out digits 0–4, per model.
    pub accuracy: Vec<f64>,
    /// AUROC per score, per OOD set.
    pub auroc: Vec<Vec<f64>>,
    /// Prob-PSENN's mean prototype σ after training.
    pub mean_sigma: f64,
}

/// The three trained models of one seed.
pub struct Trained {
    /// Prob-PSENN.
    pub prob: ProbPsenn,
    /// The deterministic PSENN (σ = 0), trained on its own.
    pub plain: ProbPsenn,
    /// The CNN.
    pub cnn: Cnn,
    /// The CNN's normalising batcher.
    pub batcher: ImageBatcher,
}

/// A PSENN of `mode` trained on `train` with the preset configuration.
fn train_psenn(
    mode: PrototypeMode,
    train: &[ImageExample],
    settings: &PsennSettings,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<ProbPsenn> {
    device.seed(seed);
    let model = ProbPsennConfig::small(SIDE * SIDE, CLASSES).with_mode(mode).init(device);
    let loader = DataLoader::new(vectors(train), VectorBatcher::default(), settings.psenn.batch_size).shuffled(seed);
    Ok(prob_psenn::train(model, &settings.psenn, &loader, &Trainer::new(device.clone()).with_seed(seed))?.0)
}

/// The three models trained on `train`.
pub fn train(
    train: &[ImageExample],
    settings: &PsennSettings,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<Trained> {
    let prob = train_psenn(PrototypeMode::Probabilistic, train, settings, seed, device)?;
    let plain = train_psenn(PrototypeMode::Deterministic, train, settings, seed, device)?;
    device.seed(seed);
    let batcher = ImageBatcher::new(Normalize::fit(train));
    let loader = DataLoader::new(train.to_vec(), batcher.clone(), 64).shuffled(seed);
    let phase =
        TrainPhase::new(settings.cnn_epochs, settings.cnn_lr).with_schedule(LrSchedule::Cosine { min_factor: 0.01 });
    let cnn = CnnConfig::for_input(1, SIDE, SIDE, CLASSES).init(device);
    let (cnn, _) =
        Trainer::new(device.clone()).with_seed(seed).fit(cnn, &[Phase::train("cnn", phase)], &loader, None)?;
    Ok(Trained { prob, plain, cnn, batcher })
}

/// `(1 − max_c p_c, argmax_c p_c)` per row of probabilities `[b, C]`.
fn max_softmax(probs: Tensor<2>) -> kiln_core::Result<(Vec<f64>, Vec<usize>)> {
    let [_, c] = probs.dims();
    let values = try_to_vec(probs)?;
    Ok(values.chunks(c).map(|row| (1.0 - f64::from(row.iter().copied().fold(0.0, f32::max)), argmax(row))).unzip())
}

/// Host copy of a per-example score as `f64`.
fn host(values: Tensor<1>) -> kiln_core::Result<Vec<f64>> {
    Ok(try_to_vec(values)?.into_iter().map(f64::from).collect())
}

/// What the models say about one set.
pub struct SetOutput {
    /// Each score of [`SCORES`] per example.
    pub scores: Vec<Vec<f64>>,
    /// Each model's predicted class per example, in [`MODELS`] order.
    pub predictions: Vec<Vec<usize>>,
}

/// Scores and predictions of the trained models on `set`.
pub fn evaluate(
    trained: &Trained,
    set: &[ImageExample],
    settings: &PsennSettings,
    device: &Device,
) -> Result<SetOutput, Box<dyn std::error::Error>> {
    let x = VectorBatcher::default().batch(&vectors(set), device, None).features;
    let u = trained.prob.predict_with_uncertainty(x.clone(), settings.samples)?;
    let (_, prob_pred) = max_softmax(u.mean_probs)?;
    let (plain_score, plain_pred) = max_softmax(softmax(trained.plain.forward(x), 1))?;
    let images = trained.batcher.batch(set, device, None).images;
    let (cnn_score, cnn_pred) = max_softmax(softmax(trained.cnn.forward(images), 1))?;
    Ok(SetOutput {
        scores: vec![host(u.epistemic)?, host(u.total)?, host(u.explanatory)?, plain_score, cnn_score],
        predictions: vec![prob_pred, plain_pred, cnn_pred],
    })
}

/// AUROC of `score` with the OOD examples as positives.
fn auroc(in_scores: &[f64], ood_scores: &[f64]) -> Result<f64, Box<dyn std::error::Error>> {
    let scores: Vec<f64> = in_scores.iter().chain(ood_scores).copied().collect();
    let labels: Vec<bool> = in_scores.iter().map(|_| false).chain(ood_scores.iter().map(|_| true)).collect();
    Ok(roc_auc(&scores, &labels).ok_or("AUROC undefined (an empty set or a NaN score)")?)
}

/// Trains on one seed's sets and measures; returns the trained models and every set's
/// output too (for the pictures).
pub fn run_seed(
    sets: &DigitSets,
    settings: &PsennSettings,
    seed: u64,
    device: &Device,
) -> Result<(PsennRun, Trained, Vec<SetOutput>), Box<dyn std::error::Error>> {
    let trained = train(&sets.train, settings, seed, device)?;
    let outputs =
        sets.sets.iter().map(|set| evaluate(&trained, set, settings, device)).collect::<Result<Vec<_>, _>>()?;
    let labels: Vec<usize> = sets.sets[0].iter().map(|e| e.label).collect();
    let accuracy = outputs[0]
        .predictions
        .iter()
        .map(|p| p.iter().zip(&labels).filter(|(p, l)| p == l).count() as f64 / labels.len().max(1) as f64)
        .collect();
    let auroc = (0..SCORES.len())
        .map(|s| outputs[1..].iter().map(|ood| auroc(&outputs[0].scores[s], &ood.scores[s])).collect())
        .collect::<Result<Vec<Vec<f64>>, _>>()?;
    let sigma = try_to_vec(trained.prob.sigma())?;
    let mean_sigma = sigma.iter().map(|&s| f64::from(s)).sum::<f64>() / sigma.len().max(1) as f64;
    Ok((PsennRun { seed, accuracy, auroc, mean_sigma }, trained, outputs))
}

/// `mean ± std` over runs of one value.
fn stat(runs: &[PsennRun], value: impl Fn(&PsennRun) -> f64) -> MeanStd {
    MeanStd::of(&runs.iter().map(value).collect::<Vec<_>>())
}

/// Accuracy on held-out digits 0–4 per model.
pub fn accuracy_table(runs: &[PsennRun]) -> Table {
    let mut table = Table::new(["model", "accuracy on held-out 0–4 (%)"]);
    for (m, model) in MODELS.iter().enumerate() {
        table.row([model.to_string(), format!("{:.1}", stat(runs, |r| r.accuracy[m]).scaled(100.0))]);
    }
    table
}

/// AUROC per score and OOD set.
pub fn auroc_table(runs: &[PsennRun]) -> Table {
    let mut header = vec!["score (higher = more uncertain)".to_string()];
    header.extend(SETS[1..].iter().map(|s| format!("AUROC vs {s}")));
    let mut table = Table::new(header);
    for (s, score) in SCORES.iter().enumerate() {
        let mut row = vec![score.to_string()];
        row.extend((0..SETS.len() - 1).map(|o| format!("{:.3}", stat(runs, |r| r.auroc[s][o]))));
        table.row(row);
    }
    table
}

/// The claim, checked per OOD set: flagged when the mean AUROC less one std exceeds 0.5, and
/// compared with the better baseline.
pub fn claim(runs: &[PsennRun]) -> String {
    let verdicts: Vec<String> = (0..SETS.len() - 1)
        .map(|o| {
            let [ep, tot] = [EPISTEMIC, TOTAL].map(|s| stat(runs, |r| r.auroc[s][o]));
            let [psenn, cnn] = BASELINES.map(|s| stat(runs, |r| r.auroc[s][o]));
            let flagged = |m: &MeanStd| m.mean - m.std > 0.5;
            let (best_name, best) = if tot.mean > ep.mean { ("total", tot) } else { ("epistemic", ep) };
            let flags = match (flagged(&ep), flagged(&tot)) {
                (true, true) => "both flag OOD (AUROC − std > 0.5): reproduced",
                (true, false) => "epistemic flags OOD, total does not clearly: partly reproduced",
                (false, true) => "total flags OOD, epistemic does not clearly: partly reproduced",
                (false, false) => "neither flags OOD clearly: not reproduced",
            };
            format!(
                "{}: epistemic {ep:.3}, total {tot:.3} vs PSENN (σ = 0) {psenn:.3}, CNN {cnn:.3}; **{flags}**; the better ({best_name}) is {} the PSENN baseline and {} the CNN baseline",
                SETS[o + 1],
                Relation::of(&best, &psenn).words(),
                Relation::of(&best, &cnn).words(),
            )
        })
        .collect();
    format!(
        "Claim (Vadillo et al.): Prob-PSENN's uncertainty flags out-of-distribution inputs. Per OOD set, mean AUROC ± std over {} seeds (\"level with\": the means differ by less than the larger std): {}.",
        runs.len(),
        verdicts.join(". ")
    )
}

/// Decoded samples per prototype in the picture.
const PICTURE_SAMPLES: usize = 6;

/// Runs the Prob-PSENN section over `seeds` and writes it to `page`: settings, tables, claim,
/// the raw runs as `proto-robust-psenn-results.json` and the first seed's pictures.
pub fn section(
    page: &mut ResultsPage,
    seeds: &[u64],
    quick: bool,
    device: &Device,
) -> Result<(), Box<dyn std::error::Error>> {
    let settings = PsennSettings::new(quick);
    let start = page.elapsed_secs();
    let mut runs = Vec::new();
    let mut first = None;
    let mut sizes = (0, 0);
    for &seed in seeds {
        let sets = DigitSets::new(seed)?;
        sizes = (sets.train.len(), sets.sets[0].len());
        let (run, trained, outputs) = run_seed(&sets, &settings, seed, device)?;
        eprintln!(
            "psenn seed {seed}: accuracy {:?} AUROC epistemic {:?} ({:.0}s)",
            run.accuracy,
            run.auroc[EPISTEMIC],
            page.elapsed_secs()
        );
        runs.push(run);
        if first.is_none() {
            first = Some((seed, trained.prob, outputs));
        }
    }
    std::fs::write(page.asset("proto-robust-psenn-results.json")?, serde_json::to_string_pretty(&runs)?)?;

    let c = ProbPsennConfig::small(SIDE * SIDE, CLASSES);
    let p = &settings.psenn;
    page.heading(2, "Prob-PSENN: uncertainty as an out-of-distribution detector");
    page.paragraph(&format!(
        "Seeds {seeds:?}. Embedded 8×8 digits 0–4, pixels in [0, 1], 80% train ({} images) / 20% held-out test ({} images, in distribution), split by seed. OOD sets of the same size: digits 5–9 drawn by seed, and procedural creatures (10 classes, {}-px RGB, Rec. 601 grey, area-averaged to 8×8). Prob-PSENN: the 8×8 preset — MLP encoder 64 → {:?} → {} and mirrored decoder, {} prototypes N(μ_j, diag σ_j²) with σ₀ = {}, prior N(0, {}²) with KL weight {}, {} sampled prototype sets per step, λ_class = {}, λ_ae = λ₁ = λ₂ = 1 — {} epochs of Adam {}, batch {}; test predictions average {} sampled sets. PSENN (σ = 0): the same network with point prototypes and no KL term, trained on its own. CNN: `CnnConfig::for_input(1, 8, 8, 5)` (blocks {:?}), {} epochs of Adam {} with cosine decay, batch 64. AUROC by `kiln_core::metrics::roc_auc` with the OOD inputs as positives; every score is higher for more uncertain inputs. Mean ± std over seeds; Prob-PSENN's mean σ after training {:.4}.",
        sizes.0,
        sizes.1,
        crate::psenn_data::PROCEDURAL_SIDE,
        c.hidden,
        c.latent_dim,
        c.num_prototypes,
        c.initial_sigma,
        c.prior_sigma,
        c.kl_weight,
        c.train_samples,
        c.lambda_class,
        p.epochs,
        p.lr,
        p.batch_size,
        settings.samples,
        CnnConfig::for_input(1, SIDE, SIDE, CLASSES).channels,
        settings.cnn_epochs,
        settings.cnn_lr,
        stat(&runs, |r| r.mean_sigma),
    ));
    page.table(&accuracy_table(&runs));
    page.table(&auroc_table(&runs));
    page.paragraph(&claim(&runs));
    if let Some((seed, model, outputs)) = first {
        for (score, name, file) in [
            (EPISTEMIC, "epistemic", "proto-robust-psenn-epistemic.png"),
            (TOTAL, "total", "proto-robust-psenn-total.png"),
        ] {
            let title = format!("Prob-PSENN {name} uncertainty, seed {seed}");
            uncertainty_histogram(&title, &outputs, score)?.save_png(page.asset(file)?)?;
        }
        save_png(&prototype_panel(&model, PICTURE_SAMPLES, seed)?, page.asset("proto-robust-psenn-prototypes.png")?)?;
        page.paragraph(&format!(
            "Prob-PSENN's epistemic and total uncertainty (seed {seed}) on the held-out digits 0–4 and on both OOD sets:\n\n![epistemic](proto-robust-psenn-epistemic.png) ![total](proto-robust-psenn-total.png)"
        ));
        page.paragraph(&format!(
            "The prototypes (seed {seed}), decoded: per prototype the class its last-layer weights favour (the most negative weight on its distance) and its mean σ (`s`), the decoded mean g(μ_j), then {PICTURE_SAMPLES} decoded samples g(μ_j + σ_j ⊙ ε):\n\n![prototypes](proto-robust-psenn-prototypes.png)"
        ));
    }
    eprintln!("psenn section: {:.0}s", page.elapsed_secs() - start);
    Ok(())
}
