//! Drawing one procedural scene: a textured background, the creature's parts, and which part
//! owns each pixel.
//!
//! Pixels are sampled at their centres without anti-aliasing, so every pixel belongs to exactly
//! one part (or the background) and the part masks are exact.

use rand::Rng;
use rand::rngs::StdRng;

use super::cue::ClassParts;
use super::{PART_NAMES, PartAnnotation, PartImage};
use crate::item::Image;
use crate::transform::hsv_to_rgb as hsv;

/// The class-defining head shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeadShape {
    /// A disc.
    Circle,
    /// An axis-aligned square.
    Square,
    /// An upward-pointing equilateral triangle.
    Triangle,
    /// A square standing on a corner.
    Diamond,
}

/// All head shapes, in class order.
pub(super) const HEAD_SHAPES: [HeadShape; 4] =
    [HeadShape::Circle, HeadShape::Square, HeadShape::Triangle, HeadShape::Diamond];

impl HeadShape {
    /// The shape's name as used in class descriptions.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Circle => "circle",
            Self::Square => "square",
            Self::Triangle => "triangle",
            Self::Diamond => "diamond",
        }
    }

    /// Whether offset `(dx, dy)` from the centre lies inside the shape of nominal radius `r`.
    /// The shapes have roughly equal areas so that size does not give the class away.
    fn contains(self, dx: f32, dy: f32, r: f32) -> bool {
        match self {
            Self::Circle => dx * dx + dy * dy <= r * r,
            Self::Square => dx.abs() <= 0.88 * r && dy.abs() <= 0.88 * r,
            Self::Diamond => dx.abs() + dy.abs() <= 1.25 * r,
            Self::Triangle => {
                let big = TRIANGLE_CIRCUMRADIUS * r;
                dy <= 0.5 * big && dy >= -big + 3f32.sqrt() * dx.abs()
            }
        }
    }
}

/// Circumradius of the triangle head relative to the nominal radius; also the largest extent of
/// any head shape.
const TRIANGLE_CIRCUMRADIUS: f32 = 1.35;

/// A class-defining wing colour.
#[derive(Debug, Clone, Copy)]
pub(super) struct WingColour {
    /// The colour's name as used in class descriptions.
    pub(super) name: &'static str,
    /// Its RGB value.
    rgb: [f32; 3],
}

/// All wing colours, saturated and far apart.
pub(super) const WING_COLOURS: [WingColour; 6] = [
    WingColour { name: "red", rgb: [0.90, 0.10, 0.10] },
    WingColour { name: "blue", rgb: [0.12, 0.30, 0.95] },
    WingColour { name: "yellow", rgb: [0.95, 0.88, 0.10] },
    WingColour { name: "green", rgb: [0.10, 0.75, 0.20] },
    WingColour { name: "magenta", rgb: [0.85, 0.12, 0.85] },
    WingColour { name: "cyan", rgb: [0.10, 0.85, 0.90] },
];

/// The head shape and wing colour of class `label` (see the module docs of
/// [`procedural`](super)). Distinct for all labels below `MAX_CLASSES` because 4 + 1 and 6 are
/// coprime.
pub(super) fn class_parts(label: usize) -> (HeadShape, WingColour) {
    let shapes = HEAD_SHAPES.len();
    (HEAD_SHAPES[label % shapes], WING_COLOURS[(label + label / shapes) % WING_COLOURS.len()])
}

/// SplitMix64 finaliser: a fast, well-mixing 64-bit hash.
pub(super) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Amplitude of the per-pixel colour noise added everywhere.
const PIXEL_NOISE: f32 = 0.03;

/// The geometry of one part, in pixel coordinates (y pointing down).
#[derive(Debug, Clone, Copy)]
enum Geometry {
    /// An axis-aligned ellipse.
    Ellipse { cx: f32, cy: f32, rx: f32, ry: f32 },
    /// A triangle given by its corners.
    Triangle([(f32, f32); 3]),
    /// A class-defining head.
    Head { shape: HeadShape, cx: f32, cy: f32, r: f32 },
}

impl Geometry {
    /// Whether point `(x, y)` is inside.
    fn contains(&self, x: f32, y: f32) -> bool {
        match *self {
            Self::Ellipse { cx, cy, rx, ry } => {
                let (u, v) = ((x - cx) / rx, (y - cy) / ry);
                u * u + v * v <= 1.0
            }
            Self::Triangle([a, b, c]) => {
                let side = |p: (f32, f32), q: (f32, f32)| (q.0 - p.0) * (y - p.1) - (q.1 - p.1) * (x - p.0);
                let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
                (d1 >= 0.0 && d2 >= 0.0 && d3 >= 0.0) || (d1 <= 0.0 && d2 <= 0.0 && d3 <= 0.0)
            }
            Self::Head { shape, cx, cy, r } => shape.contains(x - cx, y - cy, r),
        }
    }

