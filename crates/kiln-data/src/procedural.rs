//! A deterministic, procedural, part-annotated image dataset.
//!
//! Each image shows a simple "creature" (a tail, a body ellipse, a wing and a head) at a jittered
//! position, scale and facing over a textured background (value noise, stripes or a checkerboard
//! in a random muted colour). The **class** is fixed by two parts together:
//!
//! * the **head shape**: circle, square, triangle or diamond;
//! * the **wing colour**: red, blue, yellow, green, magenta or cyan.
//!
//! Class `l` has head shape `l mod 4` and wing colour `(l + l / 4) mod 6`, so every class is a
//! distinct combination and, from three classes on, neither part alone tells all classes apart.
//! [`ProceduralConfig::with_class_cue`] makes one part alone the class instead ([`ClassCue`]:
//! the wing colour with a random head shape, or the head shape with a random wing colour).
//! Everything else (body and tail colour, whether there is a tail, its shape, the head's near-white
//! tint, the background, position, scale, facing, pixel noise) varies at random and carries no
//! class information. Distractors are kept away from the class cues: backgrounds, bodies and
//! tails use desaturated colours, wings saturated ones; only heads have the four head shapes.
//!
//! Every image comes with one [`PartAnnotation`] per visible part: a pixel mask of exactly the
//! pixels where that part is visible (parts drawn later cover earlier ones), a keypoint, and
//! whether the part defines the class. This lets one measure whether, for example, the prototypes
//! of a prototype network sit on class-defining parts.
//!
//! Generation is a pure function of the configuration: the same [`ProceduralConfig`] always gives
//! the same images, and image `i` depends only on the seed, `i` and its label `i mod num_classes`.
//!
//! [`layout`] holds a second generator: two parts whose relative position is the class, for
//! testing whether a model relates distant parts of an image.

pub mod aerial;
mod cue;
pub mod layout;
mod scene;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample};

pub use cue::ClassCue;

/// Number of distinct classes available with the default cue (4 head shapes × 6 wing colours);
/// see [`ClassCue::max_classes`] for the others.
pub const MAX_CLASSES: usize = scene::HEAD_SHAPES.len() * scene::WING_COLOURS.len();

/// Smallest supported image side, in pixels.
pub const MIN_IMAGE_SIZE: usize = 32;

/// Largest supported image side, in pixels.
pub const MAX_IMAGE_SIZE: usize = 128;

/// Names of the parts, in drawing order (later parts cover earlier ones). The tail is absent from
/// some images; the others are always present.
pub const PART_NAMES: [&str; 4] = ["tail", "body", "wing", "head"];

/// What to generate. Build with [`ProceduralConfig::new`] and the `with_*` methods.
#[derive(Debug, Clone)]
pub struct ProceduralConfig {
    /// Side of the square images, in pixels (`32..=128`, default 64).
    pub image_size: usize,
    /// Number of classes (`2..=MAX_CLASSES`, default 10).
    pub num_classes: usize,
    /// Number of images; labels cycle through the classes, so they are balanced (default 200 per
    /// class).
    pub num_images: usize,
    /// Seed of the generator (default 0).
    pub seed: u64,
    /// Which parts define the class (default [`ClassCue::HeadAndWing`]).
    pub class_cue: ClassCue,
}

impl ProceduralConfig {
    /// A configuration for `num_classes` classes: 64-pixel images, 200 images per class, seed 0.
    pub fn new(num_classes: usize) -> Self {
        Self {
            image_size: 64,
            num_classes,
            num_images: num_classes.saturating_mul(200),
            seed: 0,
            class_cue: ClassCue::HeadAndWing,
        }
    }

    /// Sets the image side in pixels.
    pub fn with_image_size(mut self, image_size: usize) -> Self {
        self.image_size = image_size;
        self
    }

