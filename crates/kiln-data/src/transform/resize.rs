//! Conversion of an image to another input shape: area-averaging resize and greyscale.

use crate::error::{DataError, Result};
use crate::item::Image;

/// `image` resized to `height × width` by area averaging: each output pixel is the mean of the
/// source area it covers, partly covered source pixels weighted by the covered fraction
/// (OpenCV's `INTER_AREA` when shrinking; integer factors average whole blocks). Every channel
/// is resized.
///
/// # Errors
/// [`DataError::InvalidConfig`] when the image or the target has a zero side.
pub fn resize_area(image: &Image, height: usize, width: usize) -> Result<Image> {
    if image.height == 0 || image.width == 0 || height == 0 || width == 0 {
        return Err(DataError::InvalidConfig(format!(
            "cannot resize a {}×{} image to {height}×{width}: every side must be at least 1",
            image.height, image.width
        )));
    }
    let (rows, cols) = (area_weights(image.height, height), area_weights(image.width, width));
    let mut out = Image::zeros(image.channels, height, width);
    for c in 0..image.channels {
        for (y, row) in rows.iter().enumerate() {
            for (x, col) in cols.iter().enumerate() {
                let mut sum = 0.0;
                for &(sy, wy) in row {
                    for &(sx, wx) in col {
                        sum += wy * wx * image.at(c, sy, sx);
                    }
                }
                *out.at_mut(c, y, x) = sum;
            }
        }
    }
    Ok(out)
}

/// For each of `target` output cells along one axis of `source` pixels, the source pixels it
/// covers and their weights (covered length over cell length; they sum to 1).
fn area_weights(source: usize, target: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = source as f64 / target as f64;
    (0..target)
        .map(|o| {
            let (start, end) = (o as f64 * scale, (o + 1) as f64 * scale);
            let (first, last) = (start.floor() as usize, (end.ceil() as usize).min(source));
            (first..last)
                .filter_map(|s| {
                    let covered = end.min(s as f64 + 1.0) - start.max(s as f64);
                    (covered > 0.0).then_some((s, (covered / scale) as f32))
                })
                .collect()
        })
        .collect()
}

/// The one-channel luminance of `image`: Rec. 601 `0.299 R + 0.587 G + 0.114 B` of the first
/// three channels for three or more (RGB, RGBA), the first channel for one or two (grey, grey
/// with alpha).
pub fn greyscale(image: &Image) -> Image {
    let mut out = Image::zeros(1, image.height, image.width);
    for y in 0..image.height {
        for x in 0..image.width {
            *out.at_mut(0, y, x) = if image.channels >= 3 {
                0.299 * image.at(0, y, x) + 0.587 * image.at(1, y, x) + 0.114 * image.at(2, y, x)
            } else {
                image.at(0, y, x)
            };
        }
    }
    out
}

/// `image` converted to `[channels, height, width]`: resized by [`resize_area`], then made grey
/// by [`greyscale`] when one channel is asked for; other channel counts must already match.
///
/// # Errors
/// [`DataError::InvalidConfig`] for a zero side, or when `channels` is neither 1 nor the
/// image's channel count.
pub fn to_shape(image: &Image, [channels, height, width]: [usize; 3]) -> Result<Image> {
    let resized = resize_area(image, height, width)?;
    match channels {
        c if c == image.channels => Ok(resized),
        1 => Ok(greyscale(&resized)),
        _ => Err(DataError::InvalidConfig(format!(
            "cannot convert an image of {} channels to {channels} channels (only to 1, by luminance)",
            image.channels
        ))),
    }
}
