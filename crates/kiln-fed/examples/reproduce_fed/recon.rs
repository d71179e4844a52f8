//! Federated reconnaissance on procedural images: the paper's benchmark
//! (`ReconBenchmarkConfig::small()`: 8 base and 16 field classes of 32 px, 4 clients, 2 classes
//! × 30 images per mission) with the 4-block conv encoder pretrained by prototypical episodes
//! once per seed, then prototype averaging and the paper's gradient baselines (FedAvg
//! fine-tuning, one client alone, joint training on everything seen) on the same missions,
//! from the same pretrained encoder.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_fed::fedrecon::{
    Baseline, BaselineSettings, MethodEval, ReconBenchmark, ReconBenchmarkConfig, ReconMethod, ReconReport,
};

/// The methods compared per mission: prototype averaging, then the gradient baselines.
const METHODS: [&str; 4] = ["prototype averaging", "FedAvg fine-tuning", "lower (one client)", "upper (joint)"];
const BASELINES: [Baseline; 3] = [Baseline::FedAvg, Baseline::Lower, Baseline::Upper];

/// The `small()` preset with the page's time budget: pretraining on 2 epochs of 40 episodes
/// (5-way, 5-shot, 15-query), lr 1e-3 halved after the first (the preset trains 3 × 100), and
/// the first 4 of its 6 missions (the upper bound's union grows every mission); `--quick`: 20
/// episodes and 2 missions.
fn config(seed: u64, quick: bool) -> ReconBenchmarkConfig {
    let mut config = ReconBenchmarkConfig::small().with_seed(seed);
    (config.training.epochs, config.training.episodes_per_epoch) = if quick { (1, 20) } else { (2, 40) };
    config.max_missions = Some(if quick { 2 } else { 4 });
    config
}

/// Adam at 3e-3 (the baselines' default rate), batch 32, one fit of 5 epochs per mission
/// (the default 10 takes the page past its budget; 2 epochs at 1e-3, about 8 steps per client
/// and mission, left FedAvg and the lower bound near chance on the mission classes).
fn settings() -> BaselineSettings {
    BaselineSettings { epochs: 5, rounds: 1, lr: 3e-3, batch_size: 32, ..Default::default() }
}

fn cell(values: &[f64]) -> String {
    format!("{:.1}", MeanStd::of(values).scaled(100.0))
}

/// One value per seed of `field` of method `method` in mission `m` (seeds whose report lacks
/// the mission, or whose value is `None`, are left out).
fn per_seed(reports: &[ReconReport], m: usize, method: usize, field: fn(&MethodEval) -> Option<f64>) -> Vec<f64> {
    reports.iter().filter_map(|r| r.missions.get(m)?.methods.get(method).and_then(field)).collect()
}

/// Mean over missions of the seed means of `field` for `method`.
fn over_missions(
    reports: &[ReconReport],
    missions: usize,
    method: usize,
    field: fn(&MethodEval) -> Option<f64>,
) -> f64 {
    mean(&(0..missions).map(|m| mean(&per_seed(reports, m, method, field))).collect::<Vec<_>>())
}

