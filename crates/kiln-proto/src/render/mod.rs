//! Rendering for visual explanations of prototype networks.
//!
//! The drawing primitives (canvas, rectangles, bitmap font, `save_png`) live in
//! [`kiln_core::render`] and are re-exported here; this module adds what is specific to
//! prototype explanations, on plain data — `&[f32]` activation maps, [`kiln_data::Image`] —
//! never touching burn, so explanations can be rendered from saved activations as well as from
//! a live model:
//!
//! - Heat maps: bilinear upsampling of similarity maps ([`upsample_bilinear`]), the jet
//!   colour map ([`colormap_jet`]), heat-map overlays ([`heatmap_overlay`]) and ProtoPNet's
//!   high-activation bounding box ([`high_activation_box`]).
//! - Image helpers: [`to_rgb`], [`crop`], [`scale_nearest`].

mod heatmap;
mod image_ops;

pub use heatmap::{
    colormap_jet, heatmap_overlay, heatmap_rgb, high_activation_box, normalize_min_max, upsample_bilinear,
};
pub use image_ops::{crop, scale_nearest, to_rgb};
pub use kiln_core::render::*;
