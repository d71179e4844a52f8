//! Layout: a white drawing surface ([`Canvas`]) and tile grids ([`grid`]).

use std::path::Path;

use image::{Rgb, RgbImage};

use super::{RenderError, WHITE, draw, font, save_png};

/// A drawing surface: an [`RgbImage`] (white unless chosen otherwise) with chainable drawing
/// methods that clip at the borders.
///
/// ```
/// use kiln_core::render::{BLACK, Canvas, RED};
///
/// let mut canvas = Canvas::new(120, 40);
/// canvas.text(4, 4, "proto 12 sim 2.31", BLACK, 1).rect_outline(0, 0, 39, 119, RED, 2);
/// assert_eq!(canvas.image().dimensions(), (120, 40));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    image: RgbImage,
}

impl Canvas {
    /// A white `width × height` canvas.
    pub fn new(width: u32, height: u32) -> Self {
        Self::with_background(width, height, WHITE)
    }

    /// A `width × height` canvas filled with `background`.
    pub fn with_background(width: u32, height: u32, background: Rgb<u8>) -> Self {
        Self { image: RgbImage::from_pixel(width, height, background) }
    }

    /// A canvas drawing on an existing image.
    pub fn from_image(image: RgbImage) -> Self {
        Self { image }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// The image drawn so far.
    pub fn image(&self) -> &RgbImage {
        &self.image
    }

    /// The image, for drawing with the free functions of [`render`](super).
    pub fn image_mut(&mut self) -> &mut RgbImage {
        &mut self.image
    }

    /// The finished image.
    pub fn into_image(self) -> RgbImage {
        self.image
    }

    /// Draws `text` at `(x, y)`; see [`draw_text`](super::draw_text).
    pub fn text(&mut self, x: i32, y: i32, text: &str, color: Rgb<u8>, scale: u32) -> &mut Self {
        font::draw_text(&mut self.image, x, y, text, color, scale);
        self
    }

    /// Fills the inclusive rectangle `(y0, x0)`–`(y1, x1)`; see [`fill_rect`](super::fill_rect).
    pub fn fill_rect(&mut self, y0: i32, x0: i32, y1: i32, x1: i32, color: Rgb<u8>) -> &mut Self {
        draw::fill_rect(&mut self.image, y0, x0, y1, x1, color);
        self
    }

    /// Outlines the inclusive rectangle `(y0, x0)`–`(y1, x1)`; see
    /// [`draw_rect_outline`](super::draw_rect_outline).
    pub fn rect_outline(&mut self, y0: i32, x0: i32, y1: i32, x1: i32, color: Rgb<u8>, thickness: u32) -> &mut Self {
        draw::draw_rect_outline(&mut self.image, y0, x0, y1, x1, color, thickness);
        self
    }

    /// Draws a signed horizontal bar; see [`draw_bar`](super::draw_bar).
    pub fn bar(&mut self, x: i32, y: i32, width_px: i32, height_px: u32, color: Rgb<u8>) -> &mut Self {
        draw::draw_bar(&mut self.image, x, y, width_px, height_px, color);
        self
    }

    /// Pastes `tile` with its top-left corner at `(x, y)`; see [`paste`](super::paste).
    pub fn paste(&mut self, tile: &RgbImage, x: i32, y: i32) -> &mut Self {
        draw::paste(&mut self.image, tile, x, y);
        self
    }

    /// Saves the canvas as PNG; see [`save_png`](super::save_png).
    ///
    /// # Errors
    ///
    /// As [`save_png`](super::save_png).
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<(), RenderError> {
        save_png(&self.image, path)
    }
}

impl From<Canvas> for RgbImage {
    fn from(canvas: Canvas) -> Self {
        canvas.image
    }
}

/// Lays `tiles` out in a grid, row by row, `columns` to a row (clamped to `1..=tiles.len()`),
/// for a prototype gallery.
///
/// Every cell is as large as the largest tile, and smaller tiles are centred in their cells.
/// Cells are separated from each other and from the border by `padding` pixels of
/// `background`, so the result is `cols * cell_w + (cols + 1) * padding` wide and
/// `rows * cell_h + (rows + 1) * padding` tall with `rows = ceil(n / cols)`. No tiles give a
/// `padding × padding` image.
pub fn grid(tiles: &[RgbImage], columns: usize, padding: u32, background: Rgb<u8>) -> RgbImage {
    let n = tiles.len();
    let cols = if n == 0 { 0 } else { columns.clamp(1, n) };
    let rows = if cols == 0 { 0 } else { n.div_ceil(cols) };
    let cell_w = tiles.iter().map(RgbImage::width).max().unwrap_or(0);
    let cell_h = tiles.iter().map(RgbImage::height).max().unwrap_or(0);
    let span = |count: usize, cell: u32| {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        count.saturating_mul(cell).saturating_add(count.saturating_add(1).saturating_mul(padding))
    };
    let mut out = RgbImage::from_pixel(span(cols, cell_w), span(rows, cell_h), background);
    for (i, tile) in tiles.iter().enumerate() {
        let (row, col) = (i / cols, i % cols);
        let cell_x = i64::from(span(col, cell_w));
        let cell_y = i64::from(span(row, cell_h));
        let x = cell_x + i64::from((cell_w - tile.width()) / 2);
        let y = cell_y + i64::from((cell_h - tile.height()) / 2);
        if let (Ok(x), Ok(y)) = (i32::try_from(x), i32::try_from(y)) {
            draw::paste(&mut out, tile, x, y);
        }
    }
    out
}
