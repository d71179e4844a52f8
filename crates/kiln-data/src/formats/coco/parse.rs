//! Turning the JSON of a COCO annotation file into a [`CocoDataset`], with an error naming the
//! file and the record for everything malformed.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{BOX_TOLERANCE, CocoAnnotation, CocoCategory, CocoDataset, CocoImage, MAX_IMAGE_SIDE};
use crate::error::{DataError, Result};

/// Longest JSON text quoted in an error.
const MAX_QUOTE: usize = 60;

/// The file being parsed, for errors.
struct Ctx<'a> {
    /// The annotation file.
    path: &'a Path,
}

/// A JSON object with the name of the record it is, e.g. `"annotation 17"`.
struct Record<'v> {
    /// The record's name.
    name: String,
    /// Its position, e.g. `"annotations[3]"`.
    position: String,
    /// Its fields.
    fields: &'v Map<String, Value>,
}

/// `value` as JSON text, shortened to [`MAX_QUOTE`] characters.
fn quote(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_QUOTE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

impl Ctx<'_> {
    /// A [`DataError::CocoMissingKey`].
    fn missing(&self, record: &str, key: &'static str) -> DataError {
        DataError::CocoMissingKey { path: self.path.to_path_buf(), record: record.to_string(), key }
    }

    /// A [`DataError::CocoBadValue`].
    fn bad(&self, record: &str, key: &'static str, expected: &'static str, found: &Value) -> DataError {
        DataError::CocoBadValue {
            path: self.path.to_path_buf(),
            record: record.to_string(),
            key,
            expected,
            found: quote(found),
        }
    }

    /// The array under `key` of `fields` (`record` names it in errors).
    fn array<'v>(&self, record: &str, fields: &'v Map<String, Value>, key: &'static str) -> Result<&'v [Value]> {
        let value = fields.get(key).ok_or_else(|| self.missing(record, key))?;
        value.as_array().map(Vec::as_slice).ok_or_else(|| self.bad(record, key, "an array", value))
    }

    /// The records of the top-level array `key`, each named `"{kind} {id}"`, or `"{key}[i]"`
    /// when its id is not a non-negative integer.
    fn records<'v>(&self, top: &'v Map<String, Value>, key: &'static str, kind: &str) -> Result<Vec<Record<'v>>> {
        let items = self.array("top level", top, key)?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let fields = item.as_object().ok_or_else(|| self.bad(&format!("{key}[{i}]"), key, "objects", item))?;
                let position = format!("{key}[{i}]");
                let name = match fields.get("id").and_then(Value::as_u64) {
                    Some(id) => format!("{kind} {id}"),
                    None => position.clone(),
                };
                Ok(Record { name, position, fields })
            })
            .collect()
    }

    /// The value under `key` of `record`.
    fn get<'v>(&self, record: &Record<'v>, key: &'static str) -> Result<&'v Value> {
        record.fields.get(key).ok_or_else(|| self.missing(&record.name, key))
    }

    /// The non-negative integer under `key`.
    fn uint(&self, record: &Record<'_>, key: &'static str) -> Result<u64> {
        let value = self.get(record, key)?;
        value.as_u64().ok_or_else(|| self.bad(&record.name, key, "a non-negative integer", value))
    }

    /// The non-empty string under `key`.
    fn string(&self, record: &Record<'_>, key: &'static str) -> Result<String> {
        let value = self.get(record, key)?;
        match value.as_str() {
            Some(text) if !text.is_empty() => Ok(text.to_string()),
            _ => Err(self.bad(&record.name, key, "a non-empty string", value)),
        }
    }

    /// An image side under `key`: an integer in `1..=MAX_IMAGE_SIDE`.
    fn side(&self, record: &Record<'_>, key: &'static str) -> Result<usize> {
        let value = self.get(record, key)?;
        match value.as_u64() {
            Some(side) if (1..=MAX_IMAGE_SIDE as u64).contains(&side) => Ok(side as usize),
            _ => Err(self.bad(&record.name, key, "an integer in 1..=65535", value)),
        }
    }

    /// Checks that `id` of `record` was not used before by a record of the same kind.
    fn unique(&self, seen: &mut HashMap<u64, String>, id: u64, record: &Record<'_>) -> Result<()> {
        if let Some(first) = seen.get(&id) {
            return Err(DataError::CocoDuplicateId {
                path: self.path.to_path_buf(),
                record: record.name.clone(),
                first: first.clone(),
            });
        }
        seen.insert(id, record.position.clone());
        Ok(())
    }
}

