//! The images of a [`ReconBenchmark`](super::ReconBenchmark) run (procedural, base and field
//! classes, test images from a derived seed) and the frozen encoder's test embeddings.

use std::collections::BTreeMap;

use burn::prelude::Device;
use kiln_core::seed::derive_seed;
use kiln_data::procedural::{self, ProceduralConfig};
use kiln_data::{Batcher, ImageBatcher, ImageExample, Normalize};

use super::config::ReconBenchmarkConfig;
use super::embed::{Embed, to_host};
use super::protonet::ProtoNet;
use super::store::PrototypeStore;
use crate::error::{FedError, Result};

/// Seed stream of the test images.
const TEST_STREAM: u64 = 3;

/// The images of a run: base training images, field training images by class, test images
/// of every class, and the normalisation (base training statistics).
pub(crate) struct ReconData {
    pub(crate) base_train: Vec<ImageExample>,
    pub(crate) field_train: BTreeMap<usize, Vec<ImageExample>>,
    pub(crate) test: Vec<ImageExample>,
    pub(crate) normalize: Normalize,
}

impl ReconData {
    /// Training images from the generator seeded by `config.seed`, test images from a derived
    /// seed (so no test image is a training image).
    pub(crate) fn generate(config: &ReconBenchmarkConfig) -> Result<Self> {
        let classes = config.base_classes + config.field_classes;
        let per_class = config.base_train_per_class.max(config.field_train_per_class);
        let train = procedural_images(classes, per_class, config.image_size, config.seed)?;
        let test_seed = derive_seed(config.seed, TEST_STREAM);
        let test = procedural_images(classes, config.test_per_class, config.image_size, test_seed)?;
        let mut counts = vec![0usize; classes];
        let (mut base_train, mut field_train) = (Vec::new(), BTreeMap::<usize, Vec<ImageExample>>::new());
        for item in train {
            let Some(count) = counts.get_mut(item.label) else { continue };
            *count += 1;
            if item.label < config.base_classes {
                if *count <= config.base_train_per_class {
                    base_train.push(item);
                }
            } else if *count <= config.field_train_per_class {
                field_train.entry(item.label).or_default().push(item);
            }
        }
        let normalize = Normalize::fit(&base_train);
        Ok(Self { base_train, field_train, test, normalize })
    }
}

/// `per_class` procedural images of each of `classes` classes (image `i` has label
/// `i mod classes`).
fn procedural_images(classes: usize, per_class: usize, size: usize, seed: u64) -> Result<Vec<ImageExample>> {
    let cfg = ProceduralConfig::new(classes)
        .with_image_size(size)
        .with_num_images(classes.saturating_mul(per_class))
        .with_seed(seed);
    let images = procedural::generate(&cfg).map_err(|e| FedError::file("<procedural images>", e))?;
    Ok(images.iter().map(procedural::PartImage::to_example).collect())
}

/// Embeddings of the test images by class, computed once (the encoder is frozen).
pub(crate) struct Embedded {
    by_class: BTreeMap<usize, Vec<Vec<f32>>>,
}

impl Embedded {
    pub(crate) fn new(
        encoder: &ProtoNet,
        items: &[ImageExample],
        batcher: &ImageBatcher,
        device: &Device,
    ) -> Result<Self> {
        let mut by_class: BTreeMap<usize, Vec<Vec<f32>>> = BTreeMap::new();
        for chunk in items.chunks(256) {
            let (embeddings, targets) = encoder.embed_batch(batcher.batch(chunk, device, None));
            let (rows, labels) = to_host(embeddings, targets)?;
            for (row, label) in rows.into_iter().zip(labels) {
                by_class.entry(label).or_default().push(row);
            }
        }
        Ok(Self { by_class })
    }

    /// Nearest-prototype accuracy of `store` on the test images of `classes`, pooled; `None`
    /// when they have none.
    pub(crate) fn accuracy(&self, store: &PrototypeStore, classes: &[usize]) -> Result<Option<f64>> {
        let (mut correct, mut total) = (0usize, 0usize);
        for class in classes {
            let Some(rows) = self.by_class.get(class) else { continue };
            correct += store.classify(rows)?.iter().filter(|p| **p == Some(*class)).count();
            total += rows.len();
        }
        Ok((total > 0).then(|| correct as f64 / total as f64))
    }
}
