//! Image transforms on the host: per-channel normalisation, augmentation (random crop, horizontal
//! flip, small rotation), conversion to another input shape (area-averaging resize, greyscale),
//! and the six whole-image modifications of Nauta, Jutte, Provoost and Seifert ("This Looks Like
//! That, Because ... Explaining Prototypes for Interpretable Image Recognition", 2021): contrast,
//! saturation, hue, shape, texture and brightness ([`Modification`]), built from torchvision's
//! colour adjustments ([`adjust_contrast`] ...), a sinusoidal warp ([`sinusoidal_warp`]) and
//! OpenCV's non-local-means denoising ([`nl_means`]).

mod augment;
mod colour;
mod colour_jitter;
mod lab;
mod modification;
mod nl_means;
mod normalize;
mod resize;
mod resized_crop;
mod simclr;
mod warp;

pub use augment::Augment;
pub use colour::{adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation, hsv_to_rgb, rgb_to_hsv};
pub use colour_jitter::{ColourJitter, adjust_contrast_per_channel, adjust_saturation_hsv, grey_rgb};
pub use lab::{lab8_to_rgb, rgb_to_lab8};
pub use modification::Modification;
pub use nl_means::{NlMeans, nl_means};
pub use normalize::Normalize;
pub use resize::{greyscale, resize_area, to_shape};
pub use resized_crop::{CropBox, ResizedCrop, crop_and_resize};
pub use simclr::SimClrAugment;
pub use warp::{sinusoidal_warp, warp_shift};
