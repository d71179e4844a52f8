//! Image decoding whose allocation is bounded by the size of the file: a header may claim any
//! width and height, but the decoder may not allocate more than a compressed image of this size
//! can really expand to.

use std::path::Path;

use image::{DynamicImage, ImageReader, Limits};

use crate::error::{DataError, Result};

/// Decoded bytes allowed per byte of file. Deflate (PNG) expands at most about 1032:1 and
/// baseline JPEG far less, so no real image comes near it.
pub const DECODED_BYTES_PER_FILE_BYTE: u64 = 4096;

/// Decoded bytes always allowed, however small the file (a 512×512 RGBA image).
pub const MIN_DECODE_BYTES: u64 = 1 << 20;

/// Decodes the image at `path` (format from its contents), refusing images whose decoded size
/// exceeds `max(MIN_DECODE_BYTES, DECODED_BYTES_PER_FILE_BYTE × file size)` and images of zero
/// width or height.
///
/// # Errors
/// [`DataError::Io`] or [`DataError::UnreadableImage`].
pub(crate) fn decode_image(path: &Path) -> Result<DynamicImage> {
    let unreadable = |message: String| DataError::UnreadableImage { path: path.to_path_buf(), message };
    let file_len = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?.len();
    let mut limits = Limits::default();
    limits.max_alloc = Some(file_len.saturating_mul(DECODED_BYTES_PER_FILE_BYTE).max(MIN_DECODE_BYTES));
    let mut reader = ImageReader::open(path)
        .map_err(|e| DataError::io(path, e))?
        .with_guessed_format()
        .map_err(|e| DataError::io(path, e))?;
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| unreadable(e.to_string()))?;
    if decoded.width() == 0 || decoded.height() == 0 {
        return Err(unreadable("image has zero width or height".to_string()));
    }
    Ok(decoded)
}
