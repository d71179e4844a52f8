//! Procedural "aerial" detection scenes, where an object's class depends on its surroundings.
//!
//! Each square RGB scene (96 px by default) shows land and water (a wavy shoreline or a river,
//! each ground a smooth noisy texture of similar brightness) and 3–12 objects of four classes
//! ([`CLASS_NAMES`]):
//!
//! * **ship** and **vehicle** have *the same* shape (a stadium: a rectangle with round ends and
//!   a brighter or darker cabin at its front), size and colour distributions; an elongated
//!   object on water is a ship, on land a vehicle, so a detector must look at the ground
//!   around an object to name it;
//! * **storage tank** (a disc with a rim) and **building** (a rectangle with a roof ridge) stand
//!   on land.
//!
//! Objects are small (about 2–8 px across) or large (12–30 px), placed mostly in one to three
//! clusters (a cluster shares a preferred land class and, often, an orientation), and have
//! low contrast: nearly grey, 0.05–0.5 brighter or darker than the ground, with the same colour
//! distribution for every class. Every object lies entirely on its ground.
//!
//! Objects drawn later cover earlier ones; each [`Instance`] carries the mask of exactly its
//! visible pixels (masks never overlap) and the tight box of that mask ([`Mask::bbox`], pixel
//! edges). Placement keeps every object at least [`AerialConfig::min_visible_pixels`] visible
//! pixels and at least half of its own pixels, and never lets one object sit mostly on another.
//!
//! Generation is a pure function of the configuration, the seed and the index: scene `i` is the
//! same whatever the number of scenes generated.

mod objects;
mod terrain;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::scene::mix;
use super::{check_image_size, image_seed};
use crate::detection::{DetectionExample, DetectionSet, Instance, Mask};
use crate::error::{DataError, Result};
use crate::item::Image;

/// Names of the classes, indexed by class.
pub const CLASS_NAMES: [&str; 4] = ["ship", "vehicle", "storage tank", "building"];

/// Class of an elongated object on water.
pub const SHIP: usize = 0;
/// Class of an elongated object on land (the same shape as a ship).
pub const VEHICLE: usize = 1;
/// Class of a disc on land.
pub const STORAGE_TANK: usize = 2;
/// Class of a rectangle on land.
pub const BUILDING: usize = 3;

/// Smallest supported image side, in pixels.
pub const MIN_IMAGE_SIZE: usize = 48;

/// Largest supported image side, in pixels.
pub const MAX_IMAGE_SIZE: usize = 256;

/// Largest supported number of objects per scene.
pub const MAX_OBJECTS: usize = 32;

/// Seed salt that keeps these scenes' random streams apart from the other generators'.
const STREAM: u64 = 0x4145_5249_414C; // "AERIAL"

/// Amplitude of the uniform per-pixel colour noise added everywhere.
const PIXEL_NOISE: f32 = 0.03;

/// What to generate. Build with [`AerialConfig::new`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq)]
pub struct AerialConfig {
    /// Side of the square images, in pixels (`48..=256`, default 96).
    pub size: usize,
    /// Fewest objects per scene (at least 1, default 3).
    pub min_objects: usize,
    /// Most objects per scene (`min_objects..=32`, default 12); the number is uniform between
    /// the two (fewer only when a scene is too crowded to place more, never below the minimum
    /// in practice).
    pub max_objects: usize,
    /// Fewest visible pixels an object may keep (at least 1, default 6).
    pub min_visible_pixels: usize,
    /// Probability that an object is large (`0..=1`, default 0.35).
    pub large_fraction: f32,
}

impl AerialConfig {
    /// The default configuration: 96 px scenes with 3 to 12 objects, a third of them large.
    pub fn new() -> Self {
        Self { size: 96, min_objects: 3, max_objects: 12, min_visible_pixels: 6, large_fraction: 0.35 }
    }

    /// Sets the image side in pixels.
    pub fn with_size(mut self, size: usize) -> Self {
        self.size = size;
        self
    }

    /// Sets the fewest and most objects per scene.
    pub fn with_objects(mut self, min_objects: usize, max_objects: usize) -> Self {
        self.min_objects = min_objects;
        self.max_objects = max_objects;
        self
    }

    /// Sets the probability that an object is large.
    pub fn with_large_fraction(mut self, large_fraction: f32) -> Self {
        self.large_fraction = large_fraction;
        self
    }

    /// The class names, indexed by class ([`CLASS_NAMES`]).
    pub fn class_names(&self) -> Vec<String> {
        CLASS_NAMES.iter().map(|name| name.to_string()).collect()
    }

