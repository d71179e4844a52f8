//! [`RevColConfig`]: the sizes of a RevCol network. [`RevColConfig::new`] is RevCol-T
//! (Cai et al., ICLR 2023; megvii-research/RevCol `models/revcol.py`): 4 columns of 4 levels,
//! channels 64/128/256/512, ConvNeXt blocks 2/2/4/2 per level, a 4×4 stem, α = 0.5, layer scale
//! 1e-6, intermediate supervision with (f, c) = (3.0, 0.7). [`RevColConfig::small`] is a CPU
//! preset for 16–32 px images.

use burn::config::Config;
use burn::prelude::Device;

use super::model::RevCol;
use crate::error::{self, EfficientError};

/// Configuration of a [`RevCol`] classifier.
#[derive(Config, Debug)]
pub struct RevColConfig {
    /// Image channels. Default 3.
    #[config(default = 3)]
    pub in_channels: usize,
    /// Classes. Default 1000 (ImageNet-1K).
    #[config(default = 1000)]
    pub num_classes: usize,
    /// Columns N (T: 4, S: 8, B: 16). Default 4.
    #[config(default = 4)]
    pub columns: usize,
    /// Channels C_k of each level (the number of levels is its length). Default `[64, 128, 256, 512]`.
    #[config(default = "vec![64, 128, 256, 512]")]
    pub channels: Vec<usize>,
    /// ConvNeXt blocks per level (same length as `channels`). Default `[2, 2, 4, 2]`.
    #[config(default = "vec![2, 2, 4, 2]")]
    pub blocks: Vec<usize>,
    /// Side (and stride) of the patchifying stem convolution. Default 4.
    #[config(default = 4)]
    pub patch: usize,
    /// Largest drop-path rate (linearly increasing over the blocks of a column). Default 0.1
    /// (≈ the official tiny config; recalled, not checked).
    #[config(default = 0.1)]
    pub drop_path: f64,
    /// Initial value of every α_k. Default 0.5.
    #[config(default = 0.5)]
    pub alpha_init: f64,
    /// Initial layer scale of the ConvNeXt blocks. Default 1e-6.
    #[config(default = 1e-6)]
    pub layer_scale: f64,
    /// Train with the reversible (memory-saving) backward; `false` backpropagates through the
    /// stored graph like any network. Default true.
    #[config(default = true)]
    pub reversible: bool,
    /// Intermediate supervision (reconstruction + classification heads every N/4 columns).
    /// Default true.
    #[config(default = true)]
    pub intermediate_supervision: bool,
    /// f: weight of the reconstruction terms. Default 3.0 (RevCol-T).
    #[config(default = 3.0)]
    pub reconstruction_weight: f64,
    /// c: weight of the intermediate classification terms. Default 0.7 (RevCol-T).
    #[config(default = 0.7)]
    pub classification_weight: f64,
}

impl RevColConfig {
    /// A CPU preset: 2 columns of 4 levels with channels 8/16/24/32, one block per level, the
    /// 4×4 stem (32-px images give levels of 8, 4, 2 and 1 px), 10 classes, no drop path, no
    /// intermediate supervision.
    pub fn small() -> Self {
        Self::new()
            .with_num_classes(10)
            .with_columns(2)
            .with_channels(vec![8, 16, 24, 32])
            .with_blocks(vec![1, 1, 1, 1])
            .with_drop_path(0.0)
            .with_intermediate_supervision(false)
    }

    /// Checks every value; the error names the first bad one.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`].
    pub fn validate(&self) -> error::Result<()> {
        let positive = |name: &'static str, v: usize| {
            if v == 0 { Err(EfficientError::config(name, v, "must be at least 1")) } else { Ok(()) }
        };
        positive("columns", self.columns)?;
        positive("in_channels", self.in_channels)?;
        positive("num_classes", self.num_classes)?;
        positive("patch", self.patch)?;
        if self.channels.is_empty() || self.channels.contains(&0) {
            return Err(EfficientError::config("channels", format!("{:?}", self.channels), "need ≥ 1 level, each ≥ 1"));
        }
        if self.blocks.len() != self.channels.len() {
            return Err(EfficientError::config(
                "blocks",
                format!("{:?}", self.blocks),
                format!("need one count per level ({} levels)", self.channels.len()),
            ));
        }
        if !(0.0..1.0).contains(&self.drop_path) {
            return Err(EfficientError::config("drop_path", self.drop_path, "must lie in [0, 1)"));
        }
        if !self.alpha_init.is_finite() || self.alpha_init.abs() < super::column::ALPHA_MIN {
            return Err(EfficientError::config("alpha_init", self.alpha_init, "|α| must be ≥ 1e-3 and finite"));
        }
        Ok(())
    }

    /// The columns that carry an intermediate head: every `max(1, N/4)`-th, the last excluded
    /// (it has the final head). Empty without intermediate supervision.
    pub fn supervised_columns(&self) -> Vec<usize> {
        if !self.intermediate_supervision {
            return Vec::new();
        }
        let every = (self.columns / 4).max(1);
        (0..self.columns.saturating_sub(1)).filter(|i| (i + 1).is_multiple_of(every)).collect()
    }

    /// Image sides the network accepts are multiples of this: `patch · 2^(levels − 1)`.
    pub fn input_multiple(&self) -> usize {
        self.patch << self.channels.len().saturating_sub(1)
    }

    /// Builds the network.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] naming the bad value (e.g. `columns = 0`).
    pub fn init(&self, device: &Device) -> error::Result<RevCol> {
        self.validate()?;
        Ok(RevCol::new(self, device))
    }
}
