//! Trains a TabPFN on the synthetic prior with the kiln-core engine (progress, checkpoints,
//! resume) and writes the weights as a burnpack file.
//!
//! ```text
//! RAYON_NUM_THREADS=1 cargo run --release -p kiln-tabular --example train_tabpfn -- \
//!     [CONFIG.json] [--run-dir runs/tabpfn] [--out crates/kiln-tabular/weights/tabpfn-small.bpk] \
//!     [--resume] [--halt-after-epochs N]
//! ```
//! Defaults: `crates/kiln-tabular/configs/tabpfn-small.json`, `runs/tabpfn`. Next to the weights
//! it writes `<out>.json` with the config, steps, wall time and the last epoch's loss.

use std::time::Instant;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_tabular::tabpfn::train::TrainConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut config_path = "crates/kiln-tabular/configs/tabpfn-small.json".to_string();
    let mut run_dir = "runs/tabpfn".to_string();
    let mut out = "crates/kiln-tabular/weights/tabpfn-small.bpk".to_string();
    let (mut resume, mut halt) = (false, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--run-dir" => run_dir = args.next().ok_or("--run-dir needs a value")?,
            "--out" => out = args.next().ok_or("--out needs a value")?,
            "--resume" => resume = true,
            "--halt-after-epochs" => halt = Some(args.next().ok_or("--halt-after-epochs needs a value")?.parse()?),
            other => config_path = other.to_string(),
        }
    }
    let config: TrainConfig = serde_json::from_str(&std::fs::read_to_string(&config_path)?)?;
    config.validate()?;
    let device = kiln_core::device::select_str(None).unwrap_or_else(|_| Device::flex());
    device.seed(config.seed);
    let model = config.model.init(&device);
    eprintln!("TabPFN with {} parameters, config {config_path}", model.num_params());

    let mut trainer =
        Trainer::new(device).with_run_dir(&run_dir).with_seed(config.seed).with_progress(true).with_resume(resume);
    if let Some(h) = halt {
        trainer = trainer.with_halt_after_epochs(h);
    }
    let start = Instant::now();
    let (model, report) = trainer.fit(model, &config.phases(), &config.batches(), None)?;
    let seconds = start.elapsed().as_secs_f64();
    if !report.completed {
        eprintln!("halted after {} steps; resume with --resume", report.global_step);
        return Ok(());
    }
    model.clone().save_file(&out)?;
    let last = report.records.last().map(|r| r.train.clone()).unwrap_or_default();
    let summary = serde_json::json!({
        "config": config,
        "steps": report.global_step,
        "seconds_this_call": seconds,
        "seconds_all_epochs": report.records.iter().map(|r| r.seconds).sum::<f64>(),
        "last_epoch": last,
        "parameters": model.num_params(),
        "threads": std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    });
    std::fs::write(format!("{out}.json"), serde_json::to_string_pretty(&summary)?)?;
    eprintln!("wrote {out} after {} steps in {seconds:.0} s", report.global_step);
    Ok(())
}
