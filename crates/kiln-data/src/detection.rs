//! Object-detection data shared by the generators and readers: an image with its object
//! [`Instance`]s (class, box, optional pixel [`Mask`]).
//!
//! Coordinates are continuous pixel coordinates: pixel `(y, x)` spans `[x, x + 1) × [y, y + 1)`
//! and its centre is `(x + 0.5, y + 0.5)`. A box is `[x0, y0, x1, y1]` with `x1 > x0`, `y1 > y0`;
//! the box of a mask runs from the left/top edge of its first pixel to the right/bottom edge of
//! its last, so a single pixel `(y, x)` has box `[x, y, x + 1, y + 1]`.

use crate::error::{DataError, Result};
use crate::item::Image;

/// A binary pixel mask of one object, `height × width`, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    /// Height in pixels.
    pub height: usize,
    /// Width in pixels.
    pub width: usize,
    /// `height * width` flags, row-major: `true` where the object is.
    pub bits: Vec<bool>,
}

impl Mask {
    /// An empty (all `false`) mask.
    pub fn new(height: usize, width: usize) -> Self {
        Self { height, width, bits: vec![false; height * width] }
    }

    /// A mask from `height * width` row-major flags.
    ///
    /// # Errors
    /// [`DataError::InvalidConfig`] if `bits.len() != height * width`.
    pub fn from_bits(height: usize, width: usize, bits: Vec<bool>) -> Result<Self> {
        if Some(bits.len()) != height.checked_mul(width) {
            return Err(DataError::InvalidConfig(format!(
                "a {height}×{width} mask needs {} flags, got {}",
                height.saturating_mul(width),
                bits.len()
            )));
        }
        Ok(Self { height, width, bits })
    }

    /// The mask of a closed polygon (the last point joins the first), `height × width`.
    ///
    /// A pixel is set when its **centre** `(x + 0.5, y + 0.5)` is inside the polygon by the
    /// **even-odd rule** (a self-intersecting polygon has holes where it overlaps itself). A
    /// centre exactly on a left or top edge counts as inside, on a right or bottom edge as
    /// outside, so polygons that tile the plane cover every pixel exactly once. Points are
    /// `(x, y)`; parts outside the image are clipped. Fewer than 3 points, or any non-finite
    /// coordinate, give an empty mask.
    pub fn from_polygon(points: &[(f32, f32)], height: usize, width: usize) -> Self {
        let mut mask = Self::new(height, width);
        mask.fill_polygon(points);
        mask
    }

    /// The union of the masks of several polygons (each filled by [`Mask::from_polygon`]'s
    /// rule), as COCO's multi-part segmentations are read.
    pub fn from_polygons(polygons: &[Vec<(f32, f32)>], height: usize, width: usize) -> Self {
        let mut mask = Self::new(height, width);
        polygons.iter().for_each(|points| mask.fill_polygon(points));
        mask
    }

