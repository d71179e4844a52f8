//! Rendering a [`Chart`] to an in-memory image, PNG or SVG.

use std::path::Path;

use image::RgbImage;
use plotters::backend::{BitMapBackend, SVGBackend};
use plotters::drawing::IntoDrawingArea;

use super::font::ensure_registered;
use super::plot::plot;
use super::{Chart, PlotFrame};
use crate::png::create_parent;
use crate::{RenderError, save_png};

impl Chart {
    /// Draws the chart as an image, with the frame that maps data to its pixels.
    ///
    /// # Errors
    ///
    /// As [`ranges`](Self::ranges); [`RenderError::ChartSize`] for a size outside the
    /// supported bounds; [`RenderError::Draw`] if plotters fails.
    pub fn render_with_frame(&self) -> Result<(RgbImage, PlotFrame), RenderError> {
        let (width, height) = self.checked_size()?;
        let ranges = self.ranges()?;
        ensure_registered()?;
        // Both sides are at most MAX_SIDE, so the buffer length fits in usize.
        let mut buffer = vec![255u8; width as usize * height as usize * 3];
        let frame = {
            let root = BitMapBackend::with_buffer(&mut buffer, (width, height)).into_drawing_area();
            plot(self, &root, ranges)?
        };
        let image = RgbImage::from_raw(width, height, buffer)
            .ok_or_else(|| RenderError::Draw("bitmap buffer does not match the chart size".into()))?;
        Ok((image, frame))
    }

    /// Draws the chart as an image.
    ///
    /// # Errors
    ///
    /// As [`render_with_frame`](Self::render_with_frame).
    pub fn render(&self) -> Result<RgbImage, RenderError> {
        Ok(self.render_with_frame()?.0)
    }

    /// Draws the chart as an SVG document (text as `<text>` in the generic sans-serif family).
    ///
    /// # Errors
    ///
    /// As [`render_with_frame`](Self::render_with_frame).
    pub fn to_svg(&self) -> Result<String, RenderError> {
        let (width, height) = self.checked_size()?;
        let ranges = self.ranges()?;
        ensure_registered()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
            plot(self, &root, ranges)?;
        }
        Ok(svg)
    }

    /// Renders the chart and writes it as a PNG file, creating missing parent directories.
    ///
    /// # Errors
    ///
    /// As [`render`](Self::render) and [`save_png`].
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<(), RenderError> {
        save_png(&self.render()?, path)
    }

    /// Renders the chart and writes it as an SVG file, creating missing parent directories.
    ///
    /// # Errors
    ///
    /// As [`to_svg`](Self::to_svg); [`RenderError::Io`] when writing fails.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<(), RenderError> {
        let path = path.as_ref();
        let svg = self.to_svg()?;
        create_parent(path)?;
        std::fs::write(path, svg).map_err(|source| RenderError::Io { path: path.to_path_buf(), source })
    }
}
