//! `cargo xtask reproduce proto-robust` runs this: the robust prototype family of Saralajew et
//! al. (AAAI 2025) on the embedded 8×8 digits — GLVQ, RBF and robust RBF, stable CBC with the
//! margin loss and robust stable CBC — scored by clean, certified and PGD-L2 robust accuracy at three radii,
//! over several seeds; deep CBC against a small ProtoPNet on the procedural part images
//! (accuracy, components and reasoning); Prob-PSENN's uncertainty as an out-of-distribution
//! detector on the digits (trained on 0–4) against a deterministic PSENN and a CNN. Writes
//! `docs/results/proto-robust.md`, its charts and pictures, and the raw runs as
//! `proto-robust-results.json`, `proto-robust-deep-results.json` and
//! `proto-robust-psenn-results.json`.
//!
//! Usage: `cargo xtask reproduce proto-robust [--quick] [--seeds N | --seeds A,B,...]`

mod compare;
mod deep;
mod deep_pictures;
mod psenn;
mod psenn_data;
mod psenn_pictures;
mod shallow;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, MeanStd, ResultsPage, Table};
use kiln_proto::attack::PgdConfig;
use kiln_render::{Chart, ErrorBar, Series};

use compare::Relation;
use shallow::{MODELS, RADII, ShallowRun};

/// The models trained with a robust loss, each with its architecture trained without it:
/// robust RBF and cross-entropy RBF, robust stable CBC and margin-loss stable CBC.
const ROBUST_AND_OWN: [(&str, &str); 2] = [(MODELS[2], MODELS[1]), (MODELS[4], MODELS[3])];
/// The models trained with a robust loss.
const ROBUST: [&str; 2] = [ROBUST_AND_OWN[0].0, ROBUST_AND_OWN[1].0];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let device = Device::flex();
    let epochs = if args.quick { 20 } else { 300 };
    let pgd = if args.quick { PgdConfig { steps: 20, restarts: 1, ..PgdConfig::new() } } else { PgdConfig::new() };
    let mut page = ResultsPage::new(&args, "proto-robust", "kiln-proto: certified robustness of prototype classifiers");

    let mut runs: Vec<ShallowRun> = Vec::new();
    for &seed in &seeds {
        for run in shallow::run_seed(seed, epochs, &pgd, &device)? {
            eprintln!(
                "{} seed {seed}: clean {:.3} certified {:?} ({:.0}s)",
                run.model,
                run.clean,
                run.certified,
                page.elapsed_secs()
            );
            runs.push(run);
        }
    }
    std::fs::write(page.asset("proto-robust-results.json")?, serde_json::to_string_pretty(&runs)?)?;

    page.heading(2, "Shallow models on the 8×8 digits: clean, certified and empirical robustness");
    page.paragraph(&format!(
        "Seeds {seeds:?}; embedded digits as vectors in [0, 1]^64, 80% train / 20% test split by seed. {epochs} epochs of Adam 5e-3, batch 128, for every model. GLVQ: 2 prototypes per class, loss (d⁺ − d⁻)/(d⁺ + d⁻), certified when correct and (d⁻ − d⁺)/2 ≥ δ. RBF: 20 components with the CBC detections, linear class scores; the plain one with signed weights and cross-entropy (certified by the pairwise bound of `kiln_proto::rbf`, which enlaight lacks), the robust one layer-normalised with ReLU(0.45 − robustness), robustness (min σ / 2) · ln(s⁺/s⁻). Stable CBC: 20 components, 2 reasoning concepts per class, σ = 3.85 (enlaight's rule on the digits at p₀ = 0.4), trained either with the margin loss ReLU(s⁻ − s⁺ + 0.3) or with the robust loss ReLU(0.45 − robustness) (the paper's 1.58 × √(64/784)); both certified by Theorem 1. Radii {:?} = the paper's MNIST radii {{0.5, 1, 1.58}} × √(64/784). PGD-L2: {} steps of 2.5·δ/{}, {} starts (the first at the clean input), projection onto the ball and [0, 1]; the paper uses AutoAttack, which is stronger, so PGD robust accuracy is an upper bound. Accuracy in %, mean ± std over seeds.",
        RADII, pgd.steps, pgd.steps, pgd.restarts
    ));
    page.table(&accuracy_table(&runs));
    page.paragraph(&claims(&runs));
    save_chart(&runs, &page)?;
    page.paragraph("Certified and PGD accuracy against the radius (one series each per model), mean ± std over seeds:\n\n![accuracy vs radius](proto-robust-radius.png)");
    eprintln!("shallow section: {:.0}s", page.elapsed_secs());

    deep::section(&mut page, &seeds, args.quick, &device)?;
    psenn::section(&mut page, &seeds, args.quick, &device)?;
    page.write("flex")?;
    Ok(())
}

