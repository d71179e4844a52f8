//! `cargo xtask reproduce digits` runs this: the shared classifiers of kiln-core (MLP, CNN,
//! ResNet) on the embedded 8×8 digits, several seeds, through the library as `kiln train`
//! trains them; writes `docs/results/digits.md`.
//!
//! Usage: `cargo xtask reproduce digits [--quick] [--seeds N | --seeds A,B,...]`

mod train;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, MeanStd, ResultsPage, Table, list_cell};

use train::{Model, Schedule, digits_split, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let schedule = Schedule { epochs: if args.quick { 5 } else { 30 }, lr: 3e-3, batch_size: 64 };
    let device = Device::flex();
    let mut page = ResultsPage::new(&args, "digits", "Foundation: shared models on the embedded 8×8 digits");
    let seed_list = seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    let mut table = Table::new([
        "model".to_string(),
        "target".to_string(),
        "test accuracy, mean ± std (%)".to_string(),
        format!("per seed ({seed_list})"),
    ]);
    for model in Model::ALL {
        let mut accuracies = Vec::new();
        for &seed in &seeds {
            let accuracy = run(model, &schedule, seed, &device)?;
            eprintln!("{} seed {seed}: {accuracy:.2}% ({:.0}s)", model.name(), page.elapsed_secs());
            accuracies.push(accuracy);
        }
        table.row([
            model.name().to_string(),
            model.target().to_string(),
            format!("{:.2}", MeanStd::of(&accuracies)),
            list_cell(&accuracies, 2),
        ]);
    }
    let test_images = digits_split(seeds.first().copied().unwrap_or(0))?.test.len();
    page.paragraph(&format!(
        "Split: 70% train / 10% validation / 20% held-out test ({test_images} images), seeded per run; {} epochs of Adam, lr {:e} with cosine decay, batch {}.",
        schedule.epochs, schedule.lr, schedule.batch_size
    ));
    page.table(&table);
    page.write("flex")?;
    Ok(())
}
