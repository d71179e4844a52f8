//! Conversions and resizing between [`kiln_data::Image`] and [`image::RgbImage`].

use image::{Rgb, RgbImage};
use kiln_data::Image;

use kiln_render::{dim, unit_to_u8};

/// Converts a CHW image with values in `[0, 1]` to 8-bit RGB.
///
/// One-channel (grey) images are replicated to all three channels; two-channel images use their
/// first channel as grey; images with more than three channels keep the first three. Values are
/// clamped to `[0, 1]` (NaN becomes 0) and pixels missing from a short `pixels` buffer are
/// black, as is everything of a zero-channel image.
pub fn to_rgb(image: &Image) -> RgbImage {
    let (h, w) = (image.height, image.width);
    let plane = h.saturating_mul(w);
    let sample = |c: usize, y: usize, x: usize| {
        let i = c.saturating_mul(plane).saturating_add(y * w + x);
        image.pixels.get(i).copied().unwrap_or(0.0)
    };
    let source_channel = |c: usize| match image.channels {
        0 => None,
        1 | 2 => Some(0),
        _ => Some(c),
    };
    RgbImage::from_fn(dim(w), dim(h), |x, y| {
        let (x, y) = (x as usize, y as usize);
        let mut px = [0u8; 3];
        for (c, out) in px.iter_mut().enumerate() {
            if let Some(src) = source_channel(c) {
                *out = unit_to_u8(sample(src, y, x));
            }
        }
        Rgb(px)
    })
}

/// Crops the inclusive box `(y0, x0)`–`(y1, x1)` out of a CHW image, keeping all channels.
///
/// Reversed corners are swapped, and the box is clipped to the image; a box wholly outside it
/// (or an empty image) gives a `channels × 0 × 0` image. Pixels missing from a short `pixels`
/// buffer read as 0.
pub fn crop(image: &Image, y0: usize, x0: usize, y1: usize, x1: usize) -> Image {
    let (h, w, channels) = (image.height, image.width, image.channels);
    let (y0, y1) = (y0.min(y1), y0.max(y1));
    let (x0, x1) = (x0.min(x1), x0.max(x1));
    let Some(plane) = h.checked_mul(w) else {
        return Image::zeros(channels, 0, 0);
    };
    if plane == 0 || y0 >= h || x0 >= w {
        return Image::zeros(channels, 0, 0);
    }
    let (y1, x1) = (y1.min(h - 1), x1.min(w - 1));
    let (out_h, out_w) = (y1 - y0 + 1, x1 - x0 + 1);
    let mut pixels = Vec::with_capacity(channels.saturating_mul(out_h * out_w));
    for c in 0..channels {
        for y in y0..=y1 {
            for x in x0..=x1 {
                let i = c.saturating_mul(plane).saturating_add(y * w + x);
                pixels.push(image.pixels.get(i).copied().unwrap_or(0.0));
            }
        }
    }
    Image { channels, height: out_h, width: out_w, pixels }
}

/// Scales an image up by an integer `factor` with nearest-neighbour sampling, so each source
/// pixel becomes a crisp `factor × factor` block (small 8×8 or 32×32 inputs need this to be
/// visible). A factor of 0 or 1 returns a copy.
pub fn scale_nearest(img: &RgbImage, factor: u32) -> RgbImage {
    if factor <= 1 {
        return img.clone();
    }
    let (w, h) = (img.width().saturating_mul(factor), img.height().saturating_mul(factor));
    RgbImage::from_fn(w, h, |x, y| {
        let (sx, sy) = ((x / factor).min(img.width() - 1), (y / factor).min(img.height() - 1));
        *img.get_pixel(sx, sy)
    })
}