    /// A bounding box `[x0, y0, x1, y1]` containing the part.
    fn bbox(&self) -> [f32; 4] {
        match *self {
            Self::Ellipse { cx, cy, rx, ry } => [cx - rx, cy - ry, cx + rx, cy + ry],
            Self::Triangle(points) => points.iter().fold(
                [f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY],
                |[x0, y0, x1, y1], &(x, y)| [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
            ),
            Self::Head { cx, cy, r, .. } => {
                let e = TRIANGLE_CIRCUMRADIUS * r;
                [cx - e, cy - e, cx + e, cy + e]
            }
        }
    }

    /// Moves the part by `(dx, dy)`.
    fn translate(&mut self, dx: f32, dy: f32) {
        match self {
            Self::Ellipse { cx, cy, .. } | Self::Head { cx, cy, .. } => {
                *cx += dx;
                *cy += dy;
            }
            Self::Triangle(points) => points.iter_mut().for_each(|p| *p = (p.0 + dx, p.1 + dy)),
        }
    }
}

/// One drawn part.
struct Part {
    /// Index into [`PART_NAMES`].
    kind: usize,
    /// Where it is.
    geometry: Geometry,
    /// Its flat colour.
    colour: [f32; 3],
}

/// Background textures, each mixing two colours.
enum Texture {
    /// Blocky value noise with square cells of side `cell`.
    Noise { cell: f32, salt: u64 },
    /// Parallel stripes along direction `(cos, sin)` with the given period.
    Stripes { cos: f32, sin: f32, period: f32 },
    /// A checkerboard of square cells of side `cell`.
    Checker { cell: f32 },
}

/// A textured, muted background.
struct Background {
    /// The texture pattern.
    texture: Texture,
    /// The darker colour.
    dark: [f32; 3],
    /// The lighter colour.
    light: [f32; 3],
}

impl Background {
    /// A random background for images of side `s`.
    fn random(s: f32, rng: &mut StdRng) -> Self {
        let hue = rng.random_range(0.0..1.0);
        let sat = rng.random_range(0.05..0.25);
        let value = rng.random_range(0.12..0.30);
        let dark = hsv(hue, sat, value);
        let light = hsv(hue + rng.random_range(-0.08..0.08), sat, value + rng.random_range(0.06..0.14));
        let texture = match rng.random_range(0..3) {
            0 => Texture::Noise { cell: (rng.random_range(1.0..3.0) * s / 64.0).max(1.0), salt: rng.random() },
            1 => {
                let angle: f32 = rng.random_range(0.0..std::f32::consts::PI);
                Texture::Stripes { cos: angle.cos(), sin: angle.sin(), period: rng.random_range(0.08..0.2) * s }
            }
            _ => Texture::Checker { cell: rng.random_range(0.06..0.15) * s },
        };
        Self { texture, dark, light }
    }

