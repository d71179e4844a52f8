//! The transfer task: procedural 32-px images of 24 classes (`kiln_data::procedural`); a
//! backbone is pretrained on classes 0–11 and transferred to classes 12–23, relabelled 0–11;
//! a second target is the embedded 8×8 digits, resized to 32 px and repeated over 3 channels.

use burn::prelude::Device;
use kiln_core::nn::{ResNet, ResNetConfig};
use kiln_core::train::{ImageBatch, Phase, TrainPhase, Trainer};
use kiln_data::procedural::{ProceduralConfig, generate};
use kiln_data::transform::to_shape;
use kiln_data::{DataLoader, Image, ImageBatcher, ImageExample, Normalize, digits, split};

use crate::error::{EfficientError, Result};

/// Classes of the whole procedural set.
pub const TOTAL_CLASSES: usize = 24;
/// Classes of the source task (0–11) and of the target task (12–23).
pub const TASK_CLASSES: usize = 12;
/// Image side in pixels.
pub const IMAGE_SIZE: usize = 32;
/// Input shape `[channels, height, width]`.
pub const INPUT: [usize; 3] = [3, IMAGE_SIZE, IMAGE_SIZE];

/// Sizes of the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskConfig {
    /// Training images per class (source and target).
    pub train_per_class: usize,
    /// Test images per target class.
    pub test_per_class: usize,
    /// Seed of the generator (the test set uses another).
    pub seed: u64,
}

/// The source and target data, normalised with the source's statistics.
pub struct TransferTask {
    /// Classes 0–11, for pretraining.
    pub source: Vec<ImageExample>,
    /// Classes 12–23 relabelled 0–11, for transfer training.
    pub target_train: Vec<ImageExample>,
    /// Classes 12–23 relabelled 0–11, held out.
    pub target_test: Vec<ImageExample>,
    /// Channel statistics of the source images.
    pub normalize: Normalize,
}

fn split_by_task(images: Vec<ImageExample>) -> (Vec<ImageExample>, Vec<ImageExample>) {
    let (source, target): (Vec<_>, Vec<_>) = images.into_iter().partition(|e| e.label < TASK_CLASSES);
    let target = target.into_iter().map(|e| ImageExample { label: e.label - TASK_CLASSES, ..e }).collect();
    (source, target)
}

fn procedural(per_class: usize, seed: u64) -> Result<Vec<ImageExample>> {
    let cfg = ProceduralConfig::new(TOTAL_CLASSES)
        .with_image_size(IMAGE_SIZE)
        .with_num_images(per_class * TOTAL_CLASSES)
        .with_seed(seed);
    Ok(generate(&cfg)?.iter().map(|p| p.to_example()).collect())
}

impl TransferTask {
    /// Generates the task.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] for zero images per class; generator errors.
    pub fn generate(config: TaskConfig) -> Result<Self> {
        if config.train_per_class == 0 || config.test_per_class == 0 {
            return Err(EfficientError::config(
                "images per class",
                format!("{}/{}", config.train_per_class, config.test_per_class),
                "train and test need at least one image per class",
            ));
        }
        let (source, target_train) = split_by_task(procedural(config.train_per_class, config.seed)?);
        let (_, target_test) = split_by_task(procedural(config.test_per_class, config.seed ^ 0x7E57)?);
        let normalize = Normalize::fit(&source);
        Ok(Self { source, target_train, target_test, normalize })
    }

    /// The digits target: `train` and `test` digits (10 classes) drawn by `seed` from the 1,797
    /// embedded ones, resized to 32 × 32 by area and repeated over 3 channels; normalised with
    /// their own training statistics. `source` is empty: pretrain on a procedural task.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] when `train + test` exceeds the digits or either is 0.
    pub fn digits(train: usize, test: usize, seed: u64) -> Result<Self> {
        let all = digits()?;
        if train == 0 || test == 0 || train + test > all.len() {
            return Err(EfficientError::config(
                "digits train/test",
                format!("{train}/{test}"),
                format!("both positive, at most {} together", all.len()),
            ));
        }
        let fraction = test as f64 / all.len() as f64;
        let splits = split(all, 0.0, fraction, seed);
        let rgb = |e: &ImageExample| -> Result<ImageExample> {
            let grey = to_shape(&e.image, [1, IMAGE_SIZE, IMAGE_SIZE])?;
            let pixels = grey.pixels.repeat(3);
            Ok(ImageExample {
                image: Image { channels: 3, height: IMAGE_SIZE, width: IMAGE_SIZE, pixels },
                label: e.label,
            })
        };
        let target_train = splits.train.iter().take(train).map(rgb).collect::<Result<Vec<_>>>()?;
        let target_test = splits.test.iter().map(rgb).collect::<Result<Vec<_>>>()?;
        let normalize = Normalize::fit(&target_train);
        Ok(Self { source: Vec::new(), target_train, target_test, normalize })
    }

    /// A shuffled training loader over `items`.
    pub fn train_loader(
        &self,
        items: &[ImageExample],
        batch: usize,
        seed: u64,
    ) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(items.to_vec(), ImageBatcher::new(self.normalize.clone()), batch).shuffled(seed).drop_last(true)
    }

    /// An in-order evaluation loader over `items`.
    pub fn test_loader(&self, items: &[ImageExample], batch: usize) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(items.to_vec(), ImageBatcher::new(self.normalize.clone()), batch)
    }
}

/// The backbone of the experiments: a 4-stage ResNet (one basic block per stage, base width
/// `base_width`), stages of 32, 16, 8 and 4 px on 32-px images.
pub fn backbone_config(base_width: usize) -> ResNetConfig {
    ResNetConfig::new(3, TASK_CLASSES).with_blocks(vec![1, 1, 1, 1]).with_base_width(base_width)
}

/// Pretrains a [`backbone_config`] ResNet on the source classes: `epochs` of Adam at 1e-3.
/// Returns it in inference mode.
///
/// # Errors
/// From the engine.
pub fn pretrain(
    task: &TransferTask,
    base_width: usize,
    epochs: usize,
    batch: usize,
    seed: u64,
    device: &Device,
) -> Result<ResNet> {
    let model = backbone_config(base_width).init(device);
    let loader = task.train_loader(&task.source, batch, seed);
    let phase = Phase::train("pretrain", TrainPhase::new(epochs, 1e-3));
    let (model, _) = Trainer::new(device.clone()).with_seed(seed).fit(model, &[phase], &loader, None)?;
    Ok(model)
}
