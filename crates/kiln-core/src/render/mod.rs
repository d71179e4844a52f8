//! Pure 2-D rendering on [`image::RgbImage`], shared by every family that writes pictures:
//! prototype galleries and explanations (kiln-proto), Pareto fronts (kiln-nas), rendered
//! shapes (kiln-geom).
//!
//! - Drawing: [`fill_rect`], [`draw_rect_outline`], [`draw_bar`], [`paste`], [`draw_line`],
//!   [`draw_marker`], and text in an embedded 5×7 bitmap font ([`draw_text`], [`text_size`]).
//! - Layout: [`Canvas`] (a white drawing surface), [`grid`] (a gallery of tiles) and
//!   [`save_png`].
//! - Charts: [`ScatterPlot`], a scatter/line plot with axes, ticks, labels and a legend.
//!
//! Drawing coordinates are `i32` canvas pixels (`x` to the right, `y` down) and may lie partly
//! or wholly outside the canvas: everything is clipped, nothing panics.

mod canvas;
mod draw;
mod font;
mod line;
mod plot;

use std::path::{Path, PathBuf};

pub use canvas::{Canvas, grid};
pub use draw::{draw_bar, draw_rect_outline, fill_rect, paste};
pub use font::{GLYPH_HEIGHT, GLYPH_WIDTH, LINE_HEIGHT, draw_text, text_size};
pub use line::{Marker, draw_line, draw_marker};
pub use plot::{AxisRange, PlotError, ScatterPlot, Series, format_tick, nice_ticks};

/// The pixel and image types everything here draws on, re-exported so callers need not depend
/// on `image` themselves.
pub use image::{Rgb, RgbImage};

use image::ImageFormat;

/// White, the default canvas background.
pub const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
/// Black, for text.
pub const BLACK: Rgb<u8> = Rgb([0, 0, 0]);
/// Red, e.g. for high-activation boxes.
pub const RED: Rgb<u8> = Rgb([220, 30, 30]);
/// Green, e.g. for positive contribution bars.
pub const GREEN: Rgb<u8> = Rgb([30, 160, 60]);
/// Blue, e.g. for negative contribution bars.
pub const BLUE: Rgb<u8> = Rgb([40, 80, 220]);
/// Yellow, e.g. for boxes drawn over dark images.
pub const YELLOW: Rgb<u8> = Rgb([240, 220, 40]);
/// Mid grey, for separators and secondary text.
pub const GREY: Rgb<u8> = Rgb([128, 128, 128]);

/// Errors from writing rendered images.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The image has zero width or height, which PNG cannot hold.
    #[error("cannot save an empty {width}x{height} image to {}", .path.display())]
    EmptyImage {
        /// Where it was to be written.
        path: PathBuf,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// The parent directory could not be created.
    #[error("cannot create the directory for {}: {source}", .path.display())]
    Io {
        /// Where the image was to be written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Encoding or writing the PNG failed.
    #[error("cannot write PNG {}: {source}", .path.display())]
    Image {
        /// Where the image was to be written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: image::ImageError,
    },
}

/// Writes `img` as a PNG file at `path` (whatever its extension), creating missing parent
/// directories.
///
/// # Errors
///
/// [`RenderError::EmptyImage`] for a zero-sized image, [`RenderError::Io`] if the parent
/// directory cannot be created, [`RenderError::Image`] if encoding or writing fails.
pub fn save_png(img: &RgbImage, path: impl AsRef<Path>) -> Result<(), RenderError> {
    let path = path.as_ref();
    if img.width() == 0 || img.height() == 0 {
        return Err(RenderError::EmptyImage { path: path.to_path_buf(), width: img.width(), height: img.height() });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| RenderError::Io { path: path.to_path_buf(), source })?;
    }
    img.save_with_format(path, ImageFormat::Png)
        .map_err(|source| RenderError::Image { path: path.to_path_buf(), source })
}

/// Converts a size in pixels to the `u32` that [`image`] uses, saturating (sizes that large
/// cannot be allocated anyway).
pub fn dim(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Maps a value in `[0, 1]` to a byte, clamping; NaN maps to 0.
pub fn unit_to_u8(v: f32) -> u8 {
    if v.is_nan() {
        return 0;
    }
    // In range by the clamp, so the cast is exact after rounding.
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}
