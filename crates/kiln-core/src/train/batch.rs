//! The batch types shared by data loaders and the built-in classifiers.

use burn::prelude::{Int, Tensor};

/// A batch of images and their classes.
#[derive(Debug, Clone)]
pub struct ImageBatch {
    /// `[batch, channels, height, width]`.
    pub images: Tensor<4>,
    /// `[batch]` class indices.
    pub targets: Tensor<1, Int>,
}

/// A batch of feature vectors and their classes.
#[derive(Debug, Clone)]
pub struct VectorBatch {
    /// `[batch, features]`.
    pub features: Tensor<2>,
    /// `[batch]` class indices.
    pub targets: Tensor<1, Int>,
}
