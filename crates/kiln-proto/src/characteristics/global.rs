//! Global importance (`prototype_activation.py`'s `weighted_mean`): per prototype `j` and
//! modification `μ`, over a set `X` of images,
//! `I_{j,μ}(X) = Σ_{x∈X} Δ_{j,μ}(x) · g_j(x) / Σ_{x∈X} g_j(x)`, the local importances weighted
//! by how similar the image's nearest patch is to the prototype, so images where the prototype
//! is present count most. The paper computes it on the training and the test set separately.
//!
//! Deviation: the weights are `max(g_j(x), 0)`. ProtoPNet's log similarity is always positive,
//! so nothing changes for it; ST-ProtoPNet's projections can be negative, and a negative weight
//! would flip a local importance's sign. A prototype whose weights sum to 0 gets importance 0.

use burn::prelude::Device;
use kiln_data::{Image, ImageBatcher};

use super::config::CharacteristicsConfig;
use super::error::CharacteristicsError;
use super::local::{LocalImportance, measure};
use super::maps::SimilarityMaps;
use super::report::{CharacteristicReport, PrototypeCharacteristics, Scope};

/// `Σ_i Δ_i · max(g_i, 0) / Σ_i max(g_i, 0)` (0 when the weights sum to 0).
pub fn weighted_importance(deltas: &[f32], similarities: &[f32]) -> f32 {
    let (num, den) = deltas.iter().zip(similarities).fold((0f64, 0f64), |(num, den), (&d, &g)| {
        let g = f64::from(g.max(0.0));
        (num + f64::from(d) * g, den + g)
    });
    if den > 0.0 { (num / den) as f32 } else { 0.0 }
}

/// The global importance of every modification of `config` for every prototype of `model` over
/// `images` (unnormalised, values in `[0, 1]`, all of one shape).
///
/// # Errors
/// [`CharacteristicsError::NoImages`] for an empty set, [`CharacteristicsError::ShapeMismatch`]
/// for images of different shapes, and those of [`super::local_importance`].
pub fn global_importance<M: SimilarityMaps + ?Sized>(
    model: &M,
    images: &[Image],
    batcher: &ImageBatcher,
    device: &Device,
    config: &CharacteristicsConfig,
) -> Result<CharacteristicReport, CharacteristicsError> {
    let locals = measure(model, images, batcher, device, config)?;
    global_from_local(&locals)
}

/// The global importances of a set whose local importances are `locals` (one per image, all
/// measured with the same modifications).
///
/// # Errors
/// [`CharacteristicsError::NoImages`] when `locals` is empty.
pub fn global_from_local(locals: &[LocalImportance]) -> Result<CharacteristicReport, CharacteristicsError> {
    let first = locals.first().ok_or(CharacteristicsError::NoImages)?;
    let modifications = first.modifications.clone();
    let prototypes = (0..first.similarity.len())
        .map(|j| {
            let similarities: Vec<f32> = locals.iter().map(|l| l.similarity[j]).collect();
            let importance = (0..modifications.len())
                .map(|k| {
                    let deltas: Vec<f32> = locals.iter().map(|l| l.delta[j][k]).collect();
                    weighted_importance(&deltas, &similarities)
                })
                .collect();
            PrototypeCharacteristics { prototype: j, importance }
        })
        .collect();
    Ok(CharacteristicReport { scope: Scope::Set { images: locals.len() }, modifications, prototypes })
}