    /// The background colour at point `(x, y)`.
    fn colour(&self, x: f32, y: f32) -> [f32; 3] {
        let t = match self.texture {
            Texture::Noise { cell, salt } => {
                let (i, j) = ((x / cell) as u64, (y / cell) as u64);
                (mix(salt ^ mix(i ^ (j << 32))) >> 40) as f32 / (1u64 << 24) as f32
            }
            Texture::Stripes { cos, sin, period } => {
                if ((x * cos + y * sin) / period).rem_euclid(1.0) < 0.5 {
                    0.0
                } else {
                    1.0
                }
            }
            Texture::Checker { cell } => {
                if ((x / cell) as u64 + (y / cell) as u64).is_multiple_of(2) {
                    0.0
                } else {
                    1.0
                }
            }
        };
        std::array::from_fn(|c| self.dark[c] + t * (self.light[c] - self.dark[c]))
    }
}

/// A random muted colour with saturation and value drawn from the given ranges.
pub(super) fn muted(rng: &mut StdRng, sat: (f32, f32), value: (f32, f32)) -> [f32; 3] {
    let hue = rng.random_range(0.0..1.0);
    hsv(hue, rng.random_range(sat.0..sat.1), rng.random_range(value.0..value.1))
}

/// The creature with head shape and wing colour `class` for images of side `s`, placed fully
/// inside the image.
fn creature(s: f32, class: &ClassParts, rng: &mut StdRng) -> Vec<Part> {
    let (shape, wing) = (class.shape, class.wing);
    let scale = rng.random_range(0.85..1.1);
    let dir: f32 = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
    let (a, b, r) = (0.2 * s * scale, 0.13 * s * scale, 0.13 * s * scale);
    let body_colour = muted(rng, (0.1, 0.3), (0.5, 0.72));

    let mut parts = Vec::with_capacity(PART_NAMES.len());
    if rng.random_bool(0.75) {
        let length = rng.random_range(0.08..0.18) * s * scale;
        let half_width = rng.random_range(0.3..0.55) * b;
        let tip_dy = rng.random_range(-0.4..0.4) * b;
        let colour = if rng.random_bool(0.5) { body_colour } else { muted(rng, (0.1, 0.3), (0.45, 0.72)) };
        let base = -dir * 0.7 * a;
        let geometry = Geometry::Triangle([(base, -half_width), (base, half_width), (-dir * (a + length), tip_dy)]);
        parts.push(Part { kind: 0, geometry, colour });
    }
    let body = Geometry::Ellipse { cx: 0.0, cy: 0.0, rx: a, ry: b };
    parts.push(Part { kind: 1, geometry: body, colour: body_colour });
    let wing_geometry = Geometry::Ellipse { cx: -dir * 0.25 * a, cy: -0.5 * b, rx: 0.65 * a, ry: 0.62 * b };
    let wing_colour = wing.rgb.map(|v| (v + rng.random_range(-0.05..0.05)).clamp(0.0, 1.0));
    parts.push(Part { kind: 2, geometry: wing_geometry, colour: wing_colour });
    let head = Geometry::Head { shape, cx: dir * (a + 0.45 * r), cy: -0.45 * b, r };
    parts.push(Part { kind: 3, geometry: head, colour: muted(rng, (0.0, 0.12), (0.88, 1.0)) });

    // Place the creature's bounding box at a random position at least one pixel from the edges.
    let [x0, y0, x1, y1] = parts
        .iter()
        .map(|p| p.geometry.bbox())
        .fold([f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY], |u, b| {
            [u[0].min(b[0]), u[1].min(b[1]), u[2].max(b[2]), u[3].max(b[3])]
        });
    let mut offset = |lo: f32, hi: f32| {
        let (min, max) = (1.0 - lo, s - 1.0 - hi);
        if max > min { rng.random_range(min..max) } else { 0.5 * (min + max) }
    };
    let (dx, dy) = (offset(x0, x1), offset(y0, y1));
    parts.iter_mut().for_each(|p| p.geometry.translate(dx, dy));
    parts
}

/// Renders one scene of side `size` for class `label`, whose creature has the head shape and
/// wing colour `class`.
pub(super) fn render(size: usize, label: usize, class: &ClassParts, rng: &mut StdRng) -> PartImage {
    let s = size as f32;
    let background = Background::random(s, rng);
    let parts = creature(s, class, rng);
    let noise_seed: u64 = rng.random();
    let boxes: Vec<[f32; 4]> = parts.iter().map(|p| p.geometry.bbox()).collect();

    let plane = size * size;
    let mut image = Image::zeros(3, size, size);
    let mut masks = vec![vec![false; plane]; parts.len()];
    // Per part: number of visible pixels and the sums of their x and y.
    let mut stats = vec![(0usize, 0f64, 0f64); parts.len()];
    for y in 0..size {
        for x in 0..size {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let i = y * size + x;
            let hit = (0..parts.len()).rev().find(|&k| {
                let [x0, y0, x1, y1] = boxes[k];
                px >= x0 && px <= x1 && py >= y0 && py <= y1 && parts[k].geometry.contains(px, py)
            });
            let base = match hit {
                Some(k) => {
                    masks[k][i] = true;
                    let (n, sx, sy) = &mut stats[k];
                    (*n, *sx, *sy) = (*n + 1, *sx + x as f64, *sy + y as f64);
                    parts[k].colour
                }
                None => background.colour(px, py),
            };
            let noise = mix(noise_seed ^ i as u64);
            for (c, value) in base.iter().enumerate() {
                let n = ((noise >> (16 * c)) & 0xFFFF) as f32 / 65535.0 - 0.5;
                image.pixels[c * plane + i] = (value + 2.0 * PIXEL_NOISE * n).clamp(0.0, 1.0);
            }
        }
    }

    let annotations = parts
        .iter()
        .zip(masks)
        .zip(stats)
        .filter_map(|((part, mask), (count, sx, sy))| {
            let defines_class = match part.kind {
                2 => class.wing_defines,
                3 => class.head_defines,
                _ => false,
            };
            (count > 0)
                .then(|| annotate((part.kind, defines_class), mask, size, (sx / count as f64, sy / count as f64)))
        })
        .collect();
    PartImage { image, label, parts: annotations, head_shape: class.shape.name(), wing_colour: class.wing.name }
}

/// The annotation of a part of kind `kind` (defining the class or not) whose (non-empty) visible
/// pixels are `mask` and have centroid `(cx, cy)`: the keypoint is the visible pixel nearest to
/// the centroid.
fn annotate(
    (kind, defines_class): (usize, bool),
    mask: Vec<bool>,
    size: usize,
    (cx, cy): (f64, f64),
) -> PartAnnotation {
    let mut best = (f64::INFINITY, (0.0, 0.0));
    for (i, _) in mask.iter().enumerate().filter(|(_, on)| **on) {
        let (x, y) = ((i % size) as f64, (i / size) as f64);
        let d = (x - cx).powi(2) + (y - cy).powi(2);
        if d < best.0 {
            best = (d, (x as f32, y as f32));
        }
    }
    PartAnnotation { name: PART_NAMES[kind].to_string(), keypoint: best.1, mask, defines_class }
}
