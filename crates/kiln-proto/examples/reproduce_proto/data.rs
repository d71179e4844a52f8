//! The two data sets of the proto experiment: procedural part-annotated images and the
//! embedded digits, each split 80/20 by seed.

use kiln_data::procedural::{PartImage, ProceduralConfig, generate};
use kiln_data::{DataLoader, ImageBatch, ImageBatcher, ImageExample, Normalize, digits, split};
use kiln_proto::PushSet;

/// Size of the procedural set.
#[derive(Debug, Clone, Copy)]
pub struct ProceduralSize {
    /// Classes (head shape × wing colour).
    pub classes: usize,
    /// Side of the images.
    pub image_size: usize,
    /// Number of images (80% train, 20% test).
    pub images: usize,
}

impl Default for ProceduralSize {
    fn default() -> Self {
        Self { classes: 6, image_size: 32, images: 1800 }
    }
}

/// A dataset ready for the experiment.
pub struct ExperimentData {
    /// Name.
    pub name: &'static str,
    /// Training images (also the push set).
    pub train: Vec<ImageExample>,
    /// Test images.
    pub test: Vec<ImageExample>,
    /// Normalising batcher.
    pub batcher: ImageBatcher,
    /// Input channels.
    pub channels: usize,
    /// Classes.
    pub classes: usize,
}

impl ExperimentData {
    /// The training images as the push set.
    pub fn push_set(&self) -> PushSet {
        PushSet::new(self.train.clone(), self.batcher.clone())
    }

    /// The training loader, shuffled by `seed`.
    pub fn loader(&self, seed: u64) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(self.train.clone(), self.batcher.clone(), 64).shuffled(seed)
    }

    /// The test loader.
    pub fn test_loader(&self) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(self.test.clone(), self.batcher.clone(), 256)
    }
}

/// The procedural set of `size`, generated and split 80/20 by `seed`.
pub fn procedural_data(size: &ProceduralSize, seed: u64) -> kiln_data::Result<ExperimentData> {
    let cfg = ProceduralConfig::new(size.classes)
        .with_image_size(size.image_size)
        .with_num_images(size.images)
        .with_seed(seed);
    let s = split(generate(&cfg)?, 0.0, 0.2, seed);
    let train: Vec<ImageExample> = s.train.iter().map(PartImage::to_example).collect();
    let test = s.test.iter().map(PartImage::to_example).collect();
    let batcher = ImageBatcher::new(Normalize::fit(&train));
    Ok(ExperimentData { name: "procedural", train, test, batcher, channels: 3, classes: size.classes })
}

/// The embedded digits, split 80/20 by `seed`.
pub fn digits_data(seed: u64) -> kiln_data::Result<ExperimentData> {
    let s = split(digits()?, 0.0, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&s.train));
    Ok(ExperimentData { name: "digits", train: s.train, test: s.test, batcher, channels: 1, classes: 10 })
}
