//! Procedural layout images: two parts whose *relative position* is the class.
//!
//! Each image shows two small parts of side `p` on a noisy background: a filled square (the
//! **anchor**) and a hollow square (the **ring**). The class is where the ring sits relative to
//! the anchor ([`Relation`]): right of, left of, below or above it. Every image holds exactly one
//! anchor and one ring, with random brightness (or colour), at random absolute positions, so the
//! *local* content of every image is the same in all classes: a model that classifies a bag of
//! small patches (a CNN whose receptive field is smaller than the distance between the parts,
//! followed by global average pooling) is at chance. Only a model that relates the two parts
//! (a receptive field covering the image, a flatten head, an MLP) can tell the classes apart.
//!
//! Geometry for side `s` ([`LayoutGeometry::for_size`]): parts of side `p = 2⌊s/11⌋ + 1`
//! (5 px at 28 and 32 px, 11 at 64 px), kept `m = ⌊s/14⌋` pixels from the border; along the
//! relation's axis the parts are separated by a gap of `g ∈ [⌊s/4⌋ + 1, s − 2m − 2p]` background
//! pixels (at 28 px: 8 to 14), so their nearest pixels are at least `⌊s/4⌋ + 2` apart and no
//! window of side `⌊s/4⌋ + 1` (8 px at 28 px, the receptive field of a two-block CNN) contains
//! pixels of both; across the axis the ring is offset from the anchor by at most `p` pixels, so
//! the relation is never ambiguous (the centres are at least `p + g > 2p` apart along the axis).
//!
//! Generation is a pure function of the configuration: image `i` depends only on the seed and
//! `i`, and its label is `i mod 4`, so the classes are balanced.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::check_image_size;
use super::scene::muted;
use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample};

/// Number of classes: the four [`Relation`]s.
pub const NUM_CLASSES: usize = 4;

/// Smallest supported image side, in pixels.
pub const MIN_IMAGE_SIZE: usize = 16;

/// Largest supported image side, in pixels.
pub const MAX_IMAGE_SIZE: usize = 128;

/// Seed salt that keeps these images' random streams apart from the creature images' for the
/// same dataset seed.
const STREAM: u64 = 0x4C41_594F_5554; // "LAYOUT"

/// Amplitude of the uniform per-pixel noise added everywhere.
const PIXEL_NOISE: f32 = 0.05;

/// Where the ring sits relative to the anchor; the class label is the variant's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Label 0: the ring is right of the anchor.
    RightOf,
    /// Label 1: the ring is left of the anchor.
    LeftOf,
    /// Label 2: the ring is below the anchor.
    Below,
    /// Label 3: the ring is above the anchor.
    Above,
}

impl Relation {
    /// All relations, in label order.
    pub const ALL: [Relation; NUM_CLASSES] = [Self::RightOf, Self::LeftOf, Self::Below, Self::Above];

    /// The relation of class `label`, or `None` outside `0..NUM_CLASSES`.
    pub fn from_label(label: usize) -> Option<Self> {
        Self::ALL.get(label).copied()
    }

    /// The class label, `0..NUM_CLASSES`.
    pub fn label(self) -> usize {
        self as usize
    }

    /// A human-readable description, e.g. `"ring right of square"`.
    pub fn description(self) -> &'static str {
        match self {
            Self::RightOf => "ring right of square",
            Self::LeftOf => "ring left of square",
            Self::Below => "ring below square",
            Self::Above => "ring above square",
        }
    }

    /// Whether the parts are side by side (`true`) or one above the other (`false`).
    fn horizontal(self) -> bool {
        matches!(self, Self::RightOf | Self::LeftOf)
    }

    /// Whether the ring comes first (left or top) along the relation's axis.
    fn ring_first(self) -> bool {
        matches!(self, Self::LeftOf | Self::Above)
    }
}

/// What to generate. Build with [`LayoutConfig::new`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutConfig {
    /// Side of the square images, in pixels (`16..=128`).
    pub image_size: usize,
    /// Channels: 1 (grey) or 3 (RGB). Default 1.
    pub channels: usize,
    /// Number of images; labels cycle through the classes (default 1000).
    pub num_images: usize,
    /// Seed of the generator (default 0).
    pub seed: u64,
}