/// Runs the benchmark with the baselines for every seed and adds the section to the page.
/// Returns, per seed, prototype averaging alone over every mission (until the field images
/// run out) from the same encoder, for the retention section.
pub fn section(
    page: &mut ResultsPage,
    seeds: &[u64],
    quick: bool,
) -> Result<Vec<ReconReport>, Box<dyn std::error::Error>> {
    let device = Device::flex();
    let settings = settings();
    let mut reports = Vec::new();
    let mut all_missions = Vec::new();
    for &seed in seeds {
        let config = config(seed, quick);
        let (encoder, pretraining) = ReconBenchmark::pretrain(&config, &device)?;
        let full = ReconBenchmarkConfig { max_missions: None, ..config.clone() };
        let mut alone = ReconBenchmark::run_with_encoder(&full, encoder.clone(), &device)?;
        alone.pretraining = Some(pretraining.clone());
        all_missions.push(alone);
        let mut report = ReconBenchmark::run_with_baselines(&config, encoder, &BASELINES, &settings, &device)?;
        eprintln!(
            "reconnaissance seed {seed}: pretraining {:.1} s (query accuracy {:.3}), missions and baselines {:.1} s",
            pretraining.seconds, pretraining.final_accuracy, report.seconds
        );
        for m in &report.missions {
            let seconds: Vec<String> = m.methods.iter().map(|e| format!("{:.1}", e.seconds)).collect();
            eprintln!("  mission {}: {:.1} s (per method: {})", m.mission, m.seconds, seconds.join(", "));
        }
        report.pretraining = Some(pretraining);
        reports.push(report);
    }
    let missions = reports.iter().map(|r| r.missions.len()).min().unwrap_or(0);
    let first = config(seeds.first().copied().unwrap_or(0), quick);
    let t = &first.training;
    let pretrain_accuracy: Vec<f64> =
        reports.iter().filter_map(|r| r.pretraining.as_ref().map(|p| p.final_accuracy)).collect();
    let pretrain_seconds: Vec<f64> = reports.iter().filter_map(|r| r.pretraining.as_ref().map(|p| p.seconds)).collect();
    let eval0: Vec<f64> = reports.iter().map(|r| r.eval0_base_accuracy).collect();
    page.heading(2, "Federated reconnaissance");
    page.paragraph(&format!(
        "Hendryx et al. (2021): clients share a fixed embedding and send class prototypes (label, count, mean embedding); the server merges them by count-weighted online averaging, p_c ← (N_c p_c + n p) / (N_c + n), with no gradient step, and classifies by the nearest prototype. The paper's benchmark (ml4ai/fed-recon `benchmark/eval_model.py`, `client_server.py`) on procedural images instead of mini-ImageNet (`ReconBenchmarkConfig::small()`): {} base and {} field classes of {} px; {} base and {} field training images and {} test images per class. Encoder: the paper's 4 × [Conv3×3 ({} channels), BN, ReLU, MaxPool 2] ({} values per image), pretrained on the base classes by prototypical episodes ({}-way {}-shot {}-query, {} epochs of {} episodes, Adam lr {} × {} per epoch; the preset trains 3 × 100 episodes, the page less to fit its time budget), then frozen: final query accuracy {} %, base test accuracy {} % (nearest base prototype), {:.0} s per seed. Missions (the first {} of the {} until the field images run out, to fit the page's time budget): each of {} clients draws {} field classes and up to {} unsampled images of each. Seeds {seeds:?}, mean ± std.",
        first.base_classes,
        first.field_classes,
        first.image_size,
        first.base_train_per_class,
        first.field_train_per_class,
        first.test_per_class,
        first.encoder.hidden_size,
        first.encoder.embedding_dim(first.image_size, first.image_size),
        t.episode.ways,
        t.episode.shots,
        t.episode.queries,
        t.epochs,
        t.episodes_per_epoch,
        t.lr,
        t.lr_decay,
        cell(&pretrain_accuracy),
        cell(&eval0),
        mean(&pretrain_seconds),
        first.max_missions.unwrap_or(missions),
        first.field_classes * first.field_train_per_class.div_ceil(first.examples_per_class)
            / (first.clients * first.classes_per_mission).max(1),
        first.clients,
        first.classes_per_mission,
        first.examples_per_class,
    ));
    let mut table = Table::new([
        "mission",
        "field classes known",
        "eval 1: clients on their mission classes",
        "eval 2: server, base classes",
        "eval 2: server, field classes",
        "kB received",
    ]);
    for m in 0..missions {
        let of = |f: fn(&kiln_fed::fedrecon::ReconMission) -> f64| -> Vec<f64> {
            reports.iter().map(|r| f(&r.missions[m])).collect()
        };
        table.row([
            (m + 1).to_string(),
            format!("{:.1}", mean(&of(|x| x.server.field_classes.len() as f64))),
            cell(&of(|x| mean(&x.clients.iter().map(|c| c.mission_accuracy).collect::<Vec<_>>()))),
            cell(&of(|x| x.server.base_accuracy)),
            cell(&of(|x| x.server.field_accuracy)),
            format!("{:.1}", mean(&of(|x| x.bytes_received as f64 / 1e3))),
        ]);
    }
    page.table(&table);
    page.paragraph("Eval 1: each client with the server's prototypes plus its own mission prototypes, on the test images of its mission classes (mean over clients). Eval 2: the server after merging, on the test images of the base classes and of every field class reconned so far. The field classes were never trained on: their accuracy measures how well the embedding learnt on the base classes transfers.");
    baselines_section(page, &reports, missions, &settings, seeds);
    Ok(all_missions)
}

