//! [`MgdConfig`]: networks, loss weights, CutMix and optimiser of an MGD run.
//! [`MgdConfig::new`] carries the official VOC 1/8 values (`exp.voc/voc8.resnet18_deeplabv3plus/
//! config.py`): λ₁ = 0.002, λ₂ = 100, CutMix 3 boxes of 25–50%, SGD lr 0.005, momentum 0.9,
//! weight decay 1e-4, poly power 0.9, batch 16, 34 epochs, 512-px crops, 21 classes.
//! [`MgdConfig::small`] is a CPU preset on the procedural part segmentation
//! ([`data`](super::data)).

use burn::config::Config;
use burn::prelude::Device;
use kiln_core::train::{LrSchedule, OptimizerConfig, Phase, TrainPhase};

use super::cutmix::BoxMaskGenerator;
use super::data::NUM_PART_CLASSES;
use super::segnet::SegNetConfig;
use super::train::{MgdModel, MgdStage, MgdWeights};
use crate::error::{self, SemiError};

/// Configuration of an MGD run.
#[derive(Config, Debug)]
pub struct MgdConfig {
    /// Classes, background included (VOC: 21). Overrides the networks' own.
    #[config(default = 21)]
    pub num_classes: usize,
    /// Image side (official crops: 512).
    #[config(default = 512)]
    pub image_size: usize,
    /// Share of the training images that are labelled (VOC 1/8).
    #[config(default = 0.125)]
    pub labelled_fraction: f64,
    /// The student (official: ResNet-18 DeepLabv3+).
    #[config(default = "SegNetConfig::new().with_width(16).with_blocks(0)")]
    pub student: SegNetConfig,
    /// The wide teacher (official: WRN-34-2 DeepLabv3+).
    #[config(default = "SegNetConfig::new().with_width(64).with_blocks(1)")]
    pub wide: SegNetConfig,
    /// The deep teacher (official: ResNet-101 DeepLabv3+).
    #[config(default = "SegNetConfig::new().with_width(32).with_blocks(3)")]
    pub deep: SegNetConfig,
    /// λ₁ of the image-level semantic-sensitive loss (`config.lambda_1`).
    #[config(default = 0.002)]
    pub lambda_image: f64,
    /// λ₂ of the region-level content-aware loss (`config.lambda_2`).
    #[config(default = 100.0)]
    pub lambda_region: f64,
    /// Side of the pooled grid of the region-level loss (`adaptive_avg_pool2d(·, (7, 7))`).
    #[config(default = 7)]
    pub region_pool: usize,
    /// Smallest total box share of a CutMix mask (`cutmix_mask_prop_range[0]`).
    #[config(default = 0.25)]
    pub cutmix_prop_min: f64,
    /// Largest total box share of a CutMix mask (`cutmix_mask_prop_range[1]`).
    #[config(default = 0.5)]
    pub cutmix_prop_max: f64,
    /// Boxes per CutMix mask (`cutmix_boxmask_n_boxes`).
    #[config(default = 3)]
    pub cutmix_boxes: usize,
    /// Temperature of the pixel-KD baseline (not in MGD; Kiln's choice).
    #[config(default = 1.0)]
    pub kd_temperature: f64,
    /// Label ignored by every cross-entropy.
    #[config(default = 255)]
    pub ignore_index: i64,
    /// Base learning rate (`config.lr`).
    #[config(default = 0.005)]
    pub lr: f64,
    /// SGD momentum.
    #[config(default = 0.9)]
    pub momentum: f64,
    /// L2 weight decay.
    #[config(default = 1e-4)]
    pub weight_decay: f32,
    /// Power of the official poly schedule `lr·(1 − t/T)^0.9` (see the module notes: the
    /// engine runs a cosine decay to 0 instead).
    #[config(default = 0.9)]
    pub lr_power: f64,
    /// Images per batch, labelled and unlabelled alike.
    #[config(default = 16)]
    pub batch_size: usize,
    /// Epochs.
    #[config(default = 34)]
    pub epochs: usize,
    /// Seed of initialisation, shuffling and masks.
    #[config(default = 12345)]
    pub seed: u64,
}

