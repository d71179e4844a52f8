//! Writing images: [`save_png`], and the size and value conversions image code needs.

use std::path::Path;

use image::{ImageFormat, RgbImage};

use crate::RenderError;

/// Creates the parent directory of `path` when it has one.
pub(crate) fn create_parent(path: &Path) -> Result<(), RenderError> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|source| RenderError::Io { path: path.to_path_buf(), source })
        }
        None => Ok(()),
    }
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
    create_parent(path)?;
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
