//! Local importance (`prototype_activation.py`'s `forward_get_patch_index` and
//! `forward_particular_patch`): for one image `x`, each prototype `j` and each modification `μ`,
//! `Δ_{j,μ}(x) = g_j(x)[p*_j] − g_j(μ(x))[p*_j]` with `p*_j = argmax_p g_j(x)[p]`, the
//! prototype's nearest patch on the *original* image; the modified image's similarity is read at
//! that same position, not re-maximised. Positive: the modification makes the patch less like
//! the prototype, so the prototype relies on the characteristic the modification changes.

use burn::prelude::Device;
use kiln_core::tensor::try_to_vec;
use kiln_data::transform::Modification;
use kiln_data::{Batcher, Image, ImageBatcher, ImageExample};
use serde::{Deserialize, Serialize};

use super::config::CharacteristicsConfig;
use super::error::CharacteristicsError;
use super::maps::SimilarityMaps;

/// One image's local importances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalImportance {
    /// The modifications, the columns of `delta`.
    pub modifications: Vec<Modification>,
    /// Per prototype, its nearest patch `(row, column)` in the latent grid of the original image.
    pub patch: Vec<(usize, usize)>,
    /// Per prototype, its similarity `g_j(x)` there.
    pub similarity: Vec<f32>,
    /// Per prototype and modification, `Δ = g_orig − g_mod` at that patch.
    pub delta: Vec<Vec<f32>>,
}

/// The local importance of every modification of `config` for every prototype of `model` on
/// `image` (unnormalised, values in `[0, 1]`; `batcher` normalises it as in training).
///
/// # Errors
/// [`CharacteristicsError::Modification`] when a modification does not apply to the image (too
/// small for the texture's window, an unknown channel count); [`CharacteristicsError::Read`]
/// when the maps cannot be read back.
pub fn local_importance<M: SimilarityMaps + ?Sized>(
    model: &M,
    image: &Image,
    batcher: &ImageBatcher,
    device: &Device,
    config: &CharacteristicsConfig,
) -> Result<LocalImportance, CharacteristicsError> {
    let mut all = measure(model, std::slice::from_ref(image), batcher, device, config)?;
    all.pop().ok_or(CharacteristicsError::NoImages)
}

/// The local importances of every image, in order, measured `config.batch_images` originals
/// (with their modified copies) per forward pass.
pub(super) fn measure<M: SimilarityMaps + ?Sized>(
    model: &M,
    images: &[Image],
    batcher: &ImageBatcher,
    device: &Device,
    config: &CharacteristicsConfig,
) -> Result<Vec<LocalImportance>, CharacteristicsError> {
    let first = images.first().ok_or(CharacteristicsError::NoImages)?.shape();
    if let Some(other) = images.iter().map(Image::shape).find(|s| *s != first) {
        return Err(CharacteristicsError::ShapeMismatch { first, other });
    }
    if config.batch_images == 0 {
        return Err(CharacteristicsError::EmptyBatch);
    }
    let mut out = Vec::with_capacity(images.len());
    for chunk in images.chunks(config.batch_images) {
        let variants = with_modified_copies(chunk, &config.modifications)?;
        let batch = batcher.batch(&variants, device, None).images;
        let maps = model.similarity_maps(batch);
        let [_, m, h, w] = maps.dims();
        let maps = try_to_vec(maps)?;
        let per_image = (config.modifications.len() + 1) * m * h * w;
        out.extend(maps.chunks(per_image).map(|maps| deltas(maps, m, (h, w), &config.modifications)));
    }
    Ok(out)
}

/// Every image followed by its modified copies, in the order of `modifications`.
fn with_modified_copies(
    images: &[Image],
    modifications: &[Modification],
) -> Result<Vec<ImageExample>, CharacteristicsError> {
    let mut out = Vec::with_capacity(images.len() * (modifications.len() + 1));
    for image in images {
        out.push(ImageExample { image: image.clone(), label: 0 });
        for modification in modifications {
            let modified = modification.apply(image).map_err(|source| CharacteristicsError::Modification {
                modification: modification.name(),
                source: Box::new(source),
            })?;
            out.push(ImageExample { image: modified, label: 0 });
        }
    }
    Ok(out)
}

/// The local importances from one image's maps: the original's `[m, H, W]` followed by each
/// modified copy's.
fn deltas(maps: &[f32], m: usize, (h, w): (usize, usize), modifications: &[Modification]) -> LocalImportance {
    let plane = h * w;
    let map = |variant: usize, j: usize| &maps[(variant * m + j) * plane..(variant * m + j + 1) * plane];
    let mut patch = Vec::with_capacity(m);
    let mut similarity = Vec::with_capacity(m);
    let mut delta = Vec::with_capacity(m);
    for j in 0..m {
        let best = kiln_core::metrics::argmax(map(0, j));
        let original = map(0, j)[best];
        patch.push((best / w.max(1), best % w.max(1)));
        similarity.push(original);
        delta.push((1..=modifications.len()).map(|k| original - map(k, j)[best]).collect());
    }
    LocalImportance { modifications: modifications.to_vec(), patch, similarity, delta }
}
