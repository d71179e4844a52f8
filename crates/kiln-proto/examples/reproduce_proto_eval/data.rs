//! The data of the study: 64-px procedural creatures of 4 classes, split 75/25 by seed, with
//! the part keypoints of the test images.

use kiln_data::procedural::{ClassCue, PartImage, ProceduralConfig, generate};
use kiln_data::{DataLoader, ImageBatch, ImageBatcher, ImageExample, Normalize, split};
use kiln_proto::PushSet;
use kiln_proto::interpretability::PartKeypoints;

/// Image side: feature cells small enough to tell the parts apart (8-px cells on the 8×8 grid).
pub const SIZE: usize = 64;
/// Classes.
pub const CLASSES: usize = 4;

/// One seed's creatures.
pub struct Creatures {
    /// Training images (also the push set).
    pub train: Vec<ImageExample>,
    /// Test images.
    pub test: Vec<ImageExample>,
    /// The part keypoints of `test`, in order.
    pub test_keypoints: Vec<PartKeypoints>,
    /// Normalisation fitted on `train`.
    pub batcher: ImageBatcher,
}

impl Creatures {
    /// `images` creatures whose class is `cue`, split 75/25 by `seed`.
    pub fn new(cue: ClassCue, images: usize, seed: u64) -> kiln_data::Result<Self> {
        let config = ProceduralConfig::new(CLASSES)
            .with_class_cue(cue)
            .with_image_size(SIZE)
            .with_num_images(images)
            .with_seed(seed);
        let s = split(generate(&config)?, 0.0, 0.25, seed);
        let train: Vec<ImageExample> = s.train.iter().map(PartImage::to_example).collect();
        let test = s.test.iter().map(PartImage::to_example).collect();
        let test_keypoints = s.test.iter().map(PartKeypoints::from_part_image).collect();
        let batcher = ImageBatcher::new(Normalize::fit(&train));
        Ok(Self { train, test, test_keypoints, batcher })
    }

    /// The training images as the push set.
    pub fn push_set(&self) -> PushSet {
        PushSet::new(self.train.clone(), self.batcher.clone())
    }

    /// The training loader, batch 32, shuffled by `seed`.
    pub fn loader(&self, seed: u64) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(self.train.clone(), self.batcher.clone(), 32).shuffled(seed)
    }

    /// The test loader.
    pub fn test_loader(&self) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(self.test.clone(), self.batcher.clone(), 128)
    }
}
