//! [`UniPtConfig`]: the widths of UniPT's parallel network.

use burn::config::Config;
use burn::nn::conv::Conv2dConfig;
use burn::nn::{BatchNormConfig, LinearConfig, Relu};
use burn::prelude::Device;

use super::model::{Projection, UniPt};
use crate::error::EfficientError;

use crate::error::Result as EffResult;

/// Configuration of the parallel network [`UniPt`] for a CNN backbone.
#[derive(Config, Debug)]
pub struct UniPtConfig {
    /// Channels `C_0 … C_L` of the backbone's hidden states, shallowest first (at least two:
    /// the anchor `h_L` and one stage to aggregate).
    pub stage_channels: Vec<usize>,
    /// Width `D` of the output (the official `embed_size`, 1024 for VSE∞).
    pub out_dim: usize,
    /// Down-projection factor `r`: the parallel network works at width `D / r`. Default 2, the
    /// official `downsample_D_factor` for VSE∞.
    #[config(default = 2)]
    pub reduction: usize,
}

impl UniPtConfig {
    /// The CPU preset: width `D / 4` inside the parallel network instead of `D / 2`.
    pub fn small(stage_channels: Vec<usize>, out_dim: usize) -> Self {
        Self::new(stage_channels, out_dim).with_reduction(4)
    }

    /// Width `D / r` of the parallel network.
    pub fn mapping_size(&self) -> usize {
        self.out_dim / self.reduction.max(1)
    }

    /// Checks every field.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] naming the field.
    pub fn validate(&self) -> EffResult<()> {
        if self.stage_channels.len() < 2 {
            return Err(EfficientError::config(
                "stage_channels",
                format!("{:?}", self.stage_channels),
                "UniPT needs the anchor stage and at least one earlier stage",
            ));
        }
        if self.stage_channels.contains(&0) {
            return Err(EfficientError::config(
                "stage_channels",
                format!("{:?}", self.stage_channels),
                "every stage needs channels",
            ));
        }
        if self.reduction == 0 {
            return Err(EfficientError::config("reduction", self.reduction, "must be positive"));
        }
        if self.mapping_size() == 0 {
            return Err(EfficientError::config(
                "out_dim",
                self.out_dim,
                format!("out_dim / reduction must be positive (reduction {})", self.reduction),
            ));
        }
        Ok(())
    }

    /// Builds the network on `device`.
    ///
    /// # Errors
    /// When [`UniPtConfig::validate`] fails.
    pub fn init(&self, device: &Device) -> EffResult<UniPt> {
        self.validate()?;
        let m = self.mapping_size();
        let last = self.stage_channels.len() - 1;
        let conv1x1 = |i: usize, o: usize| Conv2dConfig::new([i, o], [1, 1]).init(device);
        Ok(UniPt {
            down: self
                .stage_channels
                .iter()
                .map(|&c| Projection { conv: conv1x1(c, m), norm: BatchNormConfig::new(m).init(device) })
                .collect(),
            identity: self.stage_channels[..last].iter().map(|&c| conv1x1(self.stage_channels[last], c)).collect(),
            projection: Projection { conv: conv1x1(m, m), norm: BatchNormConfig::new(m).init(device) },
            up: conv1x1(m, self.out_dim),
            gate: LinearConfig::new(m, 1).init(device),
            activation: Relu::new(),
        })
    }
}
