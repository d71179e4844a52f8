//! One training run of a shared classifier on one seed's digits split, as `kiln train` does it:
//! Adam with cosine decay, validation after every epoch, test accuracy at the end.

use burn::prelude::Device;
use kiln_core::nn::{CnnConfig, MlpConfig, ResNetConfig};
use kiln_core::train::{BatchSource, LrSchedule, Phase, TrainModel, TrainPhase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize, Splits, VectorBatcher, digits, split};

/// The shared classifiers of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// MLP on the normalised, flattened images.
    Mlp,
    /// The small CNN.
    Cnn,
    /// The ResNet.
    ResNet,
}

impl Model {
    /// Every model, in the page's order.
    pub const ALL: [Model; 3] = [Model::Mlp, Model::Cnn, Model::ResNet];

    /// Name as `kiln train --model` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mlp => "mlp",
            Self::Cnn => "cnn",
            Self::ResNet => "resnet",
        }
    }

    /// The accuracy the model is expected to reach (%), as the page states it.
    pub fn target(self) -> &'static str {
        match self {
            Self::Mlp => "≥ 95",
            Self::Cnn => "≥ 97",
            Self::ResNet => "–",
        }
    }
}

/// Optimisation settings of every run.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Epochs.
    pub epochs: usize,
    /// Adam's learning rate (cosine decay to 1% of it).
    pub lr: f64,
    /// Batch size of every loader.
    pub batch_size: usize,
}

/// The digits split 70/10/20 by `seed`.
pub fn digits_split(seed: u64) -> kiln_data::Result<Splits<kiln_data::ImageExample>> {
    Ok(split(digits()?, 0.1, 0.2, seed))
}

/// Trains `model` on `seed`'s split and returns its test accuracy in %.
pub fn run(model: Model, schedule: &Schedule, seed: u64, device: &Device) -> Result<f64, Box<dyn std::error::Error>> {
    let data = digits_split(seed)?;
    let norm = Normalize::fit(&data.train);
    let bs = schedule.batch_size;
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    device.seed(seed);
    let accuracy = match model {
        Model::Mlp => {
            let batcher = VectorBatcher::default();
            let (train, valid, test) = (norm.flatten(data.train), norm.flatten(data.valid), norm.flatten(data.test));
            let inputs = train.first().map_or(0, |e| e.features.len());
            fit(
                MlpConfig::new(inputs, 10).init(device),
                &trainer,
                schedule,
                &DataLoader::new(train, batcher.clone(), bs).shuffled(seed),
                &DataLoader::new(valid, batcher.clone(), bs),
                &DataLoader::new(test, batcher, bs),
            )?
        }
        Model::Cnn | Model::ResNet => {
            let batcher = ImageBatcher::new(norm);
            let train = DataLoader::new(data.train, batcher.clone(), bs).shuffled(seed);
            let valid = DataLoader::new(data.valid, batcher.clone(), bs);
            let test = DataLoader::new(data.test, batcher, bs);
            match model {
                Model::Cnn => fit(CnnConfig::new(1, 10).init(device), &trainer, schedule, &train, &valid, &test)?,
                _ => fit(ResNetConfig::new(1, 10).init(device), &trainer, schedule, &train, &valid, &test)?,
            }
        }
    };
    Ok(100.0 * accuracy)
}

/// Fits `model` in one phase and returns its test accuracy in `[0, 1]`.
fn fit<M: TrainModel>(
    model: M,
    trainer: &Trainer,
    schedule: &Schedule,
    train: &dyn BatchSource<M::Batch>,
    valid: &dyn BatchSource<M::Batch>,
    test: &dyn BatchSource<M::Batch>,
) -> kiln_core::Result<f64> {
    let phase = TrainPhase::new(schedule.epochs, schedule.lr).with_schedule(LrSchedule::Cosine { min_factor: 0.01 });
    let (model, _) = trainer.fit(model, &[Phase::train("train", phase)], train, Some(valid))?;
    Ok(trainer.evaluate(&model, test)?.accuracy().unwrap_or(0.0))
}
