//! What push works on and what it reports, shared by every prototype network of the crate
//! (ProtoPNet, ST-ProtoPNet): the set of images prototypes are projected onto, and the
//! provenance of each projected prototype.

use std::sync::Arc;

use kiln_data::{ImageBatcher, ImageExample};
use serde::{Deserialize, Serialize};

/// Images per forward pass of a push (the official code's `push_batch_size` is 75 on CUB; 128
/// fits small images on a CPU).
pub const PUSH_BATCH_SIZE: usize = 128;

/// The images prototypes are projected onto (un-augmented, normalised like the training data).
#[derive(Clone)]
pub struct PushSet {
    /// The images, usually the training set.
    pub images: Arc<Vec<ImageExample>>,
    /// Turns images into normalised tensors.
    pub batcher: ImageBatcher,
    /// Images per forward pass.
    pub batch_size: usize,
}

impl PushSet {
    /// A push set over `images`, [`PUSH_BATCH_SIZE`] images per forward pass.
    pub fn new(images: Vec<ImageExample>, batcher: ImageBatcher) -> Self {
        Self::with_batch_size(images, batcher, PUSH_BATCH_SIZE)
    }

    /// A push set over `images` with `batch_size` images per forward pass (at least 1).
    pub fn with_batch_size(images: Vec<ImageExample>, batcher: ImageBatcher, batch_size: usize) -> Self {
        Self { images: Arc::new(images), batcher, batch_size: batch_size.max(1) }
    }
}

/// Where a prototype came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrototypeSource {
    /// Prototype index.
    pub prototype: usize,
    /// Its class.
    pub class: usize,
    /// Index of the source image in the push set (`None`: no image of its class was seen).
    pub image_index: Option<usize>,
    /// Patch position `(row, column)` in the latent grid.
    pub patch: (usize, usize),
    /// Latent grid size `(H, W)`.
    pub grid: (usize, usize),
    /// How close the prototype was to that patch before it was replaced: the squared distance
    /// for ProtoPNet (lower is closer), the projection similarity for ST-ProtoPNet (higher is
    /// closer).
    pub score: f32,
    /// The patch's receptive field in the input image, `(y0, x0, y1, x1)` inclusive.
    pub receptive_field: (usize, usize, usize, usize),
}

/// The result of a push: one source per prototype.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushReport {
    /// Sources, indexed by prototype.
    pub sources: Vec<PrototypeSource>,
}
