//! Configuration of MixtureGrowth: the target wide ResNet, the templates, growth and the
//! training schedule. `new()` holds the paper's CIFAR-100 values (official `main.py` defaults
//! and `scripts/cifar/template_mixing/ours.sh`); `small()` is the CPU preset.

use serde::{Deserialize, Serialize};

use super::MixtureGrowthError;
use super::grow::GrowInit;

/// MixtureGrowth's settings. Widths are those of the *grown* (target) network; each seed has
/// half of every width (`template_size [0.5, 0.5, 1.0]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MixtureGrowthConfig {
    /// Image channels.
    pub in_channels: usize,
    /// Classes.
    pub num_classes: usize,
    /// WRN depth `d` (`(d − 4) / 6` blocks per stage). Paper: 28.
    pub depth: usize,
    /// Widen factor `k` of the target network (stage widths `16k, 32k, 64k`). Paper: 10; each
    /// seed is then a WRN-28-5.
    pub widen_factor: usize,
    /// Stem channels of the target (16 in WRN; the seeds get 8).
    pub stem_width: usize,
    /// Templates in each of the two template sets (`num_templates_each_set [2, 2]`).
    pub templates_per_set: usize,
    /// The BatchNorm between a block's two convolutions (official `--use_bn`, off by default).
    pub use_bn: bool,
    /// How the new (off-diagonal) coefficients are initialised at growth (`--coefs_growing`).
    pub grow_init: GrowInit,
    /// Scale of the new coefficients (`--coefs_noise_growing`, 1.0).
    pub coefs_noise_growing: f64,
    /// Epochs of each seed before growth (`growth_epochs [100]`, `ensemble_train_epochs 100`).
    pub seed_epochs: usize,
    /// Epochs of the grown network (official CIFAR-100 run: `epochs 220` = 100 + 100 + 20).
    pub grown_epochs: usize,
    /// Seed learning rate (SGD, `--learning_rate 0.1`).
    pub lr: f64,
    /// Grown-network learning rate (`--lr_growing`, 0.001 in the CIFAR-100 run).
    pub lr_growing: f64,
    /// Final grown-network learning rate (`--lr_growing_min 3e-5`).
    pub lr_growing_min: f64,
    /// Final seed learning rate (timm cosine `lr_min 1e-6`).
    pub lr_min: f64,
    /// Linear warm-up epochs of the seeds' cosine schedule (`--cosine_lr_warmup 2`).
    pub warmup_epochs: usize,
    /// Linear warm-up epochs of the grown network's schedule (`--lr_warmup_growing 1`).
    pub warmup_epochs_growing: usize,
    /// SGD momentum (0.9).
    pub momentum: f64,
    /// L2 weight decay on templates and BatchNorms (5e-4); coefficients get none.
    pub weight_decay: f32,
    /// Batch size (128).
    pub batch_size: usize,
}

impl MixtureGrowthConfig {
    /// The paper's CIFAR-100 setting: WRN-28-10 grown from two WRN-28-5 seeds.
    pub fn new() -> Self {
        Self {
            in_channels: 3,
            num_classes: 100,
            depth: 28,
            widen_factor: 10,
            stem_width: 16,
            templates_per_set: 2,
            use_bn: false,
            grow_init: GrowInit::Orthogonal,
            coefs_noise_growing: 1.0,
            seed_epochs: 100,
            grown_epochs: 20,
            lr: 0.1,
            lr_growing: 1e-3,
            lr_growing_min: 3e-5,
            lr_min: 1e-6,
            warmup_epochs: 2,
            warmup_epochs_growing: 1,
            momentum: 0.9,
            weight_decay: 5e-4,
            batch_size: 128,
        }
    }

    /// CPU preset: WRN-10-4 grown from two WRN-10-2 seeds, 10 classes (32-px procedural images
    /// or the digits), a few epochs.
    pub fn small() -> Self {
        Self {
            num_classes: 10,
            depth: 10,
            widen_factor: 4,
            seed_epochs: 10,
            grown_epochs: 5,
            lr_growing: 0.01,
            lr_growing_min: 1e-4,
            warmup_epochs: 1,
            batch_size: 64,
            ..Self::new()
        }
    }

    /// The same network for other images and classes.
    pub fn with_input(mut self, in_channels: usize, num_classes: usize) -> Self {
        self.in_channels = in_channels;
        self.num_classes = num_classes;
        self
    }

    /// The same settings with another depth and widen factor.
    pub fn with_size(mut self, depth: usize, widen_factor: usize) -> Self {
        self.depth = depth;
        self.widen_factor = widen_factor;
        self
    }

    /// The same settings with another growth initialisation.
    pub fn with_grow_init(mut self, init: GrowInit) -> Self {
        self.grow_init = init;
        self
    }

    /// Blocks per stage: `(depth − 4) / 6`.
    pub fn blocks_per_stage(&self) -> usize {
        (self.depth.saturating_sub(4)) / 6
    }

    /// Channels of the target network: stem, then the three stages.
    pub fn target_widths(&self) -> [usize; 4] {
        let k = self.widen_factor;
        [self.stem_width, 16 * k, 32 * k, 64 * k]
    }

    /// Channels of a seed: half of every target width.
    pub fn seed_widths(&self) -> [usize; 4] {
        self.target_widths().map(|c| c / 2)
    }

    /// Checks the settings a user can get wrong.
    ///
    /// # Errors
    /// [`MixtureGrowthError::InvalidConfig`] naming the field.
    pub fn validate(&self) -> Result<(), MixtureGrowthError> {
        let bad = |msg: String| Err(MixtureGrowthError::InvalidConfig(msg));
        if self.depth < 10 || !(self.depth - 4).is_multiple_of(6) {
            return bad(format!("depth {} is not 6n + 4 with n ≥ 1", self.depth));
        }
        if self.widen_factor == 0 {
            return bad("widen_factor must be at least 1".into());
        }
        if self.stem_width < 2 || !self.stem_width.is_multiple_of(2) {
            return bad(format!("stem_width {} must be even (the seeds get half)", self.stem_width));
        }
        if self.templates_per_set == 0 {
            return bad("templates_per_set must be at least 1".into());
        }
        if self.in_channels == 0 || self.num_classes == 0 {
            return bad("in_channels and num_classes must be positive".into());
        }
        if !self.coefs_noise_growing.is_finite() {
            return bad("coefs_noise_growing must be finite".into());
        }
        Ok(())
    }
}

impl Default for MixtureGrowthConfig {
    fn default() -> Self {
        Self::new()
    }
}
