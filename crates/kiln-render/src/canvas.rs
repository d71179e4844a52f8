//! [`Canvas`], a drawing surface with chainable, clipped drawing methods.

use std::path::Path;

use image::{Rgb, RgbImage};

use crate::{Marker, Point, Rect, RenderError, WHITE, draw, font, line, marker, save_png};

/// A drawing surface: an [`RgbImage`] (white unless chosen otherwise) with chainable drawing
/// methods that clip at the borders. Every position is `(x, y)`: a [`Point`] or a [`Rect`].
///
/// ```
/// use kiln_render::{BLACK, Canvas, Point, RED, Rect};
///
/// let mut canvas = Canvas::new(120, 40);
/// canvas.text(Point::new(4, 4), "proto 12 sim 2.31", BLACK, 1).rect_outline(Rect::new(0, 0, 120, 40), RED, 2);
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

    /// The whole canvas as a rectangle.
    pub fn bounds(&self) -> Rect {
        Rect::new(0, 0, self.width(), self.height())
    }

    /// The image drawn so far.
    pub fn image(&self) -> &RgbImage {
        &self.image
    }

    /// The image, for drawing with the free functions of this crate.
    pub fn image_mut(&mut self) -> &mut RgbImage {
        &mut self.image
    }

    /// The finished image.
    pub fn into_image(self) -> RgbImage {
        self.image
    }

    /// Draws `text` with its top-left corner at `at`; see [`draw_text`](crate::draw_text).
    pub fn text(&mut self, at: Point, text: &str, color: Rgb<u8>, scale: u32) -> &mut Self {
        font::draw_text(&mut self.image, at, text, color, scale);
        self
    }

    /// Fills `rect`; see [`fill_rect`](crate::fill_rect).
    pub fn fill_rect(&mut self, rect: Rect, color: Rgb<u8>) -> &mut Self {
        draw::fill_rect(&mut self.image, rect, color);
        self
    }

    /// Outlines `rect`, growing inwards; see [`draw_rect_outline`](crate::draw_rect_outline).
    pub fn rect_outline(&mut self, rect: Rect, color: Rgb<u8>, thickness: u32) -> &mut Self {
        draw::draw_rect_outline(&mut self.image, rect, color, thickness);
        self
    }

    /// Draws a signed horizontal bar from `at`; see [`draw_bar`](crate::draw_bar).
    pub fn bar(&mut self, at: Point, width_px: i32, height_px: u32, color: Rgb<u8>) -> &mut Self {
        draw::draw_bar(&mut self.image, at, width_px, height_px, color);
        self
    }

    /// Draws the segment `from`–`to`; see [`draw_line`](crate::draw_line).
    pub fn line(&mut self, from: Point, to: Point, color: Rgb<u8>, thickness: u32) -> &mut Self {
        line::draw_line(&mut self.image, from, to, color, thickness);
        self
    }

    /// Draws `marker` centred on `at`; see [`draw_marker`](crate::draw_marker).
    pub fn marker(&mut self, at: Point, marker: Marker, radius: u32, color: Rgb<u8>) -> &mut Self {
        marker::draw_marker(&mut self.image, at, marker, radius, color);
        self
    }

    /// Pastes `tile` with its top-left corner at `at`; see [`paste`](crate::paste).
    pub fn paste(&mut self, tile: &RgbImage, at: Point) -> &mut Self {
        draw::paste(&mut self.image, tile, at);
        self
    }

    /// Saves the canvas as PNG; see [`save_png`](crate::save_png).
    ///
    /// # Errors
    ///
    /// As [`save_png`](crate::save_png).
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<(), RenderError> {
        save_png(&self.image, path)
    }
}

impl From<Canvas> for RgbImage {
    fn from(canvas: Canvas) -> Self {
        canvas.image
    }
}
