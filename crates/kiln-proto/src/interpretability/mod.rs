//! Interpretability of part-prototype networks: the consistency and stability scores of
//! Huang, Zhang, Chen, Wang, Cao ("Evaluation and Improvement of Interpretability for
//! Self-Explainable Part-Prototype Networks", ICCV 2023; hqhQAQ/EvalProtoPNet,
//! `util/eval_interpretability.py`), for any model that shows its similarity maps and the
//! classes of its prototypes ([`PrototypeClasses`]: ProtoPNet, ST-ProtoPNet, EvalProtoPNet), on
//! test images with annotated part keypoints ([`PartKeypoints`]: procedural creatures or
//! CUB-200-2011).
//!
//! For a test image `x` of class `y` and a prototype `j` of class `y`, the activated region is
//! a box of half-size 36 px (at 224 px; scaled with the image, 10 px at 64 px) around the first
//! maximum of `j`'s activation map upsampled bicubically to the image ([`region`]); `j` hits
//! part `p` on `x` when `p` is visible and its keypoint lies in the box: `o_j(x) ∈ {0, 1}^P`.
//!
//! - **Consistency**: with `X_y` the test images of `j`'s class and `v_p(x)` the visibility of
//!   part `p`, `j` is consistent when `max_p Σ_{x ∈ X_y} o_jp(x) / Σ_{x ∈ X_y} v_p(x) ≥ 0.8`;
//!   the score is the percentage of consistent prototypes.
//! - **Stability**: the hit vectors again with noise `ε ~ N(0, 0.2²)` clipped to `±0.25` added
//!   to the normalised input: `stab_j = (1/|X_y|) Σ_{x ∈ X_y} [o_j(x) = o_j(x + ε)]`; the score
//!   is `100 · mean_j stab_j`.
//!
//! Each score comes with its **chance level** ([`Score::chance`]): the same computation with a
//! seeded random pixel of the image in place of every maximum (drawn independently for the
//! clean and the noisy pass), so a score can be read against what a prototype that looks
//! anywhere would get.
//!
//! Deviations: the noise is drawn on the host from the configuration's seed (same values on
//! every backend); prototypes whose class has no test image are left out of the stability mean
//! (the official mean would be NaN) and count as inconsistent (as officially).

mod activations;
mod keypoints;
mod part_hits;
pub mod region;

use burn::prelude::Device;
use kiln_core::seed::derive_seed;
use kiln_data::{ImageBatcher, ImageExample};
use serde::{Deserialize, Serialize};

pub use activations::PrototypeClasses;
pub use keypoints::PartKeypoints;
pub use part_hits::{PartHits, PrototypeParts};
pub use region::ActivatedRegion;

/// The settings of the evaluation; [`Default`] is the official one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterpretabilityConfig {
    /// Half-size of the activated region at 224 px (official: 36).
    pub half_size_at_224: f64,
    /// Hit frequency that makes a prototype consistent (official: 0.8).
    pub part_threshold: f64,
    /// Standard deviation of the stability noise on the normalised input (official: 0.2).
    pub noise_std: f32,
    /// Clip of that noise (official: 0.25).
    pub noise_clip: f32,
    /// Seed of the noise and of the chance level's random pixels.
    pub seed: u64,
    /// Test images per batch.
    pub batch_size: usize,
}

impl Default for InterpretabilityConfig {
    fn default() -> Self {
        Self { half_size_at_224: 36.0, part_threshold: 0.8, noise_std: 0.2, noise_clip: 0.25, seed: 0, batch_size: 64 }
    }
}

impl InterpretabilityConfig {
    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the standard deviation of the stability noise.
    pub fn with_noise_std(mut self, std: f32) -> Self {
        self.noise_std = std;
        self
    }

    /// Seeds of the noise, the clean pass's random pixels and the noisy pass's.
    fn seeds(&self) -> (u64, u64, u64) {
        (derive_seed(self.seed, 1), derive_seed(self.seed, 2), derive_seed(self.seed, 3))
    }
}

