//! Federated reconnaissance on the digits: an MLP pretrained on digits 0–4, then missions in
//! which clients report class prototypes, the first for 0–4 and each later one for one new
//! digit; then the paper's gradient baselines over the same missions (FedAvg fine-tuning, one
//! client alone, joint training on everything seen) against prototype averaging.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_core::nn::MlpConfig;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use kiln_fed::core::{clients_from_shards, split_iid};
use kiln_fed::digits::digit_vectors;
use kiln_fed::fedrecon::{Baseline, BaselineSettings, GradientBaseline, Reconnaissance};

const CLIENTS: usize = 5;
const HIDDEN: usize = 128;
const PRETRAIN_EPOCHS: usize = 15;
const PRETRAIN_LR: f64 = 3e-3;

/// Per mission: accuracy on the test digits of every class seen so far, on the newest
/// class(es) alone, and kilobytes received.
struct Mission {
    seen: Vec<f64>,
    newest: Vec<f64>,
    kilobytes: Vec<f64>,
}

/// The methods compared per mission: prototype averaging, then the gradient baselines.
const METHODS: [&str; 4] = ["prototype averaging", "FedAvg fine-tuning", "lower (one client)", "upper (joint)"];
const BASELINES: [Baseline; 3] = [Baseline::FedAvg, Baseline::Lower, Baseline::Upper];

/// One method's scores in one mission, one value per seed: accuracy on the classes of earlier
/// missions (none in mission 1), on the mission's new classes, on all classes seen so far,
/// and kilobytes exchanged.
#[derive(Default)]
struct Scores {
    earlier: Vec<f64>,
    new: Vec<f64>,
    all: Vec<f64>,
    kilobytes: Vec<f64>,
}

fn of_classes(items: &[VectorExample], classes: &[usize]) -> Vec<VectorExample> {
    items.iter().filter(|e| classes.contains(&e.label)).cloned().collect()
}

/// Runs the missions for every seed and adds the section to the page.
pub fn section(page: &mut ResultsPage, seeds: &[u64]) -> Result<(), Box<dyn std::error::Error>> {
    let device = Device::flex();
    let plan: Vec<Vec<usize>> = std::iter::once((0..5).collect()).chain((5..10).map(|c| vec![c])).collect();
    let mut missions: Vec<Mission> =
        plan.iter().map(|_| Mission { seen: Vec::new(), newest: Vec::new(), kilobytes: Vec::new() }).collect();
    // scores[method][mission]
    let mut scores: Vec<Vec<Scores>> =
        METHODS.iter().map(|_| plan.iter().map(|_| Scores::default()).collect()).collect();
    let settings = BaselineSettings::default();
    for &seed in seeds {
        let (train, test) = digit_vectors(seed)?;
        let base = of_classes(&train, &plan[0]);
        device.seed(seed);
        let model = MlpConfig::new(64, 10).with_hidden(vec![HIDDEN]).init(&device);
        let loader = DataLoader::new(base, VectorBatcher::default(), 32).shuffled(seed);
        let phases = [Phase::train("pretrain", TrainPhase::new(PRETRAIN_EPOCHS, PRETRAIN_LR))];
        let (model, _) = Trainer::new(device.clone()).with_seed(seed).fit(model, &phases, &loader, None)?;
        let mut baselines = BASELINES
            .iter()
            .map(|&kind| GradientBaseline::new(kind, model.clone(), &plan[0], settings.clone(), &device, seed))
            .collect::<Result<Vec<_>, _>>()?;
        let mut recon = Reconnaissance::new(model, VectorBatcher::default());
        let mut seen = Vec::new();
        for (m, classes) in plan.iter().enumerate() {
            let (test_earlier, test_new) = (of_classes(&test, &seen), of_classes(&test, classes));
            seen.extend(classes.iter().copied());
            let local = of_classes(&train, classes);
            let shards = split_iid(local.len(), CLIENTS, seed + m as u64)?;
            let clients = clients_from_shards(&local, &shards, &device);
            let record = recon.mission(&clients)?;
            let test_all = of_classes(&test, &seen);
            missions[m].seen.push(recon.accuracy(&test_all, &device)?);
            missions[m].newest.push(recon.accuracy(&test_new, &device)?);
            missions[m].kilobytes.push(record.bytes_received as f64 / 1e3);
            let proto = &mut scores[0][m];
            if !test_earlier.is_empty() {
                proto.earlier.push(recon.accuracy(&test_earlier, &device)?);
            }
            proto.new.push(recon.accuracy(&test_new, &device)?);
            proto.all.push(recon.accuracy(&test_all, &device)?);
            proto.kilobytes.push(record.bytes_received as f64 / 1e3);
            for (b, baseline) in baselines.iter_mut().enumerate() {
                let record = baseline.mission(&clients)?;
                let s = &mut scores[b + 1][m];
                if !test_earlier.is_empty() {
                    s.earlier.push(baseline.accuracy(&test_earlier, &device)?);
                }
                s.new.push(baseline.accuracy(&test_new, &device)?);
                s.all.push(baseline.accuracy(&test_all, &device)?);
                s.kilobytes.push((record.bytes_sent + record.bytes_received) as f64 / 1e3);
            }
        }
        eprintln!(
            "reconnaissance seed {seed}: all 10 classes {:.3}",
            missions[plan.len() - 1].seen.last().unwrap_or(&f64::NAN)
        );
    }
    page.heading(2, "Federated reconnaissance");
    page.paragraph(&format!(
        "Hendryx et al. (2021): clients share a fixed embedding and send class prototypes (label, count, mean embedding); the server merges them by count-weighted online averaging, p_c ← (N_c p_c + n p) / (N_c + n), with no gradient step, and classifies by the nearest prototype. Embedding: the hidden layer of an MLP 64 → {HIDDEN} → 10 pretrained on digits 0–4 only ({PRETRAIN_EPOCHS} epochs of Adam, lr {PRETRAIN_LR}); the paper meta-trains a 4-block CNN on Omniglot / mini-ImageNet. Mission 1: {CLIENTS} clients report digits 0–4; missions 2–6 each bring one new digit (5, …, 9), spread over {CLIENTS} clients. Test accuracy (%) on every class seen so far and on the mission's new class(es), seeds {seeds:?}, mean ± std."
    ));
    let mut table =
        Table::new(["mission", "classes known", "accuracy, seen classes", "accuracy, new classes", "kB received"]);
    for (m, mission) in missions.iter().enumerate() {
        table.row([
            (m + 1).to_string(),
            (plan[..=m].iter().map(Vec::len).sum::<usize>()).to_string(),
            format!("{:.1}", MeanStd::of(&mission.seen).scaled(100.0)),
            format!("{:.1}", MeanStd::of(&mission.newest).scaled(100.0)),
            format!("{:.1}", mean(&mission.kilobytes)),
        ]);
    }
    page.table(&table);
    page.paragraph("Digits 5–9 were never trained on: their accuracy measures how well an embedding learnt on other classes transfers, which is what federated reconnaissance relies on. Each mission costs only the prototypes (a few kB), against megabytes for FedAvg rounds.");
    baselines_section(page, &plan, &scores, &settings, seeds);
    Ok(())
}

