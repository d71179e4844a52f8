//! SimCLR's augmentation pipeline: one random view of an image.

use rand::Rng;
use rand::rngs::StdRng;

use super::colour_jitter::{ColourJitter, grey_rgb};
use super::resized_crop::ResizedCrop;
use crate::item::Image;

/// A SimCLR view (Chen et al., "A Simple Framework for Contrastive Learning of Visual
/// Representations", 2020; SimCLR v2, Chen et al. 2020, "Big Self-Supervised Models are Strong
/// Semi-Supervised Learners"): google-research/simclr `tf2/data_util.py`,
/// `preprocess_for_train`, in its order:
/// 1. random crop with resize back to the image's size ([`ResizedCrop`]);
/// 2. horizontal flip with probability ½ (`tf.image.random_flip_left_right`);
/// 3. colour jitter with probability 0.8 ([`ColourJitter`], v2's), then greyscale with
///    probability 0.2 ([`grey_rgb`](super::grey_rgb));
/// 4. clipping to `[0, 1]`.
///
/// No Gaussian blur: SimCLR blurs only ImageNet-sized images (`--use_blur`, off for CIFAR-10),
/// and Kiln's images are small.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimClrAugment {
    /// Random crop, resized back to the image's size.
    pub crop: ResizedCrop,
    /// Flip horizontally with probability ½.
    pub flip: bool,
    /// Colour jitter (with its own probability), or none.
    pub jitter: Option<ColourJitter>,
    /// Probability of turning the view grey (RGB images; SimCLR: 0.2).
    pub greyscale_probability: f32,
}

impl SimClrAugment {
    /// The paper's colour-image view: crop (area 0.08–1, aspect 3/4–4/3), flip, jitter of
    /// strength `strength` with probability 0.8 (SimCLR: 1.0 for ImageNet, 0.5 for CIFAR-10),
    /// greyscale with probability 0.2.
    pub fn colour(strength: f32) -> Self {
        Self {
            crop: ResizedCrop::default(),
            flip: true,
            jitter: Some(ColourJitter::simclr(strength)),
            greyscale_probability: 0.2,
        }
    }

    /// A view for small grey digits (8×8 or 28×28): a crop of 30–100% of the area, no flip, no
    /// colour.
    ///
    /// Deviations from [`colour`](Self::colour), for digits: colour distortion does nothing to a
    /// grey image but rescale its ink, and a mirrored digit is another symbol (2/5, 6/9 reversed),
    /// so neither applies. On an 8×8 digit SimCLR's smallest crops (10% once `min_covered` applies: a 3×3 patch) hold a
    /// single stroke fragment that no longer identifies the digit, so the two views of a
    /// positive pair would share nothing; 30% keeps at least 20 of the 64 pixels (a 4×5 patch).
    pub fn digits() -> Self {
        Self { crop: ResizedCrop::with_area(0.3, 1.0), flip: false, jitter: None, greyscale_probability: 0.0 }
    }

    /// One random view of `image`, of the same size.
    pub fn apply(&self, image: &Image, rng: &mut StdRng) -> Image {
        let mut out = self.crop.apply(image, rng);
        if self.flip && rng.random_bool(0.5) {
            out = flip(&out);
        }
        if let Some(jitter) = &self.jitter {
            out = jitter.apply(&out, rng);
        }
        if rng.random::<f32>() < self.greyscale_probability {
            out = grey_rgb(&out);
        }
        out.pixels.iter_mut().for_each(|v| *v = v.clamp(0.0, 1.0));
        out
    }
}

/// `image` mirrored left to right.
fn flip(image: &Image) -> Image {
    let mut out = image.clone();
    if image.width == 0 {
        return out;
    }
    for row in out.pixels.chunks_mut(image.width) {
        row.reverse();
    }
    out
}
