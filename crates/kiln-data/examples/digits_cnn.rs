//! The README's library example: a CNN on the embedded digits through the shared engine.

use kiln_core::nn::CnnConfig;
use kiln_core::train::{LrSchedule, Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize, digits, split};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let device = kiln_core::device::select_str(Some("auto"))?;
    let data = split(digits()?, 0.1, 0.2, 0); // train / valid / test, seeded
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let train = DataLoader::new(data.train, batcher.clone(), 64).shuffled(0);
    let valid = DataLoader::new(data.valid, batcher.clone(), 256);
    let test = DataLoader::new(data.test, batcher, 256);

    let model = CnnConfig::for_input(1, 8, 8, 10).init(&device); // as deep as the 8×8 image needs
    let phases =
        [Phase::train("main", TrainPhase::new(30, 3e-3).with_schedule(LrSchedule::Cosine { min_factor: 0.01 }))];
    let trainer = Trainer::new(device).with_run_dir("runs/example").with_progress(true);
    let (model, _report) = trainer.fit(model, &phases, &train, Some(&valid))?;
    let accuracy = trainer.evaluate(&model, &test)?.accuracy();
    println!("test accuracy: {accuracy:?}");
    Ok(())
}
