//! `cargo xtask reproduce tabular` runs this: TabPFN's small-data claim with the shipped
//! checkpoint: accuracy and ROC AUC against logistic regression, k-NN and a random forest
//! (smartcore) on small real tables (iris, breast cancer, digits, as shipped by smartcore),
//! 20–500 training rows, several seeds, fit+predict time, and an ablation of the ensemble size.
//! Writes `docs/results/tabular.md`.
//!
//! ```text
//! RAYON_NUM_THREADS=1 cargo xtask reproduce tabular [--quick] [--seeds N | --seeds A,B,...]
//!     [--weights other.bpk]
//! ```

mod baselines;
mod data;
mod scores;

use std::fmt::Write as _;
use std::time::Instant;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage, Table};
use kiln_tabular::{EnsembleConfig, TabPfnClassifier};

use baselines::{forest, knn, logistic, standardise};
use data::{MAX_TEST, rows, split, tables};
use scores::Score;

/// The methods, TabPFN first.
const METHODS: [&str; 4] =
    ["TabPFN (ours, 8 members)", "logistic regression", "k-NN (k=5)", "random forest (100 trees)"];

/// Ensemble sizes of the ablation (at 100 training rows).
const ENSEMBLE_SIZES: [usize; 6] = [1, 2, 4, 8, 16, 32];

/// TabPFN's preprocessing and ensemble settings, as the page states them.
const SETTINGS: &str = "TabPFN settings, as TabPFN v1 (`kiln_tabular::preprocess`, `kiln_tabular::tabpfn::ensemble`): features are z-scored with the training rows' sample standard deviation (n − 1) plus 10⁻⁶ and clipped to ±100; the Yeo-Johnson λ of a power member is found by an unbounded Brent search (sklearn's `PowerTransformer`), and a column whose fit fails (float32 overflow) is left untransformed; outliers beyond 4 s are squashed logarithmically. Members are the shuffled (class shift, feature shift) pairs, each crossed with [none, power], so they come in none/power pairs of the same shifts (1 member: no power transform; 8 members: 4 pairs); a feature shift past the features left after dropping constant ones rotates nothing. The shipped checkpoint was trained before the switch from the population to the sample standard deviation (z-scores differ by a factor √((n − 1)/n) ≥ 0.98 at its ≥ 25 training rows) and was not retrained.";

