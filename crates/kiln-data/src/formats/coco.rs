//! COCO-style detection annotations (a JSON file and a folder of images), for a user's own data.
//!
//! ```json
//! {
//!   "images":      [{"id": 1, "file_name": "a.png", "width": 640, "height": 480}],
//!   "annotations": [{"id": 7, "image_id": 1, "category_id": 3, "bbox": [x, y, w, h],
//!                    "segmentation": [[x1, y1, x2, y2, x3, y3, ...], ...], "iscrowd": 0}],
//!   "categories":  [{"id": 3, "name": "ship"}]
//! }
//! ```
//!
//! Required keys: `images`, `annotations` and `categories` at the top level; `id`, `file_name`,
//! `width`, `height` in an image; `id`, `image_id`, `category_id`, `bbox` in an annotation; `id`,
//! `name` in a category. Ids are non-negative integers, unique per kind. `segmentation` and
//! `iscrowd` (0 or 1) are optional and other keys (`area`, `licenses`, `info`, …) are ignored. A
//! segmentation is a list of polygons `[x1, y1, x2, y2, …]` (even length, at least 3 points);
//! the object's mask is their union, each filled by [`Mask::from_polygon`]'s rule (pixel
//! centres, even-odd). Run-length-encoded segmentations (`{"counts", "size"}`) are rejected with
//! [`DataError::CocoRleSegmentation`].
//!
//! Coordinates are continuous pixel coordinates (pixel `i` spans `[i, i + 1)`). A box may stick
//! out of its image by up to [`BOX_TOLERANCE`] pixels and is then clipped to the image; a box
//! with a non-positive width or height, or further outside, is an error.
//!
//! Categories become classes `0, 1, 2, …` in the order the `categories` array lists them (names
//! kept); images keep the file's order and each gets its annotations in the file's order.
//! Reading builds no masks and decodes no pixels: [`CocoImage::instances`] rasterises the
//! polygons (a `height × width` mask per segmented annotation) and [`CocoDataset::load`] also
//! decodes the image. [`write_coco`] writes a dataset back (boxes as `[x, y, w, h]`), and
//! [`CocoDataset::from_set`] / [`write_coco_set`] export a [`DetectionSet`], masks included
//! exactly (each run of mask pixels becomes one rectangle polygon).

mod parse;
mod write;

use std::path::{Path, PathBuf};

use super::decode::decode_image;
use crate::detection::{DetectionExample, DetectionSet, Instance, Mask};
use crate::error::{DataError, Result};
use crate::item::Image;

pub use write::{write_coco, write_coco_set};

/// How far (in pixels) a box may extend beyond its image before it is an error.
pub const BOX_TOLERANCE: f64 = 1.0;

/// Largest image width or height accepted.
pub const MAX_IMAGE_SIDE: usize = 65_535;

/// A category: one class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CocoCategory {
    /// The category id in the file.
    pub id: u64,
    /// Its name.
    pub name: String,
}

/// One object annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct CocoAnnotation {
    /// The annotation id in the file.
    pub id: u64,
    /// Class index: position of its category in [`CocoDataset::categories`].
    pub class: usize,
    /// Box `[x0, y0, x1, y1]` in pixels (the file's `[x, y, w, h]`, clipped to the image).
    pub bbox: [f32; 4],
    /// Segmentation polygons, each a list of `(x, y)` points; empty when there is none.
    pub polygons: Vec<Vec<(f32, f32)>>,
    /// Whether the annotation marks a crowd of objects (`iscrowd: 1`).
    pub iscrowd: bool,
}

impl CocoAnnotation {
    /// The annotation as an [`Instance`] of an image `height × width`: the mask is the union of
    /// the polygons, or `None` without polygons.
    pub fn to_instance(&self, height: usize, width: usize) -> Instance {
        let mask = (!self.polygons.is_empty()).then(|| Mask::from_polygons(&self.polygons, height, width));
        Instance { class: self.class, bbox: self.bbox, mask }
    }
}

/// One image with its annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct CocoImage {
    /// The image id in the file.
    pub id: u64,
    /// The `file_name` as written in the file.
    pub file_name: String,
    /// The image directory joined with `file_name`.
    pub path: PathBuf,
    /// Declared width in pixels.
    pub width: usize,
    /// Declared height in pixels.
    pub height: usize,
    /// Its annotations, in file order.
    pub annotations: Vec<CocoAnnotation>,
}

