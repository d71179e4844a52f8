//! Writing COCO annotation files, and exporting a [`DetectionSet`] as one.

use std::io::Cursor;
use std::path::Path;

use image::{GrayImage, ImageFormat, Luma, Rgb, RgbImage};
use serde_json::{Value, json};

use super::{CocoAnnotation, CocoCategory, CocoDataset, CocoImage};
use crate::detection::{DetectionSet, Mask};
use crate::error::{DataError, Result};
use crate::item::Image;

/// Writes `dataset` as a COCO annotation file at `path` (pretty-printed JSON): boxes as
/// `[x, y, width, height]`, polygons flattened to `[x1, y1, x2, y2, …]`, `iscrowd` as 0 or 1,
/// and an `area` (the mask's pixel count when there are polygons, else the box's area) for
/// tools that expect one. [`read_coco`](super::read_coco) reads it back to an equal dataset
/// (apart from `json_path`).
///
/// # Errors
/// [`DataError::Io`] if the file cannot be written.
pub fn write_coco(path: impl AsRef<Path>, dataset: &CocoDataset) -> Result<()> {
    let path = path.as_ref();
    let images: Vec<Value> = dataset
        .images
        .iter()
        .map(|i| json!({"id": i.id, "file_name": i.file_name, "width": i.width, "height": i.height}))
        .collect();
    let mut annotations = Vec::new();
    for image in &dataset.images {
        for a in &image.annotations {
            let [x0, y0, x1, y1] = a.bbox.map(f64::from);
            let area = if a.polygons.is_empty() {
                (x1 - x0) * (y1 - y0)
            } else {
                Mask::from_polygons(&a.polygons, image.height, image.width).area() as f64
            };
            let segmentation: Vec<Vec<f32>> =
                a.polygons.iter().map(|points| points.iter().flat_map(|&(x, y)| [x, y]).collect()).collect();
            let category_id = dataset.categories.get(a.class).map_or(a.class as u64, |c| c.id);
            annotations.push(json!({
                "id": a.id,
                "image_id": image.id,
                "category_id": category_id,
                "bbox": [x0, y0, x1 - x0, y1 - y0],
                "segmentation": segmentation,
                "area": area,
                "iscrowd": u8::from(a.iscrowd),
            }));
        }
    }
    let categories: Vec<Value> = dataset.categories.iter().map(|c| json!({"id": c.id, "name": c.name})).collect();
    let root = json!({"images": images, "annotations": annotations, "categories": categories});
    let text = serde_json::to_string_pretty(&root).map_err(|e| DataError::io(path, e.into()))?;
    std::fs::write(path, text).map_err(|e| DataError::io(path, e))
}

/// Exports `set`: saves every image as an 8-bit PNG `000000.png`, `000001.png`, … under
/// `image_dir` (created if needed), writes the annotations ([`CocoDataset::from_set`]) to
/// `json`, and returns the dataset written.
///
/// # Errors
/// [`DataError::InvalidConfig`] for an image with other than 1 or 3 channels or a pixel
/// buffer of the wrong length, [`DataError::Io`] if a file cannot be written.
pub fn write_coco_set(json: impl AsRef<Path>, image_dir: impl AsRef<Path>, set: &DetectionSet) -> Result<CocoDataset> {
    let (json, image_dir) = (json.as_ref(), image_dir.as_ref());
    std::fs::create_dir_all(image_dir).map_err(|e| DataError::io(image_dir, e))?;
    let mut dataset = from_set(set, image_dir);
    dataset.json_path = json.to_path_buf();
    for (example, image) in set.examples.iter().zip(&dataset.images) {
        let png = encode_png(&example.image, &image.path)?;
        std::fs::write(&image.path, png).map_err(|e| DataError::io(&image.path, e))?;
    }
    write_coco(json, &dataset)?;
    Ok(dataset)
}

/// `image` as PNG bytes (values clamped to `[0, 1]` and rounded to 8 bits); `path` names it
/// in errors.
fn encode_png(image: &Image, path: &Path) -> Result<Vec<u8>> {
    let (h, w) = (image.height, image.width);
    let invalid = |what: String| DataError::InvalidConfig(format!("cannot save {}: {what}", path.display()));
    if image.pixels.len() != image.channels * h * w || !matches!(image.channels, 1 | 3) {
        return Err(invalid(format!("{} values for a {}-channel {h}×{w} image", image.pixels.len(), image.channels)));
    }
    let (wu, hu) = (
        u32::try_from(w).map_err(|_| invalid("too wide".into()))?,
        u32::try_from(h).map_err(|_| invalid("too tall".into()))?,
    );
    let byte = |c: usize, y: u32, x: u32| (image.at(c, y as usize, x as usize).clamp(0.0, 1.0) * 255.0).round() as u8;
    let mut bytes = Vec::new();
    let written = if image.channels == 1 {
        GrayImage::from_fn(wu, hu, |x, y| Luma([byte(0, y, x)]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
    } else {
        RgbImage::from_fn(wu, hu, |x, y| Rgb([byte(0, y, x), byte(1, y, x), byte(2, y, x)]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
    };
    written.map_err(|e| invalid(e.to_string()))?;
    Ok(bytes)
}

/// The polygons of `mask`: one rectangle per horizontal run of pixels. Filled by
/// [`Mask::from_polygons`] they give back exactly `mask`.
fn mask_polygons(mask: &Mask) -> Vec<Vec<(f32, f32)>> {
    let corners = |(y, x0, x1): (usize, usize, usize)| {
        let (x0, x1, y0, y1) = (x0 as f32, x1 as f32, y as f32, (y + 1) as f32);
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    };
    mask.runs().into_iter().map(corners).collect()
}

/// See [`CocoDataset::from_set`].
pub(super) fn from_set(set: &DetectionSet, image_dir: &Path) -> CocoDataset {
    let max_class = set.examples.iter().flat_map(|e| &e.instances).map(|i| i.class + 1).max().unwrap_or(0);
    let categories = (0..set.class_names.len().max(max_class))
        .map(|k| CocoCategory {
            id: k as u64 + 1,
            name: set.class_names.get(k).cloned().unwrap_or_else(|| format!("class {k}")),
        })
        .collect();
    let mut next_id = 1;
    let images = set
        .examples
        .iter()
        .enumerate()
        .map(|(index, example)| {
            let file_name = format!("{index:06}.png");
            let annotations = example
                .instances
                .iter()
                .map(|instance| {
                    let polygons = instance.mask.as_ref().map(mask_polygons).unwrap_or_default();
                    let annotation = CocoAnnotation {
                        id: next_id,
                        class: instance.class,
                        bbox: instance.bbox,
                        polygons,
                        iscrowd: false,
                    };
                    next_id += 1;
                    annotation
                })
                .collect();
            CocoImage {
                id: index as u64 + 1,
                path: image_dir.join(&file_name),
                file_name,
                width: example.image.width,
                height: example.image.height,
                annotations,
            }
        })
        .collect();
    CocoDataset { json_path: image_dir.join("annotations.json"), images, categories }
}