impl LayoutConfig {
    /// Grey images of side `image_size`, 1000 images, seed 0.
    pub fn new(image_size: usize) -> Self {
        Self { image_size, channels: 1, num_images: 1000, seed: 0 }
    }

    /// Sets the number of channels (1 or 3).
    pub fn with_channels(mut self, channels: usize) -> Self {
        self.channels = channels;
        self
    }

    /// Sets the number of images.
    pub fn with_num_images(mut self, num_images: usize) -> Self {
        self.num_images = num_images;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks that every field is in range.
    ///
    /// # Errors
    /// [`DataError::InvalidConfig`] naming the field and its allowed values.
    pub fn validate(&self) -> Result<()> {
        check_image_size(self.image_size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)?;
        if self.channels != 1 && self.channels != 3 {
            return Err(DataError::InvalidConfig(format!("channels must be 1 or 3, got {}", self.channels)));
        }
        if self.num_images == 0 {
            return Err(DataError::InvalidConfig("num_images must be at least 1".to_string()));
        }
        Ok(())
    }
}

/// The placement rules for one image side; see the [module docs](self) for the formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutGeometry {
    /// Side of each part, `p = 2⌊s/11⌋ + 1`.
    pub part: usize,
    /// Background pixels between a part and the border, at least: `m = ⌊s/14⌋`.
    pub margin: usize,
    /// Smallest gap between the parts along the relation's axis: `⌊s/4⌋ + 1`.
    pub min_gap: usize,
    /// Largest gap: `s − 2m − 2p`.
    pub max_gap: usize,
    /// Largest offset of the ring from the anchor across the axis: `p`.
    pub max_offset: usize,
}

impl LayoutGeometry {
    /// The geometry for images of side `size` (meaningful for `MIN_IMAGE_SIZE..=MAX_IMAGE_SIZE`,
    /// where `min_gap ≤ max_gap`).
    pub fn for_size(size: usize) -> Self {
        let part = 2 * (size / 11) + 1;
        let margin = size / 14;
        Self {
            part,
            margin,
            min_gap: size / 4 + 1,
            max_gap: size.saturating_sub(2 * margin + 2 * part),
            max_offset: part,
        }
    }
}

/// A part's square: top-left corner and side, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartBox {
    /// Top row.
    pub row: usize,
    /// Left column.
    pub column: usize,
    /// Side.
    pub side: usize,
}

/// A generated image with its label and where its two parts are.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutImage {
    /// The image (`channels × image_size × image_size`, values in `[0, 1]`).
    pub image: Image,
    /// Class: the index of the [`Relation`] of the ring to the anchor.
    pub label: usize,
    /// The filled square.
    pub anchor: PartBox,
    /// The hollow square.
    pub ring: PartBox,
}

impl LayoutImage {
    /// The image and label without the part boxes.
    pub fn to_example(&self) -> ImageExample {
        ImageExample { image: self.image.clone(), label: self.label }
    }
}

/// Generates the whole dataset: `cfg.num_images` images, image `i` having label `i % 4`.
///
/// # Errors
/// [`DataError::InvalidConfig`] if [`LayoutConfig::validate`] fails.
pub fn generate(cfg: &LayoutConfig) -> Result<Vec<LayoutImage>> {
    cfg.validate()?;
    Ok((0..cfg.num_images).map(|index| render(cfg, index)).collect())
}

/// The dataset as labelled images, ready for a [`DataLoader`](crate::DataLoader).
///
/// # Errors
/// [`DataError::InvalidConfig`] if [`LayoutConfig::validate`] fails.
pub fn examples(cfg: &LayoutConfig) -> Result<Vec<ImageExample>> {
    cfg.validate()?;
    Ok((0..cfg.num_images).map(|index| render(cfg, index).to_example()).collect())
}

