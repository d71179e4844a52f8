//! CUB-200-2011 (Wah et al. 2011), the fine-grained bird dataset used by ProtoPNet, read from its
//! distributed directory layout:
//!
//! ```text
//! root/images.txt                  <image_id> <relative/path.jpg>        (required)
//! root/image_class_labels.txt      <image_id> <class_id, 1-based>        (required)
//! root/train_test_split.txt        <image_id> <is_training 1|0>          (required)
//! root/bounding_boxes.txt          <image_id> <x> <y> <width> <height>   (required, pixels)
//! root/classes.txt                 <class_id> <name>                     (optional: names = ids)
//! root/parts/parts.txt             <part_id> <part name with spaces>     (optional: names = ids)
//! root/parts/part_locs.txt         <image_id> <part_id> <x> <y> <visible 1|0>  (optional)
//! root/images/<relative/path.jpg>
//! ```
//!
//! Every image listed in `images.txt` must have a label, a split flag and a bounding box; ids
//! in the other files must be listed in `images.txt`; class and part ids in `classes.txt` and
//! `parts/parts.txt` must run 1, 2, 3, … in order. Items come out sorted by image id, so loading is
//! deterministic. Only the images selected by the options are decoded.
//!
//! Cropping follows ProtoPNet's cropped CUB: the box is widened outwards to whole pixels
//! (`floor(x)`, `floor(y)` to `ceil(x + width)`, `ceil(y + height)`), cut out, then resized
//! (bilinear, aspect ratio not kept). Part locations are mapped through the same crop and resize;
//! coordinates are continuous pixel coordinates (pixel `i` spans `[i, i + 1)`).

mod annotations;

use std::path::Path;

use image::Rgb32FImage;
use image::imageops::{self, FilterType};

use super::decode::decode_image;
use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample};

use annotations::{RawPart, Record};

/// Which images of CUB-200-2011 to load, by `train_test_split.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CubSplit {
    /// Images flagged `1` (5,994 in the full dataset).
    #[default]
    Train,
    /// Images flagged `0` (5,794 in the full dataset).
    Test,
    /// Every image.
    All,
}

/// How [`load_cub`] selects and shapes the images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CubOptions {
    /// Which split to load (default [`CubSplit::Train`]).
    pub split: CubSplit,
    /// Crop each image to its bounding box before resizing (default `true`, as ProtoPNet's
    /// cropped CUB).
    pub crop_to_bbox: bool,
    /// Resize every (cropped) image to `(height, width)` (default `(224, 224)`).
    pub size: (u32, u32),
    /// Keep only classes `1..=n` (labels `0..n`), for small experiments (default: all classes).
    pub max_classes: Option<usize>,
}

impl Default for CubOptions {
    fn default() -> Self {
        Self { split: CubSplit::Train, crop_to_bbox: true, size: (224, 224), max_classes: None }
    }
}

/// One annotated part (beak, left eye, …) of a loaded CUB image.
#[derive(Debug, Clone, PartialEq)]
pub struct CubPart {
    /// The part id from `parts/part_locs.txt` (1-based, 15 parts in the full dataset).
    pub part_id: usize,
    /// The part name from `parts/parts.txt`, or the id as text when that file is absent.
    pub name: String,
    /// Horizontal position in the output image's pixel coordinates (after crop and resize).
    pub x: f32,
    /// Vertical position in the output image's pixel coordinates (after crop and resize).
    pub y: f32,
    /// Whether the part is annotated as visible and lies inside the crop. Invisible parts keep
    /// their transformed coordinates, which may fall outside the image.
    pub visible: bool,
}

/// One loaded CUB-200-2011 image with its annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct CubItem {
    /// The image id from `images.txt`.
    pub image_id: usize,
    /// The (cropped, resized) RGB image and its 0-based label (`class_id - 1`).
    pub example: ImageExample,
    /// Part annotations, sorted by part id; empty without `parts/part_locs.txt`.
    pub parts: Vec<CubPart>,
    /// The bounding box `[x, y, width, height]` as read, in source-image pixels.
    pub bbox: [f32; 4],
}

