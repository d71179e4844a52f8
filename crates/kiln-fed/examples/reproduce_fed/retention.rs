//! What prototype averaging keeps: the base classes' accuracy before the first field mission
//! and after the last, on the digits (`DigitsRecon::small()`, the learning test's run) and on
//! the procedural benchmark at two pretraining lengths.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_fed::fedrecon::{
    DigitsRecon, DigitsReconRecord, EncoderTraining, ReconBenchmark, ReconBenchmarkConfig, ReconReport, ServerEval,
};

/// Seeds of the digits runs: the learning test's eight.
const DIGITS_SEEDS: [u64; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
/// The Done-when's bound on the base classes' loss, in points.
const BOUND: f64 = 3.0;

fn cell(values: &[f64]) -> String {
    format!("{:.1}", MeanStd::of(values).scaled(100.0))
}

/// One row of the procedural table: base accuracy before any mission (eval 0) and after the
/// last, the field classes' accuracy after the last, the drop.
fn procedural_row(table: &mut Table, episodes: usize, reports: &[ReconReport]) -> f64 {
    let before: Vec<f64> = reports.iter().map(|r| r.eval0_base_accuracy).collect();
    let last = |f: fn(&ServerEval) -> f64| -> Vec<f64> {
        reports.iter().filter_map(|r| r.missions.last().map(|m| f(&m.server))).collect()
    };
    let after = last(|s| s.base_accuracy);
    let drops: Vec<f64> = before.iter().zip(&after).map(|(b, a)| b - a).collect();
    let query: Vec<f64> = reports.iter().filter_map(|r| r.pretraining.as_ref().map(|p| p.final_accuracy)).collect();
    let missions = reports.iter().map(|r| r.missions.len()).min().unwrap_or(0);
    table.row([
        episodes.to_string(),
        cell(&query),
        cell(&before),
        format!("{} → {}", missions, cell(&after)),
        cell(&last(|s| s.field_accuracy)),
        cell(&drops),
    ]);
    100.0 * mean(&drops)
}

/// Runs the digits experiment and the longer procedural pretraining, and adds the section.
/// `short`: the recon section's prototype-only runs over every mission (its encoders).
pub fn section(
    page: &mut ResultsPage,
    seeds: &[u64],
    quick: bool,
    short: &[ReconReport],
) -> Result<(), Box<dyn std::error::Error>> {
    let device = Device::flex();
    let digits_seeds = if quick { &DIGITS_SEEDS[..2] } else { &DIGITS_SEEDS[..] };
    let (mut runs, mut softmax) = (Vec::new(), Vec::new());
    for &seed in digits_seeds {
        let run = DigitsRecon::small().with_seed(seed).run(&device)?;
        eprintln!("digits reconnaissance seed {seed}: {run:?}");
        runs.push(run);
        softmax.push(DigitsRecon::small().with_softmax_pretraining().with_seed(seed).run(&device)?);
    }
    let longer_episodes = if quick { 40 } else { 300 };
    let mut longer = Vec::new();
    for &seed in seeds {
        let mut config = ReconBenchmarkConfig::small().with_seed(seed);
        (config.training.epochs, config.training.episodes_per_epoch) = (3, longer_episodes / 3);
        let report = ReconBenchmark::run(&config, &device)?;
        eprintln!("reconnaissance, {longer_episodes} episodes, seed {seed}: {:.1} s", report.seconds);
        longer.push(report);
    }

    let d = DigitsRecon::small();
    let EncoderTraining::Episodes(t) = &d.training else {
        return Err("DigitsRecon::small() pretrains by episodes".into());
    };
    let EncoderTraining::Softmax { epochs, lr } = DigitsRecon::small().with_softmax_pretraining().training else {
        return Err("with_softmax_pretraining() pretrains by cross-entropy".into());
    };
    page.heading(3, "What prototype averaging keeps");
    page.paragraph(&format!(
        "No merge changes the prototype of a class no client reports, so the base classes' prototypes are the same after every mission (no forgetting in the parameters); what can fall is their accuracy once new prototypes compete for their test images. Digits (`DigitsRecon::small()`, the learning test's run): an MLP encoder 64 → {} (ReLU) pretrained as the paper's encoder, by prototypical episodes ({}-way {}-shot {}-query, {} episodes, Adam lr {} × {} per {}), on digits 0–{} only; mission 1: {} clients report the base digits (the server's base prototypes); mission 2: they bring digits {}–9, never trained on. Second row, the ablation: the same MLP pretrained by softmax cross-entropy over the base digits ({epochs} epochs, Adam lr {lr}, batch 32). Seeds {digits_seeds:?}, mean ± std, accuracy (%) of the nearest prototype over every class known on the test digits.",
        d.hidden,
        t.episode.ways,
        t.episode.shots,
        t.episode.queries,
        t.episodes(),
        t.lr,
        t.lr_decay,
        t.episodes_per_epoch,
        d.base_classes - 1,
        d.clients,
        d.base_classes,
    ));
    let drop = |r: &DigitsReconRecord| r.base_before - r.base_after;
    let mut table = Table::new([
        "encoder pretraining",
        "base classes before",
        "base classes after all missions",
        "drop (points)",
        "new classes",
        "all ten",
    ]);
    for (name, runs) in [("prototypical episodes (paper)", &runs), ("softmax cross-entropy", &softmax)] {
        let field = |f: fn(&DigitsReconRecord) -> f64| -> Vec<f64> { runs.iter().map(f).collect() };
        table.row([
            name.to_string(),
            cell(&field(|r| r.base_before)),
            cell(&field(|r| r.base_after)),
            cell(&field(drop)),
            cell(&field(|r| r.field)),
            cell(&field(|r| r.all)),
        ]);
    }
    page.table(&table);
    let drops: Vec<f64> = runs.iter().map(drop).collect();
    let digits_drop = 100.0 * mean(&drops);
    let worst = 100.0 * drops.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let softmax_drop = 100.0 * mean(&softmax.iter().map(drop).collect::<Vec<_>>());
    let all = |runs: &[DigitsReconRecord]| 100.0 * mean(&runs.iter().map(|r| r.all).collect::<Vec<_>>());

    page.paragraph(&format!(
        "Procedural benchmark (`ReconBenchmarkConfig::small()`, prototype averaging alone, every mission until the field images run out), the conv encoder pretrained for the recon section's episodes and for {longer_episodes} (3 epochs, lr 1e-3 × 0.5 per epoch). Base classes before any mission (eval 0) and after the last (eval 2); seeds {seeds:?}, mean ± std (%)."
    ));
    let mut table = Table::new([
        "pretraining episodes",
        "final query accuracy",
        "base classes before",
        "missions → base classes after",
        "field classes after",
        "drop (points)",
    ]);
    let short_episodes = short.first().map_or(0, |r| r.config.training.episodes());
    let short_drop = procedural_row(&mut table, short_episodes, short);
    let longer_drop = procedural_row(&mut table, longer_episodes, &longer);
    page.table(&table);
    let verdict = if digits_drop <= BOUND { "holds" } else { "does not hold" };
    page.paragraph(&format!(
        "Claim (issue 17's Done-when, from the paper's \"robust to catastrophic forgetting\"): prototype averaging keeps the base classes' accuracy within {BOUND} points after all missions. Digits, 5 base and 5 new classes: mean drop {digits_drop:.1} points (worst seed {worst:.1}) — {verdict}; with the encoder pretrained by softmax cross-entropy instead, {softmax_drop:.1} points, and {:.1}% over all ten digits against the episodes' {:.1}%: the embedding learnt from episodes places the new digits' prototypes further from the base digits. Procedural, 8 base and 16 field classes: the drop is {short_drop:.1} points after {short_episodes} pretraining episodes and {longer_drop:.1} after {longer_episodes} — {}; it shrinks as the encoder is trained longer. There are twice as many field classes as base ones, and every class is a combination of a head shape and a wing colour that base classes also carry, so an encoder trained on 8 classes places some new combinations near base prototypes. The paper pretrains on 50 mini-ImageNet classes for 50,000 episodes; this page cannot.", all(&softmax), all(&runs), if longer_drop <= BOUND { "holds" } else { "does not hold at these lengths" }
    ));
    Ok(())
}
