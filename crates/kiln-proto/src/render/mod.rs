//! Rendering for visual explanations of prototype networks.
//!
//! The drawing primitives (canvas, rectangles, bitmap font, `save_png`) and the heat-map
//! panels (bilinear upsampling of similarity maps, [`upsample_bilinear`]; the jet colour map,
//! [`colormap_jet`]) live in [`kiln_render`] and are re-exported here; this module adds what
//! is specific to prototype explanations, on plain data — `&[f32]` activation maps,
//! [`kiln_data::Image`] — never touching burn, so explanations can be rendered from saved
//! activations as well as from a live model:
//!
//! - Heat maps over images ([`heatmap_overlay`]) and ProtoPNet's high-activation bounding box
//!   ([`high_activation_box`]).
//! - Image helpers: [`to_rgb`], [`crop`], [`scale_nearest`].
//! - Text: [`wrap_at_commas`] (notes beside prototypes).

mod heatmap;
mod image_ops;
mod text;

pub use heatmap::{heatmap_overlay, high_activation_box};
pub use image_ops::{crop, scale_nearest, to_rgb};
pub use kiln_render::*;
pub use text::wrap_at_commas;
