//! Parsing of the CUB-200-2011 annotation text files into one record per image.
//!
//! Blank lines are skipped; fields are separated by any whitespace (so `\r\n` line ends work);
//! a leading UTF-8 byte-order mark is ignored.
//! Every error names the file and the 1-based line at fault.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::{fs, io};

use crate::error::{DataError, Result};

/// One part annotation as written in `parts/part_locs.txt` (source-image pixels).
#[derive(Debug, Clone)]
pub(super) struct RawPart {
    pub part_id: usize,
    pub name: String,
    pub x: f32,
    pub y: f32,
    pub visible: bool,
}

/// Everything the annotation files say about one image.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub image_id: usize,
    /// Path relative to `root/images/`.
    pub path: String,
    /// 1-based class id.
    pub class_id: usize,
    pub is_training: bool,
    /// `[x, y, width, height]` in source-image pixels.
    pub bbox: [f32; 4],
    /// Line of `bounding_boxes.txt` holding the box.
    pub bbox_line: usize,
    /// Sorted by part id.
    pub parts: Vec<RawPart>,
}

/// The parsed annotations of a CUB-200-2011 root.
#[derive(Debug)]
pub(super) struct Annotations {
    /// Sorted by image id.
    pub records: Vec<Record>,
    /// Class names, indexed by `class_id - 1`.
    pub class_names: Vec<String>,
    /// Path of `bounding_boxes.txt`, for errors found once images are decoded.
    pub bbox_path: PathBuf,
}

/// The largest class id accepted without `classes.txt` (which would otherwise be named `1..=id`,
/// one name and one model output per id). CUB-200-2011 has 200 classes.
pub(super) const MAX_UNNAMED_CLASS_ID: usize = 10_000;

/// Image ids listed in `images.txt`: id → (line, relative path).
type Listing = BTreeMap<usize, (usize, String)>;

/// Part annotations by image id, then part id.
type PartsByImage = BTreeMap<usize, BTreeMap<usize, RawPart>>;

/// Reads and cross-checks every annotation file under `root`.
pub(super) fn read(root: &Path) -> Result<Annotations> {
    let images_file = TextFile::required(root, "images.txt", "image ids and paths")?;
    let labels_file = TextFile::required(root, "image_class_labels.txt", "image class labels")?;
    let split_file = TextFile::required(root, "train_test_split.txt", "train/test split")?;
    let bbox_file = TextFile::required(root, "bounding_boxes.txt", "bounding boxes")?;

    let listing = images_file.per_image(None, (2, "2"), |_, _, f| Ok(f[1].to_string()))?;
    if listing.is_empty() {
        return Err(DataError::EmptyDataset { path: images_file.path, what: "image records" });
    }
    let listed = Some((&images_file, &listing));

    let class_names = match TextFile::optional(root, "classes.txt")? {
        Some(file) => file.numbered_names("class id")?,
        None => Vec::new(),
    };
    let labels = labels_file.per_image(listed, (2, "2"), |line, _, f| {
        let class_id = labels_file.uint(line, "class id", f[1])?;
        if class_id == 0 {
            return Err(labels_file.bad(line, "class id 0: class ids are 1-based".into()));
        }
        if !class_names.is_empty() && class_id > class_names.len() {
            let n = class_names.len();
            return Err(labels_file.bad(line, format!("class id {class_id} is not in classes.txt ({n} classes)")));
        }
        if class_names.is_empty() && class_id > MAX_UNNAMED_CLASS_ID {
            return Err(labels_file.bad(
                line,
                format!("class id {class_id} is above {MAX_UNNAMED_CLASS_ID}, the most accepted without classes.txt"),
            ));
        }
        Ok(class_id)
    })?;
    let split = split_file.per_image(listed, (2, "2"), |line, _, f| split_file.flag(line, "is_training", f[1]))?;
    let bboxes = bbox_file.per_image(listed, (5, "5"), |line, image_id, f| {
        let mut bbox = [0.0; 4];
        for (value, (field, text)) in bbox.iter_mut().zip(["x", "y", "width", "height"].into_iter().zip(&f[1..])) {
            *value = bbox_file.float(line, field, text)?;
        }
        if bbox[0] < 0.0 || bbox[1] < 0.0 || bbox[2] <= 0.0 || bbox[3] <= 0.0 {
            let reason = "is degenerate (negative origin, or width or height not positive)".to_string();
            return Err(DataError::CubBadBoundingBox { path: bbox_file.path.clone(), line, image_id, bbox, reason });
        }
        Ok(bbox)
    })?;
    let mut parts = read_parts(root, &images_file, &listing)?;

    let mut records = Vec::with_capacity(listing.len());
    for (&image_id, (images_line, path)) in &listing {
        let require = |file: &TextFile| DataError::CubMissingRecord {
            path: file.path.clone(),
            image_id,
            images_path: images_file.path.clone(),
            images_line: *images_line,
        };
        let &(_, class_id) = labels.get(&image_id).ok_or_else(|| require(&labels_file))?;
        let &(_, is_training) = split.get(&image_id).ok_or_else(|| require(&split_file))?;
        let &(bbox_line, bbox) = bboxes.get(&image_id).ok_or_else(|| require(&bbox_file))?;
        let parts = parts.remove(&image_id).unwrap_or_default().into_values().collect();
        records.push(Record { image_id, path: path.clone(), class_id, is_training, bbox, bbox_line, parts });
    }

    let class_names = if class_names.is_empty() {
        let n = records.iter().map(|r| r.class_id).max().unwrap_or(0);
        (1..=n).map(|id| id.to_string()).collect()
    } else {
        class_names
    };
    Ok(Annotations { records, class_names, bbox_path: bbox_file.path })
}