/// Runs of one model.
fn of<'a>(runs: &'a [ShallowRun], model: &str) -> Vec<&'a ShallowRun> {
    runs.iter().filter(|r| r.model == model).collect()
}

/// `mean ± std` in % of one value per run.
fn cell(runs: &[&ShallowRun], value: impl Fn(&ShallowRun) -> f64) -> String {
    let values: Vec<f64> = runs.iter().map(|r| value(r)).collect();
    format!("{:.1}", MeanStd::of(&values).scaled(100.0))
}

/// Clean accuracy and certified / PGD accuracy at each radius, per model.
fn accuracy_table(runs: &[ShallowRun]) -> Table {
    let mut header = vec!["model".to_string(), "clean".to_string()];
    header.extend(RADII.iter().map(|d| format!("certified @ {d}")));
    header.extend(RADII.iter().map(|d| format!("PGD @ {d}")));
    let mut table = Table::new(header);
    for model in MODELS {
        let runs = of(runs, model);
        let mut row = vec![model.to_string(), cell(&runs, |r| r.clean)];
        row.extend((0..RADII.len()).map(|i| cell(&runs, |r| r.certified[i])));
        row.extend((0..RADII.len()).map(|i| cell(&runs, |r| r.pgd[i])));
        table.row(row);
    }
    table
}

/// The paper's two claims, checked on every run.
fn claims(runs: &[ShallowRun]) -> String {
    let checks = runs.len() * RADII.len();
    let violations = runs.iter().flat_map(|r| r.certified.iter().zip(&r.pgd)).filter(|(c, p)| c > p).count();
    let stat = |model: &str, value: &dyn Fn(&ShallowRun) -> f64| {
        MeanStd::of(&of(runs, model).iter().map(|r| value(r)).collect::<Vec<_>>())
    };
    let certified = |model: &str, i: usize| stat(model, &|r| r.certified[i]);
    let clean = |model: &str| stat(model, &|r| r.clean);
    // Each robust-loss model against each model trained without it, radius by radius.
    let mut lines = Vec::new();
    let (mut below, mut above_own) = (false, true);
    for (robust, own) in ROBUST_AND_OWN {
        for other in MODELS.iter().copied().filter(|m| !ROBUST.contains(m)) {
            let relations: Vec<Relation> =
                (0..RADII.len()).map(|i| Relation::of(&certified(robust, i), &certified(other, i))).collect();
            below |= relations.contains(&Relation::Below);
            if other == own {
                above_own &= relations.contains(&Relation::Above);
            }
            let words: Vec<&str> = relations.iter().map(|r| r.words()).collect();
            lines.push(format!(
                "{robust} vs {other}: certified accuracy {} at δ = {RADII:?}; clean {:.1} vs {:.1}",
                words.join(" / "),
                clean(robust).scaled(100.0),
                clean(other).scaled(100.0)
            ));
        }
    }
    let verdict = match (below, above_own) {
        (false, true) => {
            "**reproduced**: no robust-loss model certifies less than a model trained without the robust loss at any radius, and each certifies more than its own architecture trained without it"
        }
        (false, false) => {
            "**partly reproduced**: the robust-loss models never certify less, but not clearly more than their own architecture trained without the robust loss"
        }
        (true, _) => {
            "**not reproduced on this scale**: a model trained without the robust loss certifies more at some radius"
        }
    };
    format!(
        "Claim 1, a certificate is a lower bound on robustness: certified ≤ PGD accuracy held in {} of {checks} (model, seed, radius) cases{}.\n\nClaim 2, the robust loss certifies most at similar clean accuracy (\"above\"/\"below\": the means differ by more than the larger std over seeds, else \"level with\"):\n\n{}\n\nVerdict: {verdict}.",
        checks - violations,
        if violations == 0 {
            ""
        } else {
            " — a violation means PGD found a flip inside a certified radius, i.e. a bug"
        },
        lines.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n"),
    )
}

/// Certified and PGD accuracy against the radius, one pair of series per model.
fn save_chart(runs: &[ShallowRun], page: &ResultsPage) -> Result<(), Box<dyn std::error::Error>> {
    let mut chart = Chart::new("digits 8×8: accuracy under L2 perturbations")
        .x_label("radius δ")
        .y_label("accuracy")
        .y_range(0.0, 1.0);
    for model in MODELS {
        let runs = of(runs, model);
        for (kind, value) in [("certified", 0usize), ("PGD", 1)] {
            let bars = RADII.iter().enumerate().map(|(i, &d)| {
                let v: Vec<f64> = runs.iter().map(|r| if value == 0 { r.certified[i] } else { r.pgd[i] }).collect();
                let m = MeanStd::of(&v);
                ErrorBar::new(d, m.mean, m.std)
            });
            chart = chart.series(Series::error_bars(format!("{model}, {kind}"), bars));
        }
    }
    chart.save_png(page.asset("proto-robust-radius.png")?)?;
    Ok(())
}