impl MgdConfig {
    /// The CPU preset: 32-px procedural creatures, background + 4 parts, 1/8 labelled; a tiny
    /// student (width 8, no residual block) and two teachers grown from a width-16, 1-block
    /// base: the wide one ×2 in width (32, 1 block), the deep one +2 blocks (16, 3 blocks). All
    /// share one ASPP-lite head (16 channels, rates 1/2/3), as the official networks share
    /// their 256-channel head. Batch 8, lr 0.05 (Kiln's choice for short CPU runs; the official
    /// 0.005 was not tried here), 20 epochs.
    pub fn small() -> Self {
        let head = |width: usize, blocks: usize| {
            SegNetConfig::new()
                .with_num_classes(NUM_PART_CLASSES)
                .with_width(width)
                .with_blocks(blocks)
                .with_aspp_channels(16)
                .with_low_channels(8)
                .with_decoder_channels(16)
        };
        Self::new()
            .with_num_classes(NUM_PART_CLASSES)
            .with_image_size(32)
            .with_student(head(8, 0))
            .with_wide(head(32, 1))
            .with_deep(head(16, 3))
            .with_batch_size(8)
            .with_lr(0.05)
            .with_epochs(20)
    }

    /// Checks every value; the error names the first bad one.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`].
    pub fn validate(&self) -> error::Result<()> {
        if self.num_classes < 2 {
            return Err(SemiError::config("num_classes", self.num_classes, "must be at least 2"));
        }
        if !(self.labelled_fraction > 0.0 && self.labelled_fraction <= 1.0) {
            return Err(SemiError::config("labelled_fraction", self.labelled_fraction, "must be in (0, 1]"));
        }
        if self.region_pool == 0 {
            return Err(SemiError::config("region_pool", 0, "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(SemiError::config("batch_size", 0, "must be at least 1"));
        }
        if self.kd_temperature.is_nan() || self.kd_temperature <= 0.0 {
            return Err(SemiError::config("kd_temperature", self.kd_temperature, "must be positive"));
        }
        self.cutmix().validate()?;
        for net in [&self.student, &self.wide, &self.deep] {
            net.clone().with_num_classes(self.num_classes).validate()?;
        }
        Ok(())
    }

    /// The CutMix mask generator.
    pub fn cutmix(&self) -> BoxMaskGenerator {
        BoxMaskGenerator { prop_range: (self.cutmix_prop_min, self.cutmix_prop_max), n_boxes: self.cutmix_boxes }
    }

    /// The loss settings the model carries.
    pub fn weights(&self) -> MgdWeights {
        MgdWeights {
            lambda_image: self.lambda_image,
            lambda_region: self.lambda_region,
            region_pool: self.region_pool,
            kd_temperature: self.kd_temperature,
            ignore_index: self.ignore_index,
        }
    }

    /// The student and both teachers, freshly initialised (device seeded with `seed`).
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`] from [`validate`](Self::validate).
    pub fn init(&self, device: &Device) -> error::Result<MgdModel> {
        self.validate()?;
        device.seed(self.seed);
        let k = self.num_classes;
        Ok(MgdModel {
            student: self.student.clone().with_num_classes(k).init(device)?,
            wide: self.wide.clone().with_num_classes(k).init(device)?,
            deep: self.deep.clone().with_num_classes(k).init(device)?,
            weights: self.weights(),
        })
    }

    /// One gradient phase of `epochs` in `stage`: SGD (momentum, weight decay on convolution
    /// weights; none on batch-norm parameters and biases, as the furnace's `group_weight`),
    /// cosine decay to 0 from `lr`, training the parameters [`MgdStage::trainable`] names.
    pub fn phase(&self, name: &str, stage: MgdStage, epochs: usize) -> Phase<MgdModel> {
        let tp = TrainPhase::new(epochs, self.lr)
            .with_optimizer(OptimizerConfig::Sgd { momentum: self.momentum, weight_decay: self.weight_decay })
            .with_schedule(LrSchedule::Cosine { min_factor: 0.0 })
            .with_trainable(stage.trainable())
            .with_group("norm", self.lr, 0.0)
            .with_group("bias", self.lr, 0.0);
        Phase::train(name, tp).in_stage(stage)
    }
}
