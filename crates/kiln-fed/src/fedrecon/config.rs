//! The sizes and settings of a [`ReconBenchmark`](super::ReconBenchmark) run: the paper's
//! ([`ReconBenchmarkConfig::new`]) and the procedural preset ([`ReconBenchmarkConfig::small`]).

use kiln_data::procedural;
use serde::{Deserialize, Serialize};

use super::episodes::EpisodicTraining;
use super::protonet::ProtoNetConfig;
use crate::error::{FedError, Result};

/// Sizes and settings of a benchmark run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReconBenchmarkConfig {
    /// `B`: base classes (`0..B`), known before the first mission.
    pub base_classes: usize,
    /// `F`: field classes (`B..B+F`), learnt in missions.
    pub field_classes: usize,
    /// Side of the images in pixels.
    pub image_size: usize,
    /// Training images per base class (pretraining and the base prototypes).
    pub base_train_per_class: usize,
    /// Training images per field class, sampled by missions without replacement.
    pub field_train_per_class: usize,
    /// Test images per class (base and field).
    pub test_per_class: usize,
    /// Clients; every one goes on every mission.
    pub clients: usize,
    /// `C`: field classes a client draws per mission.
    pub classes_per_mission: usize,
    /// `E`: images per class per mission.
    pub examples_per_class: usize,
    /// Stop after this many missions even if field images are left (`None`: run them out).
    pub max_missions: Option<usize>,
    /// The encoder.
    pub encoder: ProtoNetConfig,
    /// Its episodic pretraining.
    pub training: EpisodicTraining,
    /// Seed of the images, the initialisation, the episodes and the missions.
    pub seed: u64,
}

impl ReconBenchmarkConfig {
    /// The paper's sizes (mini-ImageNet: 50 base and 50 field classes, 84 px, 500 training and
    /// 100 test images per class; 5 clients, 5 classes × 30 images per mission; the 64-channel
    /// encoder with [`EpisodicTraining::paper`]). The procedural generator offers 24 classes,
    /// so `validate` rejects these sizes; they document the target.
    pub fn new() -> Self {
        Self {
            base_classes: 50,
            field_classes: 50,
            image_size: 84,
            base_train_per_class: 500,
            field_train_per_class: 500,
            test_per_class: 100,
            clients: 5,
            classes_per_mission: 5,
            examples_per_class: 30,
            max_missions: None,
            encoder: ProtoNetConfig::new(3),
            training: EpisodicTraining::paper(),
            seed: 0,
        }
    }

    /// The procedural preset: 24 classes of 32 px, 8 base and 16 field; 4 clients, 2 classes
    /// × 30 images per mission; 100 base and 90 field training images and 50 test images per
    /// class (so 6 missions); the 64-channel encoder trained on 300 episodes of 5-way 5-shot
    /// 15-query (3 epochs of 100, lr 1e-3 halved each epoch).
    pub fn small() -> Self {
        Self {
            base_classes: 8,
            field_classes: 16,
            image_size: 32,
            base_train_per_class: 100,
            field_train_per_class: 90,
            test_per_class: 50,
            clients: 4,
            classes_per_mission: 2,
            examples_per_class: 30,
            max_missions: None,
            encoder: ProtoNetConfig::new(3),
            training: EpisodicTraining::small(100),
            seed: 0,
        }
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every field's range and that the procedural generator can supply the classes.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field: 0 clients, classes, images or missions;
    /// `base_classes + field_classes` above the generator's classes; an image size outside
    /// its range; an encoder not on RGB; episodes needing more base classes or images than
    /// there are; invalid encoder or training settings.
    pub fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("clients", self.clients),
            ("base_classes", self.base_classes),
            ("field_classes", self.field_classes),
            ("classes_per_mission", self.classes_per_mission),
            ("examples_per_class", self.examples_per_class),
            ("base_train_per_class", self.base_train_per_class),
            ("field_train_per_class", self.field_train_per_class),
            ("test_per_class", self.test_per_class),
        ] {
            if value == 0 {
                return Err(FedError::setting(field, 0, "must be at least 1"));
            }
        }
        if self.max_missions == Some(0) {
            return Err(FedError::setting("max_missions", 0, "must be at least 1 (or none)"));
        }
        let classes = self.base_classes.saturating_add(self.field_classes);
        if classes > procedural::MAX_CLASSES {
            return Err(FedError::setting(
                "base_classes + field_classes",
                format!(
                    "{} + {} = {classes} (available: {})",
                    self.base_classes,
                    self.field_classes,
                    procedural::MAX_CLASSES
                ),
                "more classes than the procedural generator offers",
            ));
        }
        if !(procedural::MIN_IMAGE_SIZE..=procedural::MAX_IMAGE_SIZE).contains(&self.image_size) {
            return Err(FedError::setting(
                "image_size",
                self.image_size,
                "the procedural generator draws 32 to 128 px",
            ));
        }
        self.encoder.validate()?;
        if self.encoder.in_channels != 3 {
            return Err(FedError::setting("encoder.in_channels", self.encoder.in_channels, "the images are RGB (3)"));
        }
        self.training.validate()?;
        let episode = self.training.episode;
        if episode.ways > self.base_classes {
            return Err(FedError::setting(
                "training.episode.ways",
                format!("{} (base classes: {})", episode.ways, self.base_classes),
                "an episode cannot have more ways than there are base classes",
            ));
        }
        if episode.shots + episode.queries > self.base_train_per_class {
            return Err(FedError::setting(
                "base_train_per_class",
                format!("{} (shots + queries: {})", self.base_train_per_class, episode.shots + episode.queries),
                "fewer base images per class than an episode draws",
            ));
        }
        Ok(())
    }
}

impl Default for ReconBenchmarkConfig {
    /// [`ReconBenchmarkConfig::new`], the paper's sizes.
    fn default() -> Self {
        Self::new()
    }
}