/// One table at one training size: scores per method.
struct Row {
    name: &'static str,
    n: usize,
    features: usize,
    classes: usize,
    scores: Vec<Score>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts { seeds: true, options: &["weights"] })?;
    let seeds = args.seeds(&[0, 1, 2, 3, 4]);
    let device = Device::flex();
    let mut page = ResultsPage::new(&args, "tabular", "TabPFN (kiln-tabular): small real tables");
    let mut clf = match args.option("weights") {
        Some(path) => TabPfnClassifier::from_file(path, &device)?,
        None => TabPfnClassifier::new(&device)?,
    };
    let sizes: &[usize] = if args.quick { &[20, 100] } else { &[20, 50, 100, 200, 500] };
    let mut results = Vec::new();
    let mut ablation: Vec<(&str, Vec<Score>)> = Vec::new();
    for table in tables() {
        let mut abl = vec![Score::default(); ENSEMBLE_SIZES.len()];
        for &n in sizes.iter().filter(|&&n| n + 30 <= table.x.len()) {
            let mut scores = vec![Score::default(); METHODS.len()];
            for &seed in &seeds {
                let (tr, te) = split(&table, n, seed);
                let ((xtr, ytr), (xte, yte)) = (rows(&table, &tr), rows(&table, &te));
                let k = table.classes;
                let start = Instant::now();
                clf = clf.with_ensemble(EnsembleConfig { seed, ..EnsembleConfig::with_members(8) });
                clf.fit(&xtr, &ytr)?;
                let proba = clf.predict_proba(&xte)?;
                scores[0].add(&proba, &yte, k, start.elapsed().as_secs_f64());

                let start = Instant::now();
                let (a, b) = standardise(&xtr, &xte)?;
                let yi: Vec<i32> = ytr.iter().map(|&c| c as i32).collect();
                let t0 = start.elapsed().as_secs_f64();
                let start = Instant::now();
                scores[1].add(&logistic(&a, &yi, &b, k)?, &yte, k, t0 + start.elapsed().as_secs_f64());
                let start = Instant::now();
                scores[2].add(&knn(&a, &yi, &b)?, &yte, k, t0 + start.elapsed().as_secs_f64());
                let start = Instant::now();
                scores[3].add(&forest(&a, &yi, &b, k, seed)?, &yte, k, t0 + start.elapsed().as_secs_f64());

                if n == 100 {
                    for (j, &m) in ENSEMBLE_SIZES.iter().enumerate() {
                        let start = Instant::now();
                        clf = clf.with_ensemble(EnsembleConfig { seed, ..EnsembleConfig::with_members(m) });
                        clf.fit(&xtr, &ytr)?;
                        let proba = clf.predict_proba(&xte)?;
                        abl[j].add(&proba, &yte, k, start.elapsed().as_secs_f64());
                    }
                }
            }
            eprintln!("{} n={n}: {}", table.name, scores.iter().map(Score::cell).collect::<Vec<_>>().join(" | "));
            let features = table.x.first().map_or(0, Vec::len);
            results.push(Row { name: table.name, n, features, classes: table.classes, scores });
        }
        ablation.push((table.name, abl));
    }
    page.paragraph("Run with `RAYON_NUM_THREADS=1` (the line above says when it was set) so that the fit and predict times compare single-threaded methods. Do not edit by hand.");
    checkpoint_section(&mut page)?;
    page.heading(2, "Accuracy and ROC AUC");
    page.paragraph(&format!(
        "Tables from smartcore's `datasets` feature. Random splits (one row of each class forced into the training set), {} seeds, test set = the rest (at most {MAX_TEST} rows). Cells: mean accuracy ± std over seeds / mean ROC AUC (macro one-vs-rest). Baselines see z-scored features; TabPFN sees raw features (its own preprocessing). No per-dataset training or tuning for any method.",
        seeds.len()
    ));
    page.paragraph(SETTINGS);
    let mut table = Table::new(["table", "train rows", "features", "classes"].into_iter().chain(METHODS));
    for r in &results {
        let cells = [r.name.to_string(), r.n.to_string(), r.features.to_string(), r.classes.to_string()];
        table.row(cells.into_iter().chain(r.scores.iter().map(Score::cell)));
    }
    page.table(&table);
    page.heading(2, "Fit + predict time (seconds, mean over seeds)");
    let mut table = Table::new(["table", "train rows"].into_iter().chain(METHODS));
    for r in &results {
        let cells = [r.name.to_string(), r.n.to_string()];
        table.row(cells.into_iter().chain(r.scores.iter().map(|s| format!("{:.3}", s.time()))));
    }
    page.table(&table);
    page.heading(2, "Ensemble size ablation (100 training rows)");
    let mut table =
        Table::new(std::iter::once("table".to_string()).chain(ENSEMBLE_SIZES.map(|m| format!("{m} members"))));
    for (name, abl) in &ablation {
        let cells = abl.iter().map(|s| format!("{} ({:.2} s)", s.cell(), s.time()));
        table.row(std::iter::once(name.to_string()).chain(cells));
    }
    page.table(&table);
    page.write("flex")?;
    Ok(())
}

/// The shipped checkpoint's training record.
fn checkpoint_section(page: &mut ResultsPage) -> Result<(), Box<dyn std::error::Error>> {
    const WEIGHTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/tabpfn-small.bpk");
    page.heading(2, "Shipped checkpoint");
    match std::fs::read_to_string(format!("{WEIGHTS}.json")) {
        Ok(s) => {
            let v: serde_json::Value = serde_json::from_str(&s)?;
            let _ = writeln!(
                page,
                "`crates/kiln-tabular/weights/tabpfn-small.bpk` ({} parameters, {:.2} MB), trained by `examples/train_tabpfn.rs` with `crates/kiln-tabular/configs/tabpfn-small.json`: **{} optimiser steps** of batches of {} prior datasets ({} rows each), **{:.1} min** of wall time on {} CPU thread(s); last epoch: {}.\n",
                v["parameters"],
                std::fs::metadata(WEIGHTS).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0),
                v["steps"],
                v["config"]["batch_size"],
                v["config"]["prior"]["num_rows"],
                v["seconds_all_epochs"].as_f64().unwrap_or(0.0) / 60.0,
                v["threads"].as_u64().unwrap_or(1),
                v["last_epoch"]
            );
            let _ = writeln!(page, "Model: {}.\n", v["config"]["model"]);
            if let Some(note) = v["note"].as_str() {
                let _ = writeln!(page, "Note: {note}\n");
            }
        }
        Err(_) => {
            page.paragraph("(training record `weights/tabpfn-small.bpk.json` not found)");
        }
    }
    page.paragraph(
        "Limits (enforced with typed errors): at most 1024 training rows, 100 features, 10 classes; any number of test rows.",
    );
    Ok(())
}
