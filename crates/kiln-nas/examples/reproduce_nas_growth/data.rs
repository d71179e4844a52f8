//! The data of one seed: 32-px procedural images of 10 classes (full run) or the embedded 8×8
//! digits (`--quick`), split 70/10/20 by the seed and normalised on the training part.

use kiln_core::train::ImageBatch;
use kiln_data::procedural::{ProceduralConfig, generate};
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, digits, split};

/// Images generated for the full run (balanced over the 10 classes).
pub const PROCEDURAL_IMAGES: usize = 2000;

/// The loaders and raw examples of one seed.
pub struct Data {
    /// Training loader (shuffled by the seed, batches of 64).
    pub train: DataLoader<ImageExample, ImageBatch>,
    /// Validation loader (batches of 256).
    pub valid: DataLoader<ImageExample, ImageBatch>,
    /// Test loader (batches of 256).
    pub test: DataLoader<ImageExample, ImageBatch>,
    /// The training examples (for per-task subsets).
    pub train_examples: Vec<ImageExample>,
    /// The test examples.
    pub test_examples: Vec<ImageExample>,
    /// The normaliser fitted on the training part.
    pub batcher: ImageBatcher,
    /// Image side in pixels.
    pub size: usize,
    /// Image channels.
    pub channels: usize,
}

impl Data {
    /// The split of `seed`: digits when `quick`, else procedural images.
    pub fn load(quick: bool, seed: u64) -> kiln_data::Result<Self> {
        let (examples, size) = if quick {
            (digits()?, 8)
        } else {
            let cfg = ProceduralConfig::new(10).with_image_size(32).with_num_images(PROCEDURAL_IMAGES).with_seed(seed);
            (generate(&cfg)?.iter().map(|p| p.to_example()).collect(), 32)
        };
        let channels = examples.first().map_or(1, |e| e.image.channels);
        let s = split(examples, 0.1, 0.2, seed);
        let batcher = ImageBatcher::new(Normalize::fit(&s.train));
        Ok(Self {
            train: DataLoader::new(s.train.clone(), batcher.clone(), 64).shuffled(seed),
            valid: DataLoader::new(s.valid, batcher.clone(), 256),
            test: DataLoader::new(s.test.clone(), batcher.clone(), 256),
            train_examples: s.train,
            test_examples: s.test,
            batcher,
            size,
            channels,
        })
    }

    /// A shuffled training loader and a test loader over `train` and `test` examples.
    pub fn loaders(
        &self,
        train: Vec<ImageExample>,
        test: Vec<ImageExample>,
        seed: u64,
    ) -> (DataLoader<ImageExample, ImageBatch>, DataLoader<ImageExample, ImageBatch>) {
        (
            DataLoader::new(train, self.batcher.clone(), 32).shuffled(seed),
            DataLoader::new(test, self.batcher.clone(), 256),
        )
    }
}