/// What can make the evaluation impossible.
#[derive(Debug, thiserror::Error)]
pub enum InterpretabilityError {
    /// Images and annotations do not pair up.
    #[error("{images} test images but {keypoints} part annotations")]
    Mismatch {
        /// Test images.
        images: usize,
        /// Annotations.
        keypoints: usize,
    },
    /// Nothing to score.
    #[error("no test images to score")]
    NoImages,
    /// The annotations name no part.
    #[error("the test images have no annotated parts")]
    NoParts,
    /// Images with different part slots.
    #[error("image {index} has {found} part slots but image 0 has {expected}")]
    PartSlots {
        /// The image.
        index: usize,
        /// Its slots.
        found: usize,
        /// Image 0's slots.
        expected: usize,
    },
    /// A model whose maps and prototype classes disagree.
    #[error("the model gives {maps} activation maps for {prototypes} prototypes")]
    MapCount {
        /// Maps per image.
        maps: usize,
        /// Prototypes.
        prototypes: usize,
    },
    /// Reading the maps back from the device.
    #[error(transparent)]
    Read(#[from] kiln_core::CoreError),
}

/// Test images with their part keypoints and the normalisation the model was trained with.
#[derive(Debug, Clone, Copy)]
pub struct AnnotatedImages<'a> {
    images: &'a [ImageExample],
    keypoints: &'a [PartKeypoints],
    batcher: &'a ImageBatcher,
}

impl<'a> AnnotatedImages<'a> {
    /// Pairs image `i` with keypoints `i`.
    ///
    /// # Errors
    /// [`InterpretabilityError::Mismatch`], [`InterpretabilityError::NoImages`],
    /// [`InterpretabilityError::NoParts`] or [`InterpretabilityError::PartSlots`].
    pub fn new(
        images: &'a [ImageExample],
        keypoints: &'a [PartKeypoints],
        batcher: &'a ImageBatcher,
    ) -> Result<Self, InterpretabilityError> {
        if images.len() != keypoints.len() {
            return Err(InterpretabilityError::Mismatch { images: images.len(), keypoints: keypoints.len() });
        }
        let expected = keypoints.first().ok_or(InterpretabilityError::NoImages)?.num_parts();
        if expected == 0 {
            return Err(InterpretabilityError::NoParts);
        }
        if let Some((index, k)) = keypoints.iter().enumerate().find(|(_, k)| k.num_parts() != expected) {
            return Err(InterpretabilityError::PartSlots { index, found: k.num_parts(), expected });
        }
        Ok(Self { images, keypoints, batcher })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Always `false` ([`AnnotatedImages::new`] refuses an empty set).
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

/// A score in percent and its chance level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The model's score, 0–100.
    pub score: f64,
    /// The same with a random pixel as every maximum, 0–100.
    pub chance: f64,
}

/// Both scores of a model on annotated test images.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InterpretabilityReport {
    /// Test images.
    pub images: usize,
    /// Prototypes scored.
    pub prototypes: usize,
    /// The consistency score.
    pub consistency: Score,
    /// The stability score.
    pub stability: Score,
}

/// The consistency score of `model` on `data`, with its chance level.
///
/// # Errors
/// [`InterpretabilityError`] when the maps cannot be read or do not match the prototypes.
pub fn consistency_score<M: PrototypeClasses + ?Sized>(
    model: &M,
    data: &AnnotatedImages<'_>,
    config: &InterpretabilityConfig,
    device: &Device,
) -> Result<Score, InterpretabilityError> {
    let (_, clean_chance, _) = config.seeds();
    let clean = activations::scan(model, data, config, device, None, clean_chance)?;
    let t = config.part_threshold;
    Ok(Score { score: clean.model.consistency(t), chance: clean.chance.consistency(t) })
}

/// The stability score of `model` on `data`, with its chance level.
///
/// # Errors
/// As [`consistency_score`].
pub fn stability_score<M: PrototypeClasses + ?Sized>(
    model: &M,
    data: &AnnotatedImages<'_>,
    config: &InterpretabilityConfig,
    device: &Device,
) -> Result<Score, InterpretabilityError> {
    Ok(evaluate(model, data, config, device)?.stability)
}

/// Both scores, the clean pass shared.
///
/// # Errors
/// As [`consistency_score`].
pub fn evaluate<M: PrototypeClasses + ?Sized>(
    model: &M,
    data: &AnnotatedImages<'_>,
    config: &InterpretabilityConfig,
    device: &Device,
) -> Result<InterpretabilityReport, InterpretabilityError> {
    let (noise, clean_chance, noisy_chance) = config.seeds();
    let clean = activations::scan(model, data, config, device, None, clean_chance)?;
    let noisy = activations::scan(model, data, config, device, Some(noise), noisy_chance)?;
    let t = config.part_threshold;
    Ok(InterpretabilityReport {
        images: data.len(),
        prototypes: clean.model.classes.len(),
        consistency: Score { score: clean.model.consistency(t), chance: clean.chance.consistency(t) },
        stability: Score { score: clean.model.stability(&noisy.model), chance: clean.chance.stability(&noisy.chance) },
    })
}
