//! What can go wrong when measuring prototype characteristics.

use kiln_data::DataError;
use thiserror::Error;

/// Errors of [`super::local_importance`] and [`super::global_importance`].
#[derive(Debug, Error)]
pub enum CharacteristicsError {
    /// A modification could not be applied to an image (an image smaller than the texture's
    /// non-local-means window, a channel count the colour modifications do not know).
    #[error("{modification} modification: {source}")]
    Modification {
        /// The modification's name.
        modification: &'static str,
        /// Why (boxed: the data layer's error is large, and this one travels in every `Result`).
        source: Box<DataError>,
    },
    /// The similarity maps could not be read back from the device.
    #[error(transparent)]
    Read(#[from] kiln_core::CoreError),
    /// No images were given.
    #[error("characteristics need at least one image")]
    NoImages,
    /// The images do not all have the same shape (they are measured in batches).
    #[error("images of shape {first:?} and {other:?}: all images must have one shape")]
    ShapeMismatch {
        /// The first image's `[channels, height, width]`.
        first: [usize; 3],
        /// A later image's.
        other: [usize; 3],
    },
    /// A batch of `zero` original images per forward pass.
    #[error("batch_images must be at least 1")]
    EmptyBatch,
}