    /// Checks that every field is in range.
    ///
    /// # Errors
    /// [`DataError::InvalidConfig`] naming the field and its allowed range.
    pub fn validate(&self) -> Result<()> {
        check_image_size(self.size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)?;
        if self.min_objects == 0 || self.min_objects > self.max_objects || self.max_objects > MAX_OBJECTS {
            return Err(DataError::InvalidConfig(format!(
                "aerial scenes need 1 <= min_objects <= max_objects <= {MAX_OBJECTS}, got {}..={}",
                self.min_objects, self.max_objects
            )));
        }
        if self.min_visible_pixels == 0 {
            return Err(DataError::InvalidConfig("min_visible_pixels must be at least 1".to_string()));
        }
        if !(0.0..=1.0).contains(&self.large_fraction) {
            return Err(DataError::InvalidConfig(format!(
                "large_fraction must be in 0..=1, got {}",
                self.large_fraction
            )));
        }
        Ok(())
    }
}

impl Default for AerialConfig {
    /// As [`AerialConfig::new`].
    fn default() -> Self {
        Self::new()
    }
}

/// A generated scene with the ground truth of its background.
#[derive(Debug, Clone, PartialEq)]
pub struct AerialScene {
    /// The image and its objects.
    pub example: DetectionExample,
    /// `true` where the ground is water (at pixel centres), `false` on land.
    pub water: Mask,
}

/// Generates scenes `0..count` for `seed`.
///
/// # Errors
/// [`DataError::InvalidConfig`] if [`AerialConfig::validate`] fails.
pub fn generate(cfg: &AerialConfig, count: usize, seed: u64) -> Result<Vec<DetectionExample>> {
    cfg.validate()?;
    Ok((0..count).map(|index| render(cfg, index, seed).example).collect())
}

/// Generates scenes `0..count` for `seed` as a [`DetectionSet`] with the class names.
///
/// # Errors
/// [`DataError::InvalidConfig`] if [`AerialConfig::validate`] fails.
pub fn generate_set(cfg: &AerialConfig, count: usize, seed: u64) -> Result<DetectionSet> {
    Ok(DetectionSet { examples: generate(cfg, count, seed)?, class_names: cfg.class_names() })
}

/// Generates only scene `index` for `seed` (its example is `generate(cfg, n, seed)?[index]` for
/// any `n > index`), with the water mask.
///
/// # Errors
/// [`DataError::InvalidConfig`] if [`AerialConfig::validate`] fails.
pub fn generate_scene(cfg: &AerialConfig, index: usize, seed: u64) -> Result<AerialScene> {
    cfg.validate()?;
    Ok(render(cfg, index, seed))
}

/// Renders scene `index` of a validated configuration.
fn render(cfg: &AerialConfig, index: usize, seed: u64) -> AerialScene {
    let mut rng = StdRng::seed_from_u64(image_seed(seed ^ STREAM, index));
    let size = cfg.size;
    let terrain = terrain::Terrain::random(size, &mut rng);
    let (objects, owner) = objects::place(cfg, &terrain, &mut rng);
    let noise_seed: u64 = rand::Rng::random(&mut rng);

    let plane = size * size;
    let mut image = Image::zeros(3, size, size);
    let mut masks: Vec<Mask> = objects.iter().map(|_| Mask::new(size, size)).collect();
    for y in 0..size {
        for x in 0..size {
            let i = y * size + x;
            let base = match owner[i] {
                Some(k) => {
                    masks[k].bits[i] = true;
                    let object = &objects[k];
                    let accent = object.shape.accent(x as f32 + 0.5, y as f32 + 0.5);
                    if accent { object.accent } else { object.colour }
                }
                None => terrain.colour(y, x),
            };
            let noise = mix(noise_seed ^ i as u64);
            for (c, value) in base.iter().enumerate() {
                let n = ((noise >> (16 * c)) & 0xFFFF) as f32 / 65535.0 - 0.5;
                image.pixels[c * plane + i] = (value + 2.0 * PIXEL_NOISE * n).clamp(0.0, 1.0);
            }
        }
    }

    let instances = objects
        .iter()
        .zip(masks)
        .filter(|(_, mask)| mask.area() >= cfg.min_visible_pixels)
        .filter_map(|(object, mask)| Instance::from_mask(object.class, mask))
        .collect();
    AerialScene { example: DetectionExample { image, instances }, water: terrain.water }
}
