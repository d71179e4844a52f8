//! Times one training epoch of kiln-core's CNN (the model of kiln-core's `train_step` bench) on
//! kiln-data's embedded 8×8 digits (1,797 images, batch 64, shuffled, normalised by
//! `Normalize::fit`) through [`Trainer::fit`] and a [`DataLoader`], Adam at 1e-3: the epoch's
//! wall time with the trainer's batch prefetch on (`epoch`: batches built on a worker thread
//! while the step runs) and off (`epoch, no prefetch`), the median of 5 epochs after one
//! warm-up epoch (fewer with a smaller `KILN_BENCH_STEPS`).
//!
//! One JSON object per line, like kiln-core's `train_step` bench, with
//! peak memory. Threads: `RAYON_NUM_THREADS` (flex's pool).

#[path = "../../kiln-core/benches/common/mod.rs"]
mod common;

use common::Reporter;
use kiln_core::device::select_str;
use kiln_core::nn::CnnConfig;
use kiln_core::timing::median;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize};

const BATCH: usize = 64;

fn main() {
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let epochs = common::steps().min(5);
    let digits = kiln_data::digits().expect("the embedded digits decode");
    let batcher = ImageBatcher::new(Normalize::fit(&digits));
    let loader = DataLoader::new(digits, batcher, BATCH).shuffled(0);
    let out = Reporter::new(&device, "cnn-digits");
    let model = CnnConfig::new(1, 10).init(&device);
    for (what, prefetch) in [("epoch", true), ("epoch, no prefetch", false)] {
        let phases = [Phase::train("main", TrainPhase::new(epochs + 1, 1e-3))];
        let trainer = Trainer::new(device.clone()).with_progress(false).with_prefetch(prefetch);
        let (_, report) = trainer.fit(model.clone(), &phases, &loader, None).expect("training on the digits");
        let mut ms: Vec<f64> = report.records.iter().skip(1).map(|r| r.seconds * 1e3).collect();
        out.report(what, BATCH, median(&mut ms));
    }
}
