//! # kiln-render
//!
//! Pictures for every Kiln family, with no tie to the tensor side of Kiln and no system
//! library: pure drawing on [`image::RgbImage`], and charts on [`plotters`] with a bundled font.
//!
//! - Geometry: [`Point`] and [`Rect`]. Every position is `(x, y)`: `x` to the right, `y` down,
//!   in canvas pixels, partly or wholly outside the canvas if need be (everything clips,
//!   nothing panics).
//! - Drawing: [`fill_rect`], [`draw_rect_outline`], [`draw_bar`], [`paste`], [`draw_line`],
//!   [`draw_marker`], and text in an embedded 5×7 bitmap font ([`draw_text`], [`text_size`]).
//! - Image panels: [`Canvas`] (a drawing surface), [`grid`] (a gallery of tiles), heat maps
//!   ([`upsample_bilinear`], [`normalize_min_max`], [`colormap_jet`], [`heatmap_rgb`],
//!   [`blend_heatmap`]) and [`save_png`].
//! - Charts ([`chart`]): a [`Chart`] of several [`Series`] — lines over rounds or epochs,
//!   scatter markers, Pareto fronts, error bars (mean ± std), histograms, ROC curves — with
//!   axes, labels and a legend, written as PNG, SVG or an in-memory image.

mod canvas;
pub mod chart;
mod color;
mod draw;
mod error;
mod font;
mod geometry;
mod grid;
mod heatmap;
mod line;
mod marker;
mod png;
mod resample;

pub use canvas::Canvas;
pub use chart::{AxisRange, Chart, ErrorBar, Histogram, Legend, PlotFrame, RocCurve, Series};
pub use color::{BLACK, BLUE, GREEN, GREY, PALETTE, RED, WHITE, YELLOW, faded};
pub use draw::{draw_bar, draw_rect_outline, fill_rect, paste};
pub use error::RenderError;
pub use font::{GLYPH_HEIGHT, GLYPH_WIDTH, LINE_HEIGHT, draw_text, text_size};
pub use geometry::{Point, Rect};
pub use grid::grid;
pub use heatmap::{blend_heatmap, colormap_jet, heatmap_rgb, normalize_min_max};
pub use line::draw_line;
pub use marker::{Marker, draw_marker};
pub use png::{dim, save_png, unit_to_u8};
pub use resample::{upsample_bicubic, upsample_bilinear};

/// The pixel and image types everything here draws on, re-exported so callers need not depend
/// on `image` themselves.
pub use image::{Rgb, RgbImage};