/// Reads the optional `parts/parts.txt` names and `parts/part_locs.txt` locations; empty when
/// the locations file is absent. Without `parts.txt`, a part is named by its id.
fn read_parts(root: &Path, images_file: &TextFile, listing: &Listing) -> Result<PartsByImage> {
    let names = match TextFile::optional(root, "parts/parts.txt")? {
        Some(file) => file.numbered_names("part id")?,
        None => Vec::new(),
    };
    let mut by_image = PartsByImage::new();
    let Some(file) = TextFile::optional(root, "parts/part_locs.txt")? else {
        return Ok(by_image);
    };
    for (line, text) in file.records() {
        let f = file.fields(line, text, (5, "5"))?;
        let image_id = file.uint(line, "image id", f[0])?;
        let part_id = file.uint(line, "part id", f[1])?;
        let (x, y) = (file.float(line, "x", f[2])?, file.float(line, "y", f[3])?);
        let visible = file.flag(line, "visible", f[4])?;
        if !listing.contains_key(&image_id) {
            let listed_in = images_file.path.display();
            return Err(file.bad(line, format!("image id {image_id} is not listed in {listed_in}")));
        }
        let name = if names.is_empty() {
            part_id.to_string()
        } else {
            match part_id.checked_sub(1).and_then(|i| names.get(i)) {
                Some(name) => name.clone(),
                None => return Err(file.bad(line, format!("part id {part_id} is not in parts/parts.txt"))),
            }
        };
        let parts = by_image.entry(image_id).or_default();
        if parts.insert(part_id, RawPart { part_id, name, x, y, visible }).is_some() {
            return Err(file.bad(line, format!("duplicate part id {part_id} for image id {image_id}")));
        }
    }
    Ok(by_image)
}

/// One annotation text file: its path and contents.
struct TextFile {
    path: PathBuf,
    text: String,
}

impl TextFile {
    /// Reads `root/name`, a file the dataset cannot do without.
    fn required(root: &Path, name: &str, what: &'static str) -> Result<Self> {
        Self::optional(root, name)?.ok_or_else(|| DataError::CubMissingFile { path: root.join(name), what })
    }

