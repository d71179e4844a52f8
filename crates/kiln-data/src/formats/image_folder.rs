//! ImageFolder trees: `root/<class_name>/<image>.png|jpg|jpeg`.
//!
//! Class folders are sorted by name and numbered from 0; inside each class folder, image files are
//! visited in sorted file-name order, so loading is deterministic. Files with other extensions
//! are ignored, as are entries whose name starts with `.` (e.g. `.ipynb_checkpoints`). Class
//! folders are not searched recursively. The image format is detected from the file contents, so
//! a PNG named `.jpg` still loads; a file that cannot be decoded is an error, never skipped, and
//! so is one whose header claims more pixels than its size can hold (see
//! [`DECODED_BYTES_PER_FILE_BYTE`](super::decode::DECODED_BYTES_PER_FILE_BYTE)).

use std::fs;
use std::path::{Path, PathBuf};

use image::imageops::{self, FilterType};
use image::{ImageBuffer, Pixel};

use super::decode::decode_image;
use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample};

/// Extensions (compared case-insensitively) of the files loaded as images.
const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// How [`load_image_folder`] turns files into [`Image`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImageFolderOptions {
    /// Resize every image to `(height, width)` (bilinear, aspect ratio not kept). Without it, all
    /// images must already share one size.
    pub size: Option<(u32, u32)>,
    /// Convert to one grey channel (luma) instead of three RGB channels.
    pub grayscale: bool,
}

/// Loads every image under `root/<class>/`, returning the examples (class by class, files in
/// sorted order) and the class names (sorted; a label indexes this list). Alpha channels are
/// dropped; pixel values are scaled to `[0, 1]`.
///
/// # Errors
/// [`DataError::Io`], [`DataError::NoClasses`] (no class folders),
/// [`DataError::EmptyDataset`] (a class folder without images), [`DataError::UnreadableImage`],
/// [`DataError::ImageSizeMismatch`] (differing sizes and no `size` option) or
/// [`DataError::InvalidConfig`] (a zero `size`).
pub fn load_image_folder(
    root: impl AsRef<Path>,
    opts: &ImageFolderOptions,
) -> Result<(Vec<ImageExample>, Vec<String>)> {
    let root = root.as_ref();
    if let Some((h, w)) = opts.size
        && (h == 0 || w == 0)
    {
        return Err(DataError::InvalidConfig(format!("image size must be positive, got {h}x{w}")));
    }

    let class_dirs: Vec<(String, PathBuf)> =
        sorted_entries(root)?.into_iter().filter(|(_, path)| path.is_dir()).collect();
    if class_dirs.is_empty() {
        return Err(DataError::NoClasses { path: root.to_path_buf() });
    }

    let mut examples = Vec::new();
    let mut first: Option<(PathBuf, (usize, usize))> = None;
    for (label, (_, dir)) in class_dirs.iter().enumerate() {
        let files: Vec<PathBuf> = sorted_entries(dir)?
            .into_iter()
            .map(|(_, path)| path)
            .filter(|path| has_image_extension(path) && path.is_file())
            .collect();
        if files.is_empty() {
            return Err(DataError::EmptyDataset {
                path: dir.clone(),
                what: "image files (.png, .jpg, .jpeg) in this class folder",
            });
        }
        for path in files {
            let image = load_one(&path, opts)?;
            let size = (image.height, image.width);
            match &first {
                None => first = Some((path.clone(), size)),
                Some((first_path, expected)) if *expected != size => {
                    return Err(DataError::ImageSizeMismatch {
                        path,
                        found: size,
                        first: first_path.clone(),
                        expected: *expected,
                    });
                }
                Some(_) => {}
            }
            examples.push(ImageExample { image, label });
        }
    }
    let class_names = class_dirs.into_iter().map(|(name, _)| name).collect();
    Ok((examples, class_names))
}

/// The non-hidden entries of `dir` as `(file name, path)`, sorted by file name.
fn sorted_entries(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let io_err = |e| DataError::io(dir, e);
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            entries.push((name, entry.path()));
        }
    }
    entries.sort();
    Ok(entries)
}

/// Whether `path` ends in one of [`IMAGE_EXTENSIONS`] (any case).
fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|known| e.eq_ignore_ascii_case(known)))
}

/// Decodes one file, converts it to grey or RGB `f32` and resizes it if asked.
fn load_one(path: &Path, opts: &ImageFolderOptions) -> Result<Image> {
    let decoded = decode_image(path)?;
    Ok(if opts.grayscale {
        to_chw(&resized(decoded.to_luma32f(), opts.size))
    } else {
        to_chw(&resized(decoded.to_rgb32f(), opts.size))
    })
}

/// `image` resized to `size = (height, width)` if given.
fn resized<P>(image: ImageBuffer<P, Vec<f32>>, size: Option<(u32, u32)>) -> ImageBuffer<P, Vec<f32>>
where
    P: Pixel<Subpixel = f32> + 'static,
{
    match size {
        Some((h, w)) if (h, w) != (image.height(), image.width()) => {
            imageops::resize(&image, w, h, FilterType::Triangle)
        }
        _ => image,
    }
}

/// Converts an interleaved (HWC) `f32` buffer to a channels-first [`Image`], clamped to `[0, 1]`.
fn to_chw<P>(buffer: &ImageBuffer<P, Vec<f32>>) -> Image
where
    P: Pixel<Subpixel = f32>,
{
    let channels = usize::from(P::CHANNEL_COUNT);
    let (width, height) = (buffer.width() as usize, buffer.height() as usize);
    let mut image = Image::zeros(channels, height, width);
    let plane = height * width;
    for (i, pixel) in buffer.pixels().enumerate() {
        for (c, &value) in pixel.channels().iter().enumerate() {
            image.pixels[c * plane + i] = value.clamp(0.0, 1.0);
        }
    }
    image
}
