//! [`PrototypeClasses`]: what the part metrics need of a prototype model beyond its
//! similarity maps ([`SimilarityMaps`], shared with [`crate::characteristics`]): the class of
//! every map's prototype, for ProtoPNet, ST-ProtoPNet and EvalProtoPNet; and one pass of a
//! model over annotated test images.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::seed::derive_seed;
use kiln_core::tensor::try_to_vec;
use kiln_data::Batcher;

use super::part_hits::PartHits;
use super::region::{ActivatedRegion, half_size, peak, random_peak};
use super::{AnnotatedImages, InterpretabilityConfig, InterpretabilityError};
use crate::characteristics::SimilarityMaps;
use crate::prob_psenn::noise::standard_normal;
use crate::{EvalProtoPNet, ProtoPNet, StProtoPNet};

/// A prototype model whose similarity maps can be scored against object parts: each map's
/// prototype belongs to a class, and an image is scored on its true class's prototypes.
pub trait PrototypeClasses: SimilarityMaps {
    /// The class of every prototype, in the order of
    /// [`similarity_maps`](SimilarityMaps::similarity_maps).
    fn prototype_classes(&self) -> Vec<usize>;
}

impl PrototypeClasses for ProtoPNet {
    fn prototype_classes(&self) -> Vec<usize> {
        ProtoPNet::prototype_classes(self)
    }
}

/// Trivial prototypes, then support prototypes, each set in class order.
impl PrototypeClasses for StProtoPNet {
    fn prototype_classes(&self) -> Vec<usize> {
        StProtoPNet::prototype_classes(self).repeat(2)
    }
}

impl PrototypeClasses for EvalProtoPNet {
    fn prototype_classes(&self) -> Vec<usize> {
        EvalProtoPNet::prototype_classes(self)
    }
}

/// EvalProtoPNet's activation maps, the projection `⟨z, p/‖p‖⟩` (`push_forward`).
impl SimilarityMaps for EvalProtoPNet {
    fn similarity_maps(&self, images: Tensor<4>) -> Tensor<4> {
        self.activation_maps(images)
    }
}

/// The part hits of one pass over the test images: the model's, and chance's (a random pixel
/// as every peak).
pub(super) struct Pass {
    pub model: PartHits,
    pub chance: PartHits,
}

/// `N(0, σ²)` noise clipped to `±clip` (`perturb_img`), drawn on the host from `seed`.
fn clipped_noise(seed: u64, shape: [usize; 4], std: f32, clip: f32, device: &Device) -> Tensor<4> {
    let values = standard_normal(seed, shape.iter().product())
        .into_iter()
        .map(|z| (z * std).clamp(-clip, clip))
        .collect::<Vec<f32>>();
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// Runs `model` over `data` (with clipped Gaussian noise on the normalised input, drawn from
/// `noise_seed`, when given) and records every prototype's part hits; chance draws its peaks
/// from `chance_seed`.
pub(super) fn scan<M: PrototypeClasses + ?Sized>(
    model: &M,
    data: &AnnotatedImages<'_>,
    config: &InterpretabilityConfig,
    device: &Device,
    noise_seed: Option<u64>,
    chance_seed: u64,
) -> Result<Pass, InterpretabilityError> {
    let classes = model.prototype_classes();
    let mut pass = Pass { model: PartHits::new(classes.clone()), chance: PartHits::new(classes.clone()) };
    let batch_size = config.batch_size.max(1);
    for (chunk_index, chunk) in data.images.chunks(batch_size).enumerate() {
        let mut images = data.batcher.batch(chunk, device, None).images;
        if let Some(seed) = noise_seed {
            let noise = derive_seed(seed, chunk_index as u64);
            images = images.clone() + clipped_noise(noise, images.dims(), config.noise_std, config.noise_clip, device);
        }
        let maps = model.similarity_maps(images);
        let [_, prototypes, h, w] = maps.dims();
        if prototypes != classes.len() {
            return Err(InterpretabilityError::MapCount { maps: prototypes, prototypes: classes.len() });
        }
        let host = try_to_vec(maps)?;
        for (k, example) in chunk.iter().enumerate() {
            let index = chunk_index * batch_size + k;
            let (height, width) = (example.image.height, example.image.width);
            let half = half_size(height, width, config.half_size_at_224);
            let keypoints = &data.keypoints[index];
            let region = |at| ActivatedRegion::around(at, half, height, width);
            pass.model.record(example.label, keypoints, |j| {
                let start = (k * prototypes + j) * h * w;
                region(peak(&host[start..start + h * w], (h, w), height, width))
            });
            pass.chance.record(example.label, keypoints, |j| {
                region(random_peak(chance_seed, (index * prototypes + j) as u64, height, width))
            });
        }
    }
    Ok(pass)
}