    /// Sets the number of classes (the number of images is left as it is).
    pub fn with_num_classes(mut self, num_classes: usize) -> Self {
        self.num_classes = num_classes;
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

    /// Sets which parts define the class.
    pub fn with_class_cue(mut self, class_cue: ClassCue) -> Self {
        self.class_cue = class_cue;
        self
    }

    /// A description of class `label` under this configuration's cue, e.g.
    /// `"triangle head, red wing"` or `"red wing, any head"`; for a label outside
    /// `0..num_classes` (or beyond the cue's classes) it says the class is unknown.
    pub fn class_description(&self, label: usize) -> String {
        if label >= self.num_classes.min(self.class_cue.max_classes()) {
            return format!("unknown class {label} (of {})", self.num_classes);
        }
        self.class_cue.describe(label)
    }

    /// Checks that every field is in range.
    ///
    /// # Errors
    /// [`DataError::InvalidConfig`] naming the field and its allowed range.
    pub fn validate(&self) -> Result<()> {
        check_image_size(self.image_size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)?;
        let max = self.class_cue.max_classes();
        if !(2..=max).contains(&self.num_classes) {
            return Err(DataError::InvalidConfig(format!(
                "num_classes must be in 2..={max} with class cue {:?}, got {}",
                self.class_cue, self.num_classes
            )));
        }
        if self.num_images == 0 {
            return Err(DataError::InvalidConfig("num_images must be at least 1".to_string()));
        }
        Ok(())
    }
}

impl Default for ProceduralConfig {
    /// Ten classes, as [`ProceduralConfig::new`]`(10)`.
    fn default() -> Self {
        Self::new(10)
    }
}

/// One visible part of a creature.
#[derive(Debug, Clone, PartialEq)]
pub struct PartAnnotation {
    /// Part name, one of [`PART_NAMES`].
    pub name: String,
    /// `(x, y)` = (column, row) of a pixel of the part: the visible pixel nearest to the centroid
    /// of the visible pixels, so it always lies inside `mask`.
    pub keypoint: (f32, f32),
    /// `height * width` flags, row-major: `true` exactly where this part is visible.
    pub mask: Vec<bool>,
    /// Whether the part determines the class (head and wing, or the one of them the
    /// [`ClassCue`] names) or is a distractor (body, tail, the other one).
    pub defines_class: bool,
}

/// A generated image with its label and part annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct PartImage {
    /// The RGB image (3 channels, `image_size` × `image_size`).
    pub image: Image,
    /// Class index in `0..num_classes`; see [`class_description`].
    pub label: usize,
    /// The visible parts, in drawing order (see [`PART_NAMES`]); masks never overlap.
    pub parts: Vec<PartAnnotation>,
    /// The head's shape: `circle`, `square`, `triangle` or `diamond`.
    pub head_shape: &'static str,
    /// The wing's colour: `red`, `blue`, `yellow`, `green`, `magenta` or `cyan`.
    pub wing_colour: &'static str,
}

impl PartImage {
    /// The image and label without the annotations.
    pub fn to_example(&self) -> ImageExample {
        ImageExample { image: self.image.clone(), label: self.label }
    }
}

/// Generates the whole dataset: `cfg.num_images` images, image `i` having label
/// `i % cfg.num_classes`.
///
/// # Errors
/// [`DataError::InvalidConfig`] if [`ProceduralConfig::validate`] fails.
pub fn generate(cfg: &ProceduralConfig) -> Result<Vec<PartImage>> {
    cfg.validate()?;
    Ok((0..cfg.num_images).map(|index| render(cfg, index)).collect())
}

/// Generates only image `index` of the dataset `cfg` describes, identical to
/// `generate(cfg)?[index]` (useful to produce images lazily).
///
/// # Errors
/// [`DataError::InvalidConfig`] if the configuration is invalid or `index >= cfg.num_images`.
pub fn generate_one(cfg: &ProceduralConfig, index: usize) -> Result<PartImage> {
    cfg.validate()?;
    if index >= cfg.num_images {
        return Err(DataError::InvalidConfig(format!(
            "image index {index} out of range for {} images",
            cfg.num_images
        )));
    }
    Ok(render(cfg, index))
}

/// A human-readable description of class `label`, e.g. `"triangle head, red wing"`; for a label
/// outside `0..num_classes` (or beyond [`MAX_CLASSES`]) it says the class is unknown.
/// (The default cue; [`ProceduralConfig::class_description`] describes any.)
pub fn class_description(num_classes: usize, label: usize) -> String {
    ProceduralConfig::new(num_classes).class_description(label)
}

/// Renders image `index` of a validated configuration. The cue's random part is drawn from its
/// own stream, so the scene's stream (and the default cue's images) are the same as without it.
fn render(cfg: &ProceduralConfig, index: usize) -> PartImage {
    let seed = image_seed(cfg.seed, index);
    let label = index % cfg.num_classes;
    let class = cfg.class_cue.parts(label, &mut StdRng::seed_from_u64(scene::mix(seed ^ CUE_STREAM)));
    scene::render(cfg.image_size, label, &class, &mut StdRng::seed_from_u64(seed))
}

/// Seed salt of the cue's stream.
const CUE_STREAM: u64 = 0x4355_4553; // "CUES"

/// The seed of image `index`: a SplitMix64 mix of the dataset seed and the index.
fn image_seed(seed: u64, index: usize) -> u64 {
    scene::mix(seed ^ scene::mix(index as u64))
}

/// A generator's `image_size` must be in `min..=max`.
pub(crate) fn check_image_size(image_size: usize, min: usize, max: usize) -> Result<()> {
    if !(min..=max).contains(&image_size) {
        return Err(DataError::InvalidConfig(format!("image_size must be in {min}..={max}, got {image_size}")));
    }
    Ok(())
}