    /// Reads `root/name` (a UTF-8 byte-order mark dropped), or `None` if it does not exist.
    fn optional(root: &Path, name: &str) -> Result<Option<Self>> {
        let path = root.join(name);
        match fs::read_to_string(&path) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.replace_range(..'\u{feff}'.len_utf8(), "");
                }
                Ok(Some(Self { path, text }))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DataError::io(path, e)),
        }
    }

    /// The non-blank lines as (1-based line number, line text).
    fn records(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty())
    }

    /// The whitespace-separated fields of `text`, which must number exactly `count.0` (spelled
    /// `count.1` in errors).
    fn fields<'a>(&self, line: usize, text: &'a str, count: (usize, &'static str)) -> Result<Vec<&'a str>> {
        let (n, expected) = count;
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != n {
            return Err(DataError::CubFieldCount { path: self.path.clone(), line, expected, found: fields.len() });
        }
        Ok(fields)
    }

    /// Parses `<image_id> ...` lines of `count` fields into a map image id → (line, value),
    /// rejecting duplicates and (when `listed` is given) ids that `images.txt` does not list.
    /// `parse` gets the line number, the image id and all fields.
    fn per_image<T>(
        &self,
        listed: Option<(&TextFile, &Listing)>,
        count: (usize, &'static str),
        mut parse: impl FnMut(usize, usize, &[&str]) -> Result<T>,
    ) -> Result<BTreeMap<usize, (usize, T)>> {
        let mut map = BTreeMap::new();
        for (line, text) in self.records() {
            let f = self.fields(line, text, count)?;
            let image_id = self.uint(line, "image id", f[0])?;
            if let Some((images_file, images)) = listed
                && !images.contains_key(&image_id)
            {
                let listed = images_file.path.display();
                return Err(self.bad(line, format!("image id {image_id} is not listed in {listed}")));
            }
            let value = parse(line, image_id, &f)?;
            if let Some((first, _)) = map.insert(image_id, (line, value)) {
                return Err(self.bad(line, format!("duplicate image id {image_id} (first on line {first})")));
            }
        }
        Ok(map)
    }

    /// Parses `<id> <name with spaces>` lines whose ids must run 1, 2, 3, … in order.
    fn numbered_names(&self, field: &'static str) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for (line, text) in self.records() {
            let text = text.trim();
            let Some((id, name)) = text.split_once(char::is_whitespace) else {
                return Err(DataError::CubFieldCount {
                    path: self.path.clone(),
                    line,
                    expected: "at least 2",
                    found: 1,
                });
            };
            let id = self.uint(line, field, id)?;
            if id != names.len() + 1 {
                let want = names.len() + 1;
                return Err(
                    self.bad(line, format!("{field} {id} out of sequence: ids must run 1, 2, 3, …; expected {want}"))
                );
            }
            names.push(name.trim().to_string());
        }
        Ok(names)
    }

    /// Parses a non-negative integer field.
    fn uint(&self, line: usize, field: &'static str, value: &str) -> Result<usize> {
        value.parse().map_err(|_| self.not_a_number(line, field, value, "a non-negative integer"))
    }

    /// Parses a finite floating-point field.
    fn float(&self, line: usize, field: &'static str, value: &str) -> Result<f32> {
        match value.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.not_a_number(line, field, value, "a finite number")),
        }
    }

    /// Parses a `0`/`1` flag field.
    fn flag(&self, line: usize, field: &'static str, value: &str) -> Result<bool> {
        match self.uint(line, field, value)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(self.bad(line, format!("{field} must be 0 or 1, found {other}"))),
        }
    }

    /// A [`DataError::CubNotANumber`] at `line`.
    fn not_a_number(&self, line: usize, field: &'static str, value: &str, expected: &'static str) -> DataError {
        DataError::CubNotANumber { path: self.path.clone(), line, field, value: value.to_string(), expected }
    }

    /// A [`DataError::CubBadRecord`] at `line`.
    fn bad(&self, line: usize, reason: String) -> DataError {
        DataError::CubBadRecord { path: self.path.clone(), line, reason }
    }
}