    /// Sets (in addition to the pixels already set) the pixels inside `points`, by the rule of
    /// [`Mask::from_polygon`].
    pub fn fill_polygon(&mut self, points: &[(f32, f32)]) {
        if points.len() < 3 || points.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
            return;
        }
        let (lo, hi) = points.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
        // Rows whose centre may lie inside: y + 0.5 in [lo, hi).
        let first = (lo - 0.5).ceil().max(0.0) as usize;
        let last = ((hi - 0.5).ceil().max(0.0) as usize).min(self.height);
        let mut crossings = Vec::with_capacity(points.len());
        for y in first..last {
            let py = y as f32 + 0.5;
            crossings.clear();
            for (i, &(ax, ay)) in points.iter().enumerate() {
                let (bx, by) = points[(i + 1) % points.len()];
                if (ay > py) != (by > py) {
                    crossings.push(ax + (py - ay) * (bx - ax) / (by - ay));
                }
            }
            crossings.sort_by(f32::total_cmp);
            for pair in crossings.chunks_exact(2) {
                // Centres px = x + 0.5 with pair[0] <= px < pair[1].
                let x0 = (pair[0] - 0.5).ceil().max(0.0) as usize;
                let x1 = ((pair[1] - 0.5).ceil().max(0.0) as usize).min(self.width);
                for x in x0..x1 {
                    self.bits[y * self.width + x] = true;
                }
            }
        }
    }

    /// Whether pixel `(y, x)` is set; `false` outside the mask.
    pub fn get(&self, y: usize, x: usize) -> bool {
        y < self.height && x < self.width && self.bits.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Sets pixel `(y, x)` to `on`; a pixel outside the mask is ignored.
    pub fn set(&mut self, y: usize, x: usize, on: bool) {
        if y < self.height
            && x < self.width
            && let Some(bit) = self.bits.get_mut(y * self.width + x)
        {
            *bit = on;
        }
    }

    /// Number of set pixels.
    pub fn area(&self) -> usize {
        self.bits.iter().filter(|&&on| on).count()
    }

    /// Whether no pixel is set.
    pub fn is_empty(&self) -> bool {
        !self.bits.iter().any(|&on| on)
    }

    /// The tight box `[x0, y0, x1, y1]` around the set pixels (pixel edges, so one pixel
    /// `(y, x)` gives `[x, y, x + 1, y + 1]`), or `None` for an empty mask.
    pub fn bbox(&self) -> Option<[f32; 4]> {
        let mut bounds: Option<[usize; 4]> = None;
        for (y, row) in self.bits.chunks(self.width.max(1)).enumerate().take(self.height) {
            let (Some(first), Some(last)) = (row.iter().position(|&on| on), row.iter().rposition(|&on| on)) else {
                continue;
            };
            let b = bounds.get_or_insert([first, y, last, y]);
            *b = [b[0].min(first), b[1], b[2].max(last), y];
        }
        bounds.map(|[x0, y0, x1, y1]| [x0 as f32, y0 as f32, (x1 + 1) as f32, (y1 + 1) as f32])
    }

    /// Number of pixels set in both masks (pixels outside either mask count as unset).
    pub fn intersection_area(&self, other: &Mask) -> usize {
        if (self.height, self.width) == (other.height, other.width) {
            return self.bits.iter().zip(&other.bits).filter(|&(&a, &b)| a && b).count();
        }
        let (h, w) = (self.height.min(other.height), self.width.min(other.width));
        (0..h).map(|y| (0..w).filter(|&x| self.get(y, x) && other.get(y, x)).count()).sum()
    }

    /// Intersection over union of the two masks; 0 when both are empty.
    pub fn iou(&self, other: &Mask) -> f32 {
        let inter = self.intersection_area(other);
        let union = self.area() + other.area() - inter;
        if union == 0 { 0.0 } else { inter as f32 / union as f32 }
    }

    /// The horizontal runs of set pixels as `(y, x0, x1)`: pixels `x0..x1` of row `y` are set,
    /// runs are maximal and come in row-major order.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for (y, row) in self.bits.chunks(self.width.max(1)).enumerate().take(self.height) {
            let mut x = 0;
            while x < row.len() {
                if row[x] {
                    let start = x;
                    while x < row.len() && row[x] {
                        x += 1;
                    }
                    runs.push((y, start, x));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

/// One annotated object.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Class index into the dataset's class names.
    pub class: usize,
    /// Box `[x0, y0, x1, y1]` in pixels, `x1 > x0`, `y1 > y0`.
    pub bbox: [f32; 4],
    /// The object's pixels, the size of its image, when the source has them.
    pub mask: Option<Mask>,
}

impl Instance {
    /// An instance with a box and no mask.
    pub fn new(class: usize, bbox: [f32; 4]) -> Self {
        Self { class, bbox, mask: None }
    }

    /// An instance whose box is the tight box of `mask` ([`Mask::bbox`]); `None` for an empty
    /// mask.
    pub fn from_mask(class: usize, mask: Mask) -> Option<Self> {
        let bbox = mask.bbox()?;
        Some(Self { class, bbox, mask: Some(mask) })
    }

    /// Box width `x1 - x0`.
    pub fn box_width(&self) -> f32 {
        self.bbox[2] - self.bbox[0]
    }

    /// Box height `y1 - y0`.
    pub fn box_height(&self) -> f32 {
        self.bbox[3] - self.bbox[1]
    }

    /// Box area (0 for a degenerate box).
    pub fn box_area(&self) -> f32 {
        self.box_width().max(0.0) * self.box_height().max(0.0)
    }
}

/// Intersection over union of two boxes `[x0, y0, x1, y1]`; 0 when the union is empty.
pub fn box_iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let area = |r: [f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let inter = area([a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])]);
    let union = area(a) + area(b) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// An image with its objects.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionExample {
    /// The image (CHW, values in `[0, 1]`).
    pub image: Image,
    /// The annotated objects (masks, when present, are `image.height × image.width`).
    pub instances: Vec<Instance>,
}

/// A detection dataset: examples and the names of their classes.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionSet {
    /// The examples.
    pub examples: Vec<DetectionExample>,
    /// Class names, indexed by [`Instance::class`].
    pub class_names: Vec<String>,
}

impl DetectionSet {
    /// Number of classes.
    pub fn num_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.examples.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.examples.is_empty()
    }
}
