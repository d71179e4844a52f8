//! [`CharacteristicsConfig`]: which modifications to measure, at which levels.

use kiln_data::transform::Modification;
use serde::{Deserialize, Serialize};

/// Images (each with all its modified copies) per forward pass.
const BATCH_IMAGES: usize = 16;

/// The modifications whose importance is measured, and how many images go through the model at
/// once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharacteristicsConfig {
    /// The modifications, in the order of every report's columns.
    pub modifications: Vec<Modification>,
    /// Original images per forward pass; each goes with its modified copies. Default 16.
    pub batch_images: usize,
}

impl CharacteristicsConfig {
    /// The paper's six at the official levels (`mod_values.py`): contrast 0.45, saturation 0.7,
    /// hue 0.1, shape `A = 4`, `w = 0.05` (for 224-px images), texture (non-local means,
    /// template 7, search 21, `h = 4`), brightness 0.8.
    pub fn new() -> Self {
        Self { modifications: Modification::paper().to_vec(), batch_images: BATCH_IMAGES }
    }

    /// The paper's six for images of side `image_size`: the warp's amplitude scaled to the
    /// image, `A = 4 · size / 224` (at least 1 px; [`Modification::shape_for_size`]).
    pub fn small(image_size: usize) -> Self {
        let shape = Modification::shape_for_size(image_size);
        let modifications = Modification::paper()
            .into_iter()
            .map(|m| if matches!(m, Modification::Shape { .. }) { shape } else { m })
            .collect();
        Self { modifications, batch_images: BATCH_IMAGES }
    }

    /// Only `modifications`, in that order.
    pub fn with_modifications(mut self, modifications: Vec<Modification>) -> Self {
        self.modifications = modifications;
        self
    }
}

impl Default for CharacteristicsConfig {
    /// [`CharacteristicsConfig::new`].
    fn default() -> Self {
        Self::new()
    }
}