/// Generates only image `index`, identical to `generate(cfg)?[index]`.
///
/// # Errors
/// [`DataError::InvalidConfig`] if the configuration is invalid or `index >= cfg.num_images`.
pub fn generate_one(cfg: &LayoutConfig, index: usize) -> Result<LayoutImage> {
    cfg.validate()?;
    if index >= cfg.num_images {
        return Err(DataError::InvalidConfig(format!(
            "image index {index} out of range for {} images",
            cfg.num_images
        )));
    }
    Ok(render(cfg, index))
}

/// Renders image `index` of a validated configuration.
fn render(cfg: &LayoutConfig, index: usize) -> LayoutImage {
    let mut rng = StdRng::seed_from_u64(super::image_seed(cfg.seed ^ STREAM, index));
    let relation = Relation::ALL[index % NUM_CLASSES];
    let (anchor, ring) = place(cfg.image_size, relation, &mut rng);
    let background = colour(cfg.channels, &mut rng, (0.2, 0.6), (0.0, 0.3));
    let anchor_colour = colour(cfg.channels, &mut rng, (0.3, 0.9), (0.7, 1.0));
    let ring_colour = colour(cfg.channels, &mut rng, (0.3, 0.9), (0.7, 1.0));
    let thickness = (ring.side / 5).max(1);

    let size = cfg.image_size;
    let mut image = Image::zeros(cfg.channels, size, size);
    for y in 0..size {
        for x in 0..size {
            let pixel = if inside(anchor, y, x, 0) {
                anchor_colour
            } else if inside(ring, y, x, 0) && !inside(ring, y, x, thickness) {
                ring_colour
            } else {
                background
            };
            for (c, value) in pixel.iter().enumerate().take(cfg.channels) {
                let noise = rng.random_range(-PIXEL_NOISE..=PIXEL_NOISE);
                *image.at_mut(c, y, x) = (value + noise).clamp(0.0, 1.0);
            }
        }
    }
    LayoutImage { image, label: relation.label(), anchor, ring }
}

/// Whether pixel `(y, x)` lies in `part` shrunk by `inset` pixels on every side (`inset = 0`:
/// the part itself; the ring's hole is the ring shrunk by its thickness).
fn inside(part: PartBox, y: usize, x: usize, inset: usize) -> bool {
    let within = |v: usize, start: usize| v >= start + inset && v + inset < start + part.side;
    within(y, part.row) && within(x, part.column)
}

/// A random colour: grey level `value` for one channel, a hue with saturation `sat` for three
/// (only the first `channels` entries are used).
fn colour(channels: usize, rng: &mut StdRng, sat: (f32, f32), value: (f32, f32)) -> [f32; 3] {
    if channels == 1 { [rng.random_range(value.0..value.1); 3] } else { muted(rng, sat, value) }
}

/// Places the anchor and the ring in an image of side `size` so that they stand in `relation`
/// (see the module docs for the rules).
fn place(size: usize, relation: Relation, rng: &mut StdRng) -> (PartBox, PartBox) {
    let g = LayoutGeometry::for_size(size);
    let p = g.part;
    let gap = rng.random_range(g.min_gap..=g.max_gap.max(g.min_gap));
    let extent = 2 * p + gap;
    // Along the axis: the first part starts at `u`, the second `p + gap` further.
    let first = rng.random_range(g.margin..=size.saturating_sub(g.margin + extent).max(g.margin));
    let second = first + p + gap;
    // Across the axis: the anchor anywhere, the ring within `max_offset` of it.
    let (lo, hi) = (g.margin, size.saturating_sub(g.margin + p).max(g.margin));
    let anchor_across = rng.random_range(lo..=hi);
    let ring_across =
        rng.random_range(anchor_across.saturating_sub(g.max_offset).max(lo)..=(anchor_across + g.max_offset).min(hi));
    let (anchor_along, ring_along) = if relation.ring_first() { (second, first) } else { (first, second) };
    let part = |along: usize, across: usize| {
        if relation.horizontal() {
            PartBox { row: across, column: along, side: p }
        } else {
            PartBox { row: along, column: across, side: p }
        }
    };
    (part(anchor_along, anchor_across), part(ring_along, ring_across))
}