/// Loads the CUB-200-2011 directory at `root`, returning the selected items (sorted by image id)
/// and the class names (indexed by label; truncated to `max_classes`). Pixel values are RGB in
/// `[0, 1]`; grey images are expanded to three channels.
///
/// # Errors
/// [`DataError::InvalidConfig`] (a zero `size` or `max_classes`), [`DataError::CubMissingFile`],
/// [`DataError::CubFieldCount`], [`DataError::CubNotANumber`], [`DataError::CubBadRecord`],
/// [`DataError::CubMissingRecord`], [`DataError::CubBadBoundingBox`],
/// [`DataError::EmptyDataset`] (an empty `images.txt`), [`DataError::Io`] (including a missing
/// image file) or [`DataError::UnreadableImage`].
pub fn load_cub(root: impl AsRef<Path>, opts: &CubOptions) -> Result<(Vec<CubItem>, Vec<String>)> {
    let root = root.as_ref();
    let (h, w) = opts.size;
    if h == 0 || w == 0 {
        return Err(DataError::InvalidConfig(format!("CUB image size must be positive, got {h}x{w}")));
    }
    if opts.max_classes == Some(0) {
        return Err(DataError::InvalidConfig("CUB max_classes must be at least 1".into()));
    }

    let annotations = annotations::read(root)?;
    let images_dir = root.join("images");
    let mut items = Vec::new();
    for record in &annotations.records {
        let in_split = match opts.split {
            CubSplit::Train => record.is_training,
            CubSplit::Test => !record.is_training,
            CubSplit::All => true,
        };
        if in_split && opts.max_classes.is_none_or(|n| record.class_id <= n) {
            items.push(load_item(&images_dir, &annotations.bbox_path, record, opts)?);
        }
    }
    let mut class_names = annotations.class_names;
    if let Some(n) = opts.max_classes {
        class_names.truncate(n);
    }
    Ok((items, class_names))
}

/// A pixel rectangle of the source image: origin and size.
#[derive(Debug, Clone, Copy)]
struct Region {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

/// Decodes, crops and resizes one image and maps its parts.
fn load_item(images_dir: &Path, bbox_path: &Path, record: &Record, opts: &CubOptions) -> Result<CubItem> {
    let path = images_dir.join(&record.path);
    let decoded = decode_image(&path)?;
    let (width, height) = (decoded.width(), decoded.height());

    let [x, y, w, h] = record.bbox;
    if x + w > width as f32 || y + h > height as f32 {
        return Err(DataError::CubBadBoundingBox {
            path: bbox_path.to_path_buf(),
            line: record.bbox_line,
            image_id: record.image_id,
            bbox: record.bbox,
            reason: format!("extends outside image {} ({width}x{height}, width x height)", path.display()),
        });
    }
    let region = if opts.crop_to_bbox {
        // The check above and the parser's (x, y >= 0; width, height > 0) keep these casts in
        // range and the region non-empty and inside the image.
        let (x0, y0) = (x.floor() as u32, y.floor() as u32);
        let (x1, y1) = (((x + w).ceil() as u32).min(width), ((y + h).ceil() as u32).min(height));
        Region { x: x0, y: y0, width: x1.saturating_sub(x0).max(1), height: y1.saturating_sub(y0).max(1) }
    } else {
        Region { x: 0, y: 0, width, height }
    };

    let rgb = decoded.into_rgb32f();
    let (out_h, out_w) = opts.size;
    let image = to_chw(&crop_resize(rgb, region, (out_h, out_w)));
    let scale = (out_w as f32 / region.width as f32, out_h as f32 / region.height as f32);
    let parts = record.parts.iter().map(|part| map_part(part, region, scale)).collect();
    Ok(CubItem {
        image_id: record.image_id,
        example: ImageExample { image, label: record.class_id - 1 },
        parts,
        bbox: record.bbox,
    })
}

/// `image` cut to `region` and resized to `(height, width)` (skipped when already that size).
fn crop_resize(image: Rgb32FImage, region: Region, (height, width): (u32, u32)) -> Rgb32FImage {
    let whole = (region.x, region.y, region.width, region.height) == (0, 0, image.width(), image.height());
    let cropped = if whole {
        image
    } else {
        imageops::crop_imm(&image, region.x, region.y, region.width, region.height).to_image()
    };
    if (cropped.height(), cropped.width()) == (height, width) {
        cropped
    } else {
        imageops::resize(&cropped, width, height, FilterType::Triangle)
    }
}

/// Maps a part from source-image pixels through the crop `region` and the resize `scale`
/// (`(x, y)` factors); a part outside the region becomes invisible.
fn map_part(part: &RawPart, region: Region, (sx, sy): (f32, f32)) -> CubPart {
    let (x0, y0) = (region.x as f32, region.y as f32);
    let (x1, y1) = (x0 + region.width as f32, y0 + region.height as f32);
    let inside = (x0..=x1).contains(&part.x) && (y0..=y1).contains(&part.y);
    CubPart {
        part_id: part.part_id,
        name: part.name.clone(),
        x: (part.x - x0) * sx,
        y: (part.y - y0) * sy,
        visible: part.visible && inside,
    }
}

/// Converts an interleaved (HWC) RGB `f32` buffer to a channels-first [`Image`], clamped to `[0, 1]`.
fn to_chw(buffer: &Rgb32FImage) -> Image {
    let (width, height) = (buffer.width() as usize, buffer.height() as usize);
    let mut image = Image::zeros(3, height, width);
    let plane = height * width;
    for (i, pixel) in buffer.pixels().enumerate() {
        for (c, &value) in pixel.0.iter().enumerate() {
            image.pixels[c * plane + i] = value.clamp(0.0, 1.0);
        }
    }
    image
}
