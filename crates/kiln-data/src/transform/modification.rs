//! The six whole-image modifications of Nauta, Jutte, Provoost and Seifert, "This Looks Like
//! That, Because ... Explaining Prototypes for Interpretable Image Recognition" (2021), with
//! the levels of the official `preprocessing/mod_values.py` (M-Nauta/Explaining_Prototypes):
//!
//! | modification | what it does | paper level |
//! |---|---|---|
//! | contrast | `ColorJitter(contrast=[f, f])` | `f = 0.45` |
//! | saturation | `ColorJitter(saturation=[f, f])` | `f = 0.7` |
//! | hue | `ColorJitter(hue=[δ, δ])` | `δ = 0.1` of the circle |
//! | shape | rows, then columns rolled by `trunc(A sin(π w i))` | `A = 4` px at 224 px, `w = 0.05` |
//! | texture | non-local means, `fastNlMeansDenoisingColored` | template 7, search 21, `h = 4` |
//! | brightness | `ColorJitter(brightness=[f, f])` | `f = 0.8` |
//!
//! The paper modifies the cropped CUB images before resizing them to 224 px; here the images
//! are modified at the size the model sees, so [`Modification::shape_for_size`] scales the warp's
//! amplitude to the image (`4 · size / 224`, at least 1 px).

use serde::{Deserialize, Serialize};

use super::colour::{adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation};
use super::nl_means::{NlMeans, nl_means};
use super::warp::sinusoidal_warp;
use crate::error::Result;
use crate::item::Image;

/// One of Nauta et al.'s six global image modifications, with its level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Modification {
    /// Contrast: values blended with the mean grey level by `factor` (1: unchanged).
    Contrast {
        /// The blend factor.
        factor: f32,
    },
    /// Saturation: pixels blended with their grey level by `factor` (1: unchanged).
    Saturation {
        /// The blend factor.
        factor: f32,
    },
    /// Hue: hues moved by `shift` of the colour circle (0: unchanged).
    Hue {
        /// The shift, a fraction of the circle.
        shift: f32,
    },
    /// Shape: the sinusoidal warp (0 amplitude: unchanged).
    Shape {
        /// `A`, in pixels.
        amplitude: f64,
        /// `w`, in cycles per two pixels (`sin(π i w)`). Both are `f64`, as the official NumPy
        /// arithmetic ([`super::warp_shift`]).
        frequency: f64,
    },
    /// Texture: non-local-means denoising.
    Texture(NlMeans),
    /// Brightness: values scaled by `factor` (1: unchanged).
    Brightness {
        /// The scale.
        factor: f32,
    },
}

impl Modification {
    /// Contrast 0.45.
    pub const CONTRAST: Self = Self::Contrast { factor: 0.45 };
    /// Saturation 0.7.
    pub const SATURATION: Self = Self::Saturation { factor: 0.7 };
    /// Hue shift 0.1.
    pub const HUE: Self = Self::Hue { shift: 0.1 };
    /// The warp at 224 px: `A = 4`, `w = 0.05`.
    pub const SHAPE: Self = Self::Shape { amplitude: PAPER_AMPLITUDE, frequency: 0.05 };
    /// Non-local means, template 7, search 21, `h = hColor = 4`.
    pub const TEXTURE: Self = Self::Texture(NlMeans::PAPER);
    /// Brightness 0.8.
    pub const BRIGHTNESS: Self = Self::Brightness { factor: 0.8 };

    /// The paper's six, in the official order (contrast, saturation, hue, shape, texture,
    /// brightness).
    pub fn paper() -> [Self; 6] {
        [Self::CONTRAST, Self::SATURATION, Self::HUE, Self::SHAPE, Self::TEXTURE, Self::BRIGHTNESS]
    }

    /// The paper's warp for images of side `image_size`: amplitude `4 · size / 224`, at least
    /// 1 px, `w = 0.05`.
    pub fn shape_for_size(image_size: usize) -> Self {
        let amplitude = (PAPER_AMPLITUDE * image_size as f64 / PAPER_SIZE).max(1.0);
        Self::Shape { amplitude, frequency: 0.05 }
    }

    /// The modification's name: `contrast`, `saturation`, `hue`, `shape`, `texture` or
    /// `brightness`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Contrast { .. } => "contrast",
            Self::Saturation { .. } => "saturation",
            Self::Hue { .. } => "hue",
            Self::Shape { .. } => "shape",
            Self::Texture(_) => "texture",
            Self::Brightness { .. } => "brightness",
        }
    }

    /// `image` modified.
    ///
    /// # Errors
    /// [`crate::DataError::InvalidConfig`] for a colour modification or texture of an image that
    /// is neither grey nor RGB, or invalid non-local-means settings;
    /// [`crate::DataError::ImageTooSmall`] for texture on an image smaller than its search
    /// window.
    pub fn apply(&self, image: &Image) -> Result<Image> {
        match *self {
            Self::Contrast { factor } => adjust_contrast(image, factor),
            Self::Saturation { factor } => adjust_saturation(image, factor),
            Self::Hue { shift } => adjust_hue(image, shift),
            Self::Shape { amplitude, frequency } => Ok(sinusoidal_warp(image, amplitude, frequency)),
            Self::Texture(params) => nl_means(image, &params),
            Self::Brightness { factor } => Ok(adjust_brightness(image, factor)),
        }
    }
}

/// The warp amplitude of the paper, in pixels at [`PAPER_SIZE`].
const PAPER_AMPLITUDE: f64 = 4.0;

/// The image side the paper's levels are for.
const PAPER_SIZE: f64 = 224.0;