/// The baselines against prototype averaging, per mission, and the verdict.
fn baselines_section(
    page: &mut ResultsPage,
    reports: &[ReconReport],
    missions: usize,
    settings: &BaselineSettings,
    seeds: &[u64],
) {
    page.heading(3, "Against the gradient baselines");
    page.paragraph(&format!(
        "The paper's baselines on the same missions, clients and images, from the same pretrained encoder: the encoder plus a softmax head over the classes known so far, fine-tuned together with the engine ({} epoch(s) of Adam, lr {}, batch {}, {} round(s) per mission). The head starts as the nearest-base-prototype classifier (W_c = 2 p_c / τ, b_c = −‖p_c‖² / τ, τ the mean ‖p_c‖², so it scores as prototype averaging before the first mission with logits of order 1); each new class gets an all-zero output. FedAvg fine-tuning: every client fine-tunes from the broadcast model on its mission data, the server averages with weights n_k/n. Lower bound: client 0 alone, no communication. Upper bound: joint training on the base training images and every client's data of every mission so far. Test accuracy (%) of each method's model after the mission on the earlier classes (known before the mission and not drawn in it: base classes and field classes of earlier missions), on the mission's classes (drawn by its clients, new or revisited), and on both; kB exchanged per mission (prototypes: received; FedAvg: broadcasts and updates; the bounds exchange nothing). Seeds {seeds:?}, mean ± std.",
        settings.epochs, settings.lr, settings.batch_size, settings.rounds
    ));
    let mut table = Table::new([
        "mission",
        "method",
        "accuracy, earlier classes",
        "accuracy, mission classes",
        "accuracy, all known",
        "kB exchanged",
    ]);
    for m in 0..missions {
        for (i, name) in METHODS.iter().enumerate() {
            let bytes = per_seed(reports, m, i, |e| Some(e.bytes as f64 / 1e3));
            table.row([
                (m + 1).to_string(),
                name.to_string(),
                cell(&per_seed(reports, m, i, |e| e.earlier_accuracy)),
                cell(&per_seed(reports, m, i, |e| e.mission_accuracy)),
                cell(&per_seed(reports, m, i, |e| e.all_accuracy)),
                format!("{:.1}", mean(&bytes)),
            ]);
        }
    }
    page.table(&table);
    let methods_ok = reports.iter().all(|r| {
        r.missions.iter().all(|m| {
            let want = std::iter::once(ReconMethod::Prototypes).chain(BASELINES.map(ReconMethod::Gradient));
            m.methods.iter().map(|e| e.method).eq(want)
        })
    });
    if !methods_ok {
        page.paragraph("Warning: a report lists its methods in another order than the table assumes.");
    }
    let summary = |field: fn(&MethodEval) -> Option<f64>| -> Vec<f64> {
        (0..METHODS.len()).map(|i| over_missions(reports, missions, i, field)).collect()
    };
    let earlier = summary(|e| e.earlier_accuracy);
    let new = summary(|e| e.mission_accuracy);
    let all = summary(|e| e.all_accuracy);
    let kilobytes = summary(|e| Some(e.bytes as f64 / 1e3));
    let keeps = earlier[0] > earlier[1];
    let competitive = new[0] >= new[1] - 0.05;
    let fraction = kilobytes[0] / kilobytes[1];
    let holds = |b: bool| if b { "holds" } else { "does not hold" };
    page.paragraph(&format!(
        "Claim (paper): prototype averaging keeps the accuracy of earlier classes where FedAvg fine-tuning forgets, is competitive on the new classes, for a fraction of the bytes. Here, means over missions 1–{missions} of the seed means: earlier classes {:.1}% (prototypes) against {:.1}% (FedAvg), {:.1}% (lower), {:.1}% (upper) — keeps them better than FedAvg: {}; mission classes {:.1}% against {:.1}% (FedAvg), {:.1}% (lower), {:.1}% (upper) — within 5 points of FedAvg or above: {}; all classes known {:.1}% against {:.1}% (FedAvg), {:.1}% (lower), {:.1}% (upper){}; {:.1} kB against {:.1} kB per mission, {:.2}% of FedAvg's bytes — a fraction: {}.",
        100.0 * earlier[0],
        100.0 * earlier[1],
        100.0 * earlier[2],
        100.0 * earlier[3],
        holds(keeps),
        100.0 * new[0],
        100.0 * new[1],
        100.0 * new[2],
        100.0 * new[3],
        holds(competitive),
        100.0 * all[0],
        100.0 * all[1],
        100.0 * all[2],
        100.0 * all[3],
        if new[1] > new[0] && earlier[1] < earlier[0] {
            " (FedAvg's higher mission-class accuracy comes with lower earlier-class accuracy: fine-tuned on the mission's data alone, it favours the newest classes)"
        } else {
            ""
        },
        kilobytes[0],
        kilobytes[1],
        100.0 * fraction,
        holds(fraction < 1.0),
    ));
}
