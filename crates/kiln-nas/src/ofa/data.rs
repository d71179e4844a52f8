//! The embedded digits as a supernet's data: training (supernet training and BN
//! recalibration), validation (the search objective) and test (reported accuracies).

use kiln_core::train::ImageBatch;
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, digits, split};

/// The digits split of one seed, as loaders.
pub struct NasData {
    /// Training loader (shuffled).
    pub train: DataLoader<ImageExample, ImageBatch>,
    /// Validation loader.
    pub valid: DataLoader<ImageExample, ImageBatch>,
    /// Test loader.
    pub test: DataLoader<ImageExample, ImageBatch>,
}

/// The embedded digits split 70/10/20 by `seed`, normalised by the training statistics;
/// batches of 64 for training (shuffled by `seed`), 256 for validation and test.
pub fn nas_data(seed: u64) -> kiln_data::Result<NasData> {
    let s = split(digits()?, 0.1, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&s.train));
    Ok(NasData {
        train: DataLoader::new(s.train, batcher.clone(), 64).shuffled(seed),
        valid: DataLoader::new(s.valid, batcher.clone(), 256),
        test: DataLoader::new(s.test, batcher, 256),
    })
}
