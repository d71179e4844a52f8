//! `kiln explain --characteristics`: what the explained prototypes' similarity rests on (hue,
//! saturation, contrast, brightness, texture, shape; Nauta et al. 2021,
//! [`kiln_proto::characteristics`]): the local importances on the explained image and the global
//! importances over the run's test split (its first [`GLOBAL_IMAGES`] images), with the paper's
//! modifications and the warp scaled to the image (`CharacteristicsConfig::small`).

use burn::prelude::Device;
use kiln_data::{Image, ImageBatcher, ImageExample};
use kiln_proto::characteristics::{
    CharacteristicReport, CharacteristicsConfig, SimilarityMaps, global_importance, local_importance,
};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// At most this many test images go into the global importances.
pub const GLOBAL_IMAGES: usize = 200;

/// A `kiln explain --characteristics` that does not fit the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharacteristicsFlagError {
    /// The run's model has no prototypes whose similarity could be measured.
    #[error("--characteristics: model `{model}` has no prototypes to measure; runs of {prototype_models} have")]
    NoPrototypes {
        /// The run's model.
        model: String,
        /// The models that explain themselves with prototypes, comma separated.
        prototype_models: String,
    },
}

/// The error of `--characteristics` on a run of `model`.
pub fn no_prototypes(model: &str) -> CharacteristicsFlagError {
    CharacteristicsFlagError::NoPrototypes {
        model: model.to_string(),
        prototype_models: super::names(|m| m.has_prototypes() && m.explainer().is_some()),
    }
}

/// The characteristics of every prototype, on the explained image and over the test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Characteristics {
    /// Local importances on the explained image.
    pub local: CharacteristicReport,
    /// Global importances over the test split's first [`GLOBAL_IMAGES`] images.
    pub global: CharacteristicReport,
}

impl Characteristics {
    /// The note beside `prototype` in the explanation PNG: its global line
    /// (`prototype 7: hue 0.91, shape 0.12, ...`), then its local importances on this image.
    pub fn note(&self, prototype: usize) -> Option<String> {
        let global = self.global.line(prototype)?;
        let local = self.local.items(prototype)?;
        Some(format!("{global}\nthis image: {local}"))
    }
}

/// Measures the characteristics of `model`'s prototypes on `image` and over `test` (normalised
/// by `batcher`, as in training).
///
/// # Errors
/// [`crate::error::CliError::Characteristics`] when a modification does not apply (an image
/// smaller than the texture's 21-pixel window names its size) or the maps cannot be read.
pub fn measure(
    model: &dyn SimilarityMaps,
    image: &Image,
    test: &[ImageExample],
    batcher: &ImageBatcher,
    device: &Device,
) -> Result<Characteristics> {
    let config = CharacteristicsConfig::small(image.height.max(image.width));
    let local = CharacteristicReport::local(&local_importance(model, image, batcher, device, &config)?);
    let images: Vec<Image> = test.iter().take(GLOBAL_IMAGES).map(|e| e.image.clone()).collect();
    let global = global_importance(model, &images, batcher, device, &config)?;
    Ok(Characteristics { local, global })
}
