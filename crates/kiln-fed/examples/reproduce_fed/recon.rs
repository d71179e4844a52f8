//! Federated reconnaissance on the digits: an MLP pretrained on digits 0–4, then missions in
//! which clients report class prototypes, the first for 0–4 and each later one for one new
//! digit.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_core::nn::MlpConfig;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use kiln_fed::core::{clients_from_shards, split_iid};
use kiln_fed::digits::digit_vectors;
use kiln_fed::fedrecon::Reconnaissance;

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

fn of_classes(items: &[VectorExample], classes: &[usize]) -> Vec<VectorExample> {
    items.iter().filter(|e| classes.contains(&e.label)).cloned().collect()
}

/// Runs the missions for every seed and adds the section to the page.
pub fn section(page: &mut ResultsPage, seeds: &[u64]) -> Result<(), Box<dyn std::error::Error>> {
    let device = Device::flex();
    let plan: Vec<Vec<usize>> = std::iter::once((0..5).collect()).chain((5..10).map(|c| vec![c])).collect();
    let mut missions: Vec<Mission> =
        plan.iter().map(|_| Mission { seen: Vec::new(), newest: Vec::new(), kilobytes: Vec::new() }).collect();
    for &seed in seeds {
        let (train, test) = digit_vectors(seed)?;
        let base = of_classes(&train, &plan[0]);
        device.seed(seed);
        let model = MlpConfig::new(64, 10).with_hidden(vec![HIDDEN]).init(&device);
        let loader = DataLoader::new(base, VectorBatcher::default(), 32).shuffled(seed);
        let phases = [Phase::train("pretrain", TrainPhase::new(PRETRAIN_EPOCHS, PRETRAIN_LR))];
        let (model, _) = Trainer::new(device.clone()).with_seed(seed).fit(model, &phases, &loader, None)?;
        let mut recon = Reconnaissance::new(model, VectorBatcher::default());
        let mut seen = Vec::new();
        for (m, classes) in plan.iter().enumerate() {
            seen.extend(classes.iter().copied());
            let local = of_classes(&train, classes);
            let shards = split_iid(local.len(), CLIENTS, seed + m as u64)?;
            let record = recon.mission(&clients_from_shards(&local, &shards, &device))?;
            missions[m].seen.push(recon.accuracy(&of_classes(&test, &seen), &device)?);
            missions[m].newest.push(recon.accuracy(&of_classes(&test, classes), &device)?);
            missions[m].kilobytes.push(record.bytes_received as f64 / 1e3);
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
    Ok(())
}
