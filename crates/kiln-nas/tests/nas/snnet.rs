//! Tests of the DeiT-style ViT (`kiln_nas::vit`), stitch layers (`kiln_nas::stitch`) and SN-Net
//! (`kiln_nas::snnet`).

mod family;
mod learning;
mod stitch;
mod vit;

use kiln_data::{DataLoader, ImageBatch, ImageBatcher, ImageExample, Normalize, digits, split};

/// Digits split 80/20 (seeded), normalised on the training part: `(train, test)` loaders.
pub fn digit_loaders(
    seed: u64,
    batch: usize,
) -> (DataLoader<ImageExample, ImageBatch>, DataLoader<ImageExample, ImageBatch>) {
    let data = split(digits().expect("embedded digits"), 0.0, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    (DataLoader::new(data.train, batcher.clone(), batch).shuffled(seed), DataLoader::new(data.test, batcher, 256))
}
