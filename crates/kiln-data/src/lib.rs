//! # kiln-data
//!
//! Datasets for Kiln: embedded defaults that need no download (the 8×8 handwritten digits and a
//! procedural, part-annotated image set), the standard formats users bring (IDX, ImageFolder,
//! CSV, CUB-200-2011), and the batching that turns items into tensors.
//!
//! Every reader returns a typed [`DataError`] naming the file, the record and what is wrong;
//! malformed input never panics.

pub mod dataset;
pub mod detection;
pub mod digits;
pub mod error;
pub mod formats;
pub mod impute;
pub mod item;
pub mod loader;
pub mod procedural;
pub mod transform;

pub use dataset::{Dataset, Splits, split};
pub use detection::{DetectionExample, DetectionSet, Instance, Mask};
pub use digits::digits;
pub use error::{DataError, Result};
pub use impute::MeanImputer;
pub use item::{Image, ImageExample, VectorExample};
pub use kiln_core::train::{ImageBatch, VectorBatch};
pub use loader::{Batcher, DataLoader, ImageBatcher, VectorBatcher};
pub use transform::{Augment, Normalize};