fn cell(values: &[f64]) -> String {
    format!("{:.1}", MeanStd::of(values).scaled(100.0))
}

/// Mean over missions 2.. of the seed means of `field`.
fn later_mean(missions: &[Scores], field: fn(&Scores) -> &[f64]) -> f64 {
    mean(&missions[1..].iter().map(|s| mean(field(s))).collect::<Vec<_>>())
}

/// The baselines against prototype averaging, one table per mission, and the verdict.
fn baselines_section(
    page: &mut ResultsPage,
    plan: &[Vec<usize>],
    scores: &[Vec<Scores>],
    settings: &BaselineSettings,
    seeds: &[u64],
) {
    page.heading(3, "Against the gradient baselines");
    page.paragraph(&format!(
        "The paper's baselines (Hendryx et al. 2021; ml4ai/fed-recon `benchmark/eval_model.py`, `client_server.py`) on the same missions, clients and pretrained MLP: the encoder plus a softmax head over the classes known so far (the pretrained outputs of digits 0–4 kept, an all-zero output appended for each new class) fine-tuned with the engine ({} epochs of Adam, lr {}, batch {}, {} round(s) per mission). FedAvg fine-tuning: every client of the mission fine-tunes from the broadcast model on its mission data and the server averages with weights n_k/n. Lower bound: the mission's first client alone, no communication. Upper bound: joint training on the union of every client's data of every mission so far (digits 0–4 included). Test accuracy (%) on the classes of earlier missions, on the mission's new classes and on all classes seen so far, seeds {seeds:?}, mean ± std; kB exchanged per mission (prototypes: received; FedAvg: broadcasts and updates).",
        settings.epochs, settings.lr, settings.batch_size, settings.rounds
    ));
    for (m, classes) in plan.iter().enumerate() {
        let names: Vec<String> = classes.iter().map(usize::to_string).collect();
        page.paragraph(&format!("Mission {} (new: {}).", m + 1, names.join(", ")));
        let mut table = Table::new([
            "method",
            "accuracy, earlier classes",
            "accuracy, new classes",
            "accuracy, all seen",
            "kB exchanged",
        ]);
        for (name, method) in METHODS.iter().zip(scores) {
            let s = &method[m];
            let kilobytes = format!("{:.1}", mean(&s.kilobytes));
            table.row([name.to_string(), cell(&s.earlier), cell(&s.new), cell(&s.all), kilobytes]);
        }
        page.table(&table);
    }
    let earlier: Vec<f64> = scores.iter().map(|s| later_mean(s, |x| &x.earlier)).collect();
    let new: Vec<f64> = scores.iter().map(|s| later_mean(s, |x| &x.new)).collect();
    let all: Vec<f64> = scores.iter().map(|s| later_mean(s, |x| &x.all)).collect();
    let kilobytes: Vec<f64> = scores.iter().map(|s| later_mean(s, |x| &x.kilobytes)).collect();
    let keeps = earlier[0] > earlier[1];
    let competitive = new[0] >= new[1] - 0.05;
    let fraction = kilobytes[0] / kilobytes[1];
    let holds = |b: bool| if b { "holds" } else { "does not hold" };
    page.paragraph(&format!(
        "Claim (paper): prototype averaging keeps the accuracy of earlier classes where FedAvg fine-tuning forgets, is competitive on the new classes, for a fraction of the bytes. Here, means over missions 2–{} of the seed means: earlier classes {:.1}% (prototypes) against {:.1}% (FedAvg), {:.1}% (lower), {:.1}% (upper) — keeps them better than FedAvg: {}; new classes {:.1}% against {:.1}% (FedAvg), {:.1}% (lower), {:.1}% (upper) — within 5 points of FedAvg or above: {}; all classes seen {:.1}% against {:.1}% (FedAvg), {:.1}% (lower), {:.1}% (upper){}; {:.1} kB against {:.1} kB per mission, {:.2}% of FedAvg's bytes — a fraction: {}.",
        plan.len(),
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
            " (FedAvg's higher new-class accuracy comes with lower earlier-class accuracy: fine-tuned on the mission's data alone, it favours the newest classes)"
        } else {
            ""
        },
        kilobytes[0],
        kilobytes[1],
        100.0 * fraction,
        holds(fraction < 1.0),
    ));
}
