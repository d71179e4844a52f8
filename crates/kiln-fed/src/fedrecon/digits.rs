//! Federated reconnaissance on the embedded 8×8 digits, ready to call: the learning test's and
//! the reproduce page's experiment of the claim that prototype averaging keeps what the
//! system knew (no base prototype ever changes) while it learns new classes.
//!
//! The digits are split 80/20 by the seed ([`digit_vectors`]). An MLP encoder (64 → hidden,
//! ReLU; the embedding is the hidden layer) is pretrained as the paper's encoder is, by
//! prototypical episodes ([`pretrain_encoder`]), on the base classes `0..B` only. Mission 1:
//! the clients report the base classes (IID shards of the base training digits), which gives
//! the server its base prototypes; mission 2: the clients bring the other classes, never
//! trained on. Accuracy is the nearest prototype over every class known, on the test digits.

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::nn::MlpConfig;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use serde::{Deserialize, Serialize};

use super::episodes::{EpisodicTraining, pretrain_encoder};
use super::mission::Reconnaissance;
use crate::core::{clients_from_shards, split_iid};
use crate::digits::digit_vectors;
use crate::error::{FedError, Result};

/// How the encoder is pretrained on the base classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EncoderTraining {
    /// By prototypical episodes, as the paper's encoder ([`pretrain_encoder`]).
    Episodes(EpisodicTraining),
    /// The ablation: the MLP with its softmax head over the base classes, cross-entropy,
    /// `epochs` of Adam at `lr`, batch 32; the embedding is the hidden layer.
    Softmax {
        /// Epochs over the base training digits.
        epochs: usize,
        /// Adam's learning rate.
        lr: f64,
    },
}

/// Settings of a digits run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigitsRecon {
    /// `B`: the base classes are `0..B`, the field classes `B..10`.
    pub base_classes: usize,
    /// Width of the encoder's hidden layer (the embedding).
    pub hidden: usize,
    /// Clients per mission.
    pub clients: usize,
    /// The encoder's pretraining.
    pub training: EncoderTraining,
    /// Seed of the split, the initialisation (burn's device RNG), the episodes and the shards.
    pub seed: u64,
}

/// What a digits run measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DigitsReconRecord {
    /// The base classes' test accuracy after mission 1 (only base classes known).
    pub base_before: f64,
    /// The base classes' test accuracy after mission 2, the field classes competing.
    pub base_after: f64,
    /// The field classes' test accuracy after mission 2.
    pub field: f64,
    /// Accuracy over all ten classes after mission 2.
    pub all: f64,
    /// The pretraining's training accuracy in its last epoch (episodes: query accuracy).
    pub pretrain_accuracy: f64,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

impl DigitsRecon {
    /// 5 base classes, hidden width 512, 3 clients; 600 episodes of 5-way 5-shot 15-query
    /// (3 epochs of 200, Adam 1e-3 halved each epoch).
    pub fn small() -> Self {
        Self {
            base_classes: 5,
            hidden: 512,
            clients: 3,
            training: EncoderTraining::Episodes(EpisodicTraining::small(200)),
            seed: 0,
        }
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The same run with the encoder pretrained by softmax cross-entropy instead of episodes
    /// (15 epochs, lr 3e-3).
    pub fn with_softmax_pretraining(mut self) -> Self {
        self.training = EncoderTraining::Softmax { epochs: 15, lr: 3e-3 };
        self
    }

    /// Pretrains, runs both missions and scores them. The encoder is initialised from
    /// `device.seed(seed)` (burn's process-wide RNG: run one experiment at a time for
    /// reproducible numbers).
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] for `base_classes` outside `ways..10` (each side needs a
    /// class; episodes need `N` base classes; 2 for the softmax), 0 `hidden` or `clients`;
    /// invalid training settings; an engine or merge failure.
    pub fn run(&self, device: &Device) -> Result<DigitsReconRecord> {
        let ways = match &self.training {
            EncoderTraining::Episodes(t) => t.episode.ways,
            EncoderTraining::Softmax { .. } => 2,
        };
        if self.base_classes < ways || self.base_classes >= 10 {
            return Err(FedError::setting(
                "base_classes",
                format!("{} (the encoder's pretraining needs at least {ways})", self.base_classes),
                "must be at least the episode's ways and below 10 (at least one field class)",
            ));
        }
        for (field, value) in [("hidden", self.hidden), ("clients", self.clients)] {
            if value == 0 {
                return Err(FedError::setting(field, 0, "must be at least 1"));
            }
        }
        let start = Instant::now();
        let (train, test) = digit_vectors(self.seed)?;
        let is_base = |e: &VectorExample| e.label < self.base_classes;
        let (base, field): (Vec<_>, Vec<_>) = train.into_iter().partition(is_base);
        device.seed(self.seed);
        let encoder = MlpConfig::new(64, 10).with_hidden(vec![self.hidden]).init(device);
        let (encoder, report) = match &self.training {
            EncoderTraining::Episodes(training) => {
                pretrain_encoder(encoder, &base, VectorBatcher::default(), training, self.seed, device)?
            }
            EncoderTraining::Softmax { epochs, lr } => {
                let loader = DataLoader::new(base.clone(), VectorBatcher::default(), 32).shuffled(self.seed);
                let phases = [Phase::train("pretrain", TrainPhase::new(*epochs, *lr))];
                Trainer::new(device.clone()).with_seed(self.seed).fit(encoder, &phases, &loader, None)?
            }
        };
        let pretrain_accuracy =
            report.records.last().and_then(|r| r.train.get("accuracy").copied()).unwrap_or(f64::NAN);

        let mut recon = Reconnaissance::new(encoder, VectorBatcher::default());
        let (test_base, test_field): (Vec<_>, Vec<_>) = test.iter().cloned().partition(is_base);
        recon.mission(&clients_from_shards(&base, &split_iid(base.len(), self.clients, self.seed)?, device))?;
        let base_before = recon.accuracy(&test_base, device)?;
        recon.mission(&clients_from_shards(&field, &split_iid(field.len(), self.clients, self.seed + 1)?, device))?;
        Ok(DigitsReconRecord {
            base_before,
            base_after: recon.accuracy(&test_base, device)?,
            field: recon.accuracy(&test_field, device)?,
            all: recon.accuracy(&test, device)?,
            pretrain_accuracy,
            seconds: start.elapsed().as_secs_f64(),
        })
    }
}