impl CocoImage {
    /// The non-crowd annotations as [`Instance`]s, masks at the declared size (crowd regions
    /// mark groups of objects, not objects; they stay in [`CocoImage::annotations`]).
    pub fn instances(&self) -> Vec<Instance> {
        let objects = self.annotations.iter().filter(|a| !a.iscrowd);
        objects.map(|a| a.to_instance(self.height, self.width)).collect()
    }
}

/// A COCO dataset as read: images with their annotations, and the categories.
#[derive(Debug, Clone, PartialEq)]
pub struct CocoDataset {
    /// The annotation file read (used to name it in errors while loading).
    pub json_path: PathBuf,
    /// The images, in file order.
    pub images: Vec<CocoImage>,
    /// The categories; class `k` is `categories[k]`.
    pub categories: Vec<CocoCategory>,
}

impl CocoDataset {
    /// The class names, indexed by class.
    pub fn class_names(&self) -> Vec<String> {
        self.categories.iter().map(|c| c.name.clone()).collect()
    }

    /// Decodes image `index` (RGB, values in `[0, 1]`; grey images become three equal
    /// channels) and returns it with its [`CocoImage::instances`].
    ///
    /// # Errors
    /// [`DataError::InvalidConfig`] (an index out of range), [`DataError::Io`],
    /// [`DataError::UnreadableImage`], or [`DataError::CocoImageSize`] when the decoded size
    /// differs from the declared one.
    pub fn load(&self, index: usize) -> Result<DetectionExample> {
        let image = self.images.get(index).ok_or_else(|| {
            DataError::InvalidConfig(format!("image index {index} out of range for {} images", self.images.len()))
        })?;
        load_image(&self.json_path, image)
    }

    /// Decodes every image ([`CocoDataset::load`]) into a [`DetectionSet`].
    ///
    /// # Errors
    /// As [`CocoDataset::load`], for the first image that fails.
    pub fn load_all(&self) -> Result<DetectionSet> {
        let examples = self.images.iter().map(|image| load_image(&self.json_path, image)).collect::<Result<_>>()?;
        Ok(DetectionSet { examples, class_names: self.class_names() })
    }

    /// A dataset describing `set` with images `000000.png`, `000001.png`, … under `image_dir`:
    /// image, category and annotation ids count from 1, masks become one rectangle polygon per
    /// horizontal run of pixels (so they read back exactly), instances without a mask get no
    /// segmentation (nor does an empty mask). Boxes are kept as they are. `json_path` is set
    /// to `image_dir/annotations.json`; [`write_coco_set`] sets it to the file it writes.
    pub fn from_set(set: &DetectionSet, image_dir: impl AsRef<Path>) -> Self {
        write::from_set(set, image_dir.as_ref())
    }
}

/// Reads the COCO annotation file `json`; image paths are `image_dir` joined with each
/// `file_name`. No image is opened.
///
/// # Errors
/// [`DataError::Io`] (the file cannot be read), [`DataError::CocoSyntax`],
/// [`DataError::CocoMissingKey`], [`DataError::CocoBadValue`], [`DataError::CocoDuplicateId`],
/// [`DataError::CocoUnknownCategory`], [`DataError::CocoUnknownImage`],
/// [`DataError::CocoBadBox`], [`DataError::CocoBadPolygon`] or
/// [`DataError::CocoRleSegmentation`], each naming the file and the record.
pub fn read_coco(json: impl AsRef<Path>, image_dir: impl AsRef<Path>) -> Result<CocoDataset> {
    let json = json.as_ref();
    let bytes = std::fs::read(json).map_err(|e| DataError::io(json, e))?;
    parse::parse(json, &bytes, image_dir.as_ref())
}

/// Decodes `image` (RGB, values in `[0, 1]`; grey images become three equal channels) and
/// returns it with its [`CocoImage::instances`]; `json` names the annotation file in errors.
fn load_image(json: &Path, image: &CocoImage) -> Result<DetectionExample> {
    let decoded = decode_image(&image.path)?.into_rgb32f();
    let (height, width) = (decoded.height() as usize, decoded.width() as usize);
    if (height, width) != (image.height, image.width) {
        return Err(DataError::CocoImageSize {
            path: json.to_path_buf(),
            record: format!("image {}", image.id),
            declared: (image.height, image.width),
            image_path: image.path.clone(),
            found: (height, width),
        });
    }
    let mut out = Image::zeros(3, height, width);
    for (i, pixel) in decoded.pixels().enumerate() {
        for c in 0..3 {
            out.pixels[c * height * width + i] = pixel.0[c].clamp(0.0, 1.0);
        }
    }
    Ok(DetectionExample { image: out, instances: image.instances() })
}