/// Parses the bytes of the annotation file `path`; image paths are under `image_dir`.
pub(super) fn parse(path: &Path, bytes: &[u8], image_dir: &Path) -> Result<CocoDataset> {
    let syntax = |message: String| DataError::CocoSyntax { path: path.to_path_buf(), message };
    let root: Value = serde_json::from_slice(bytes).map_err(|e| syntax(e.to_string()))?;
    let top = root.as_object().ok_or_else(|| syntax("the top level is not a JSON object".to_string()))?;
    let ctx = Ctx { path };

    let mut categories = Vec::new();
    let mut class_of = HashMap::new();
    let mut category_ids = HashMap::new();
    for record in ctx.records(top, "categories", "category")? {
        let id = ctx.uint(&record, "id")?;
        ctx.unique(&mut category_ids, id, &record)?;
        class_of.insert(id, categories.len());
        categories.push(CocoCategory { id, name: ctx.string(&record, "name")? });
    }

    let mut images = Vec::new();
    let mut image_of = HashMap::new();
    let mut image_ids = HashMap::new();
    for record in ctx.records(top, "images", "image")? {
        let id = ctx.uint(&record, "id")?;
        ctx.unique(&mut image_ids, id, &record)?;
        let file_name = ctx.string(&record, "file_name")?;
        let (width, height) = (ctx.side(&record, "width")?, ctx.side(&record, "height")?);
        image_of.insert(id, images.len());
        let path = image_dir.join(&file_name);
        images.push(CocoImage { id, file_name, path, width, height, annotations: Vec::new() });
    }

    let mut annotation_ids = HashMap::new();
    for record in ctx.records(top, "annotations", "annotation")? {
        let id = ctx.uint(&record, "id")?;
        ctx.unique(&mut annotation_ids, id, &record)?;
        let image_id = ctx.uint(&record, "image_id")?;
        let &index = image_of.get(&image_id).ok_or_else(|| DataError::CocoUnknownImage {
            path: path.to_path_buf(),
            record: record.name.clone(),
            image_id,
        })?;
        let category_id = ctx.uint(&record, "category_id")?;
        let &class = class_of.get(&category_id).ok_or_else(|| DataError::CocoUnknownCategory {
            path: path.to_path_buf(),
            record: record.name.clone(),
            category_id,
        })?;
        let image = &mut images[index];
        let bbox = bbox(&ctx, &record, image.width, image.height)?;
        let polygons = segmentation(&ctx, &record)?;
        let iscrowd = match record.fields.get("iscrowd") {
            None => false,
            Some(value) => match value.as_u64() {
                Some(0) => false,
                Some(1) => true,
                _ => return Err(ctx.bad(&record.name, "iscrowd", "0 or 1", value)),
            },
        };
        image.annotations.push(CocoAnnotation { id, class, bbox, polygons, iscrowd });
    }
    Ok(CocoDataset { json_path: path.to_path_buf(), images, categories })
}

/// The box of annotation `record` on an image `width × height`, as `[x0, y0, x1, y1]` clipped
/// to the image.
fn bbox(ctx: &Ctx<'_>, record: &Record<'_>, width: usize, height: usize) -> Result<[f32; 4]> {
    let value = ctx.get(record, "bbox")?;
    let numbers: Vec<f64> = match value.as_array() {
        Some(items) if items.len() == 4 => items.iter().filter_map(Value::as_f64).filter(|v| v.is_finite()).collect(),
        _ => Vec::new(),
    };
    let [x, y, w, h] = <[f64; 4]>::try_from(numbers)
        .map_err(|_| ctx.bad(&record.name, "bbox", "an array of 4 finite numbers [x, y, width, height]", value))?;
    let bad = |reason: String| DataError::CocoBadBox {
        path: ctx.path.to_path_buf(),
        record: record.name.clone(),
        bbox: [x, y, w, h],
        reason,
    };
    if w <= 0.0 || h <= 0.0 {
        return Err(bad("has a non-positive width or height".to_string()));
    }
    let (wf, hf) = (width as f64, height as f64);
    let t = BOX_TOLERANCE;
    let clipped = [x.max(0.0), y.max(0.0), (x + w).min(wf), (y + h).min(hf)];
    if x < -t || y < -t || x + w > wf + t || y + h > hf + t || clipped[2] <= clipped[0] || clipped[3] <= clipped[1] {
        return Err(bad(format!(
            "lies outside the {width}x{height} (width x height) image beyond the {t} px tolerance"
        )));
    }
    Ok(clipped.map(|v| v as f32))
}

/// The polygons of annotation `record`'s optional segmentation.
fn segmentation(ctx: &Ctx<'_>, record: &Record<'_>) -> Result<Vec<Vec<(f32, f32)>>> {
    let Some(value) = record.fields.get("segmentation") else {
        return Ok(Vec::new());
    };
    if value.is_object() {
        return Err(DataError::CocoRleSegmentation { path: ctx.path.to_path_buf(), record: record.name.clone() });
    }
    let polygons = value.as_array().ok_or_else(|| {
        ctx.bad(&record.name, "segmentation", "a list of polygons [[x1, y1, x2, y2, ...], ...]", value)
    })?;
    let bad = |polygon: usize, reason: String| DataError::CocoBadPolygon {
        path: ctx.path.to_path_buf(),
        record: record.name.clone(),
        polygon,
        reason,
    };
    polygons
        .iter()
        .enumerate()
        .map(|(k, polygon)| {
            let coords = polygon
                .as_array()
                .ok_or_else(|| bad(k, format!("expected a list of coordinates, found {}", quote(polygon))))?;
            if coords.len() % 2 == 1 {
                return Err(bad(k, format!("odd number of coordinates ({})", coords.len())));
            }
            if coords.len() < 6 {
                return Err(bad(k, format!("{} points, a polygon needs at least 3", coords.len() / 2)));
            }
            let number = |i: usize| match coords[i].as_f64() {
                Some(v) if v.is_finite() => Ok(v as f32),
                _ => Err(bad(k, format!("coordinate {i} is {}, not a finite number", quote(&coords[i])))),
            };
            (0..coords.len() / 2).map(|p| Ok((number(2 * p)?, number(2 * p + 1)?))).collect()
        })
        .collect()
}
