//! Sizes of the four subnets and their training schedule.
//!
//! [`EnsembleConfig::new`] is the paper-sized setting as best known and
//! [`EnsembleConfig::small`] a CPU preset; neither depth, kernel sizes nor schedule is verified
//! against §3 of the paper (see the module docs).

use serde::{Deserialize, Serialize};

use crate::error::{Result, SeqError};
use crate::synth::skeleton;

/// How each subnet is trained (the same for all four; each has its own run and seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleTraining {
    /// Epochs per subnet.
    pub epochs: usize,
    /// Adam learning rate (cosine-annealed to 1 % over the run).
    pub lr: f64,
    /// Samples per batch.
    pub batch_size: usize,
    /// L2 weight decay.
    pub weight_decay: f32,
}

/// Sizes of the ensemble of 1D CNNs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleConfig {
    /// Joints `J` per frame; the input has `J·3` channels.
    pub joints: usize,
    /// Classes.
    pub classes: usize,
    /// Channels `W` of the residual temporal layers.
    pub width: usize,
    /// Residual blocks after the stem of a Base-Net.
    pub blocks: usize,
    /// Temporal kernel size (odd; `same` padding).
    pub kernel: usize,
    /// Kernel size of the two-stream subnet's convolution along the joints (odd).
    pub joint_kernel: usize,
    /// Stem channels of each body part in the body-part subnet.
    pub part_width: usize,
    /// Reduction ratio `r` of the squeeze-and-excitation attention (`W → W/r → W`).
    pub reduction: usize,
    /// Dropout before every classifier.
    pub dropout: f64,
    /// The body parts (joint indices) of the body-part subnet: torso, arms, legs.
    pub parts: Vec<Vec<usize>>,
    /// The training schedule of each subnet.
    pub train: EnsembleTraining,
}

impl EnsembleConfig {
    /// The paper-sized setting as best known (unverified): width 128, 4 residual blocks,
    /// temporal kernel 9, joint kernel 3, body-part stems of 64, SE ratio 8, dropout 0.5; 100
    /// epochs of Adam at 1e-3, batches of 64, weight decay 1e-4.
    pub fn new(joints: usize, classes: usize) -> Self {
        Self {
            joints,
            classes,
            width: 128,
            blocks: 4,
            kernel: 9,
            joint_kernel: 3,
            part_width: 64,
            reduction: 8,
            dropout: 0.5,
            parts: default_parts(joints),
            train: EnsembleTraining { epochs: 100, lr: 1e-3, batch_size: 64, weight_decay: 1e-4 },
        }
    }

    /// A CPU preset: width 24, 2 residual blocks, temporal kernel 5, body-part stems of 12, SE
    /// ratio 4, dropout 0.2; 12 epochs of Adam at 3e-3, batches of 32.
    pub fn small(joints: usize, classes: usize) -> Self {
        Self {
            width: 24,
            blocks: 2,
            kernel: 5,
            part_width: 12,
            reduction: 4,
            dropout: 0.2,
            train: EnsembleTraining { epochs: 12, lr: 3e-3, batch_size: 32, weight_decay: 0.0 },
            ..Self::new(joints, classes)
        }
    }

    /// The same sizes with other body parts.
    pub fn with_parts(mut self, parts: Vec<Vec<usize>>) -> Self {
        self.parts = parts;
        self
    }

    /// Input channels `J·3`.
    pub fn channels(&self) -> usize {
        self.joints * 3
    }

    /// Checks every size.
    ///
    /// # Errors
    /// [`SeqError::Config`] naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        let positive: [(&'static str, usize); 7] = [
            ("joints", self.joints),
            ("classes", self.classes),
            ("width", self.width),
            ("part_width", self.part_width),
            ("reduction", self.reduction),
            ("train.epochs", self.train.epochs),
            ("train.batch_size", self.train.batch_size),
        ];
        for (field, value) in positive {
            if value == 0 {
                return Err(SeqError::Config { field, value: "0".into(), reason: "must be positive" });
            }
        }
        for (field, value) in [("kernel", self.kernel), ("joint_kernel", self.joint_kernel)] {
            if value.is_multiple_of(2) {
                return Err(SeqError::Config { field, value: value.to_string(), reason: "must be odd" });
            }
        }
        if self.reduction > self.width {
            return Err(SeqError::Config {
                field: "reduction",
                value: self.reduction.to_string(),
                reason: "must not exceed width",
            });
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(SeqError::Config {
                field: "dropout",
                value: self.dropout.to_string(),
                reason: "must be in [0, 1)",
            });
        }
        if !(self.train.lr.is_finite() && self.train.lr > 0.0) {
            return Err(SeqError::Config {
                field: "train.lr",
                value: self.train.lr.to_string(),
                reason: "must be > 0",
            });
        }
        if self.parts.is_empty() || self.parts.iter().any(|p| p.is_empty() || p.iter().any(|&j| j >= self.joints)) {
            return Err(SeqError::Config {
                field: "parts",
                value: format!("{:?}", self.parts),
                reason: "needs non-empty parts of joint indices below `joints`",
            });
        }
        Ok(())
    }
}

/// Torso, arms and legs of a skeleton with `joints` joints: the Kinect v1 layout of
/// [`crate::synth::skeleton`] for 20 joints, the NTU RGB+D (Kinect v2) layout for 25, and
/// otherwise three contiguous thirds of the joint list.
pub fn default_parts(joints: usize) -> Vec<Vec<usize>> {
    match joints {
        skeleton::JOINTS => vec![skeleton::TORSO.to_vec(), skeleton::ARMS.to_vec(), skeleton::LEGS.to_vec()],
        // Kinect v2: spine base, spine mid, neck, head, spine shoulder; arms with hand tips and
        // thumbs; hips, knees, ankles, feet.
        25 => vec![vec![0, 1, 2, 3, 20], (4..12).chain(21..25).collect(), (12..20).collect()],
        _ => {
            let third = joints.div_ceil(3).max(1);
            (0..joints).collect::<Vec<_>>().chunks(third).map(<[usize]>::to_vec).collect()
        }
    }
}
