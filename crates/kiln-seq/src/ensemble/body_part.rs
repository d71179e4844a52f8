//! The body-part subnet: one Base-Net stem per body part (torso, arms, legs), concatenated,
//! then shared residual temporal layers.
//!
//! For part `p` with joints `P_p`, `h^p = ReLU(BN(Conv_k(x[P_p])))` on the `|P_p|·3` channels
//! of its joints; `h = [h^1; …; h^P]` along the channels; then `Trunk(h)`, the mean over time
//! and a linear classifier (Xu & Wang, arXiv 1801.01080, body-part subnet).

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};

use super::base::{ConvBn, Trunk, time_mean};
use super::config::EnsembleConfig;

/// The body-part subnet.
#[derive(Module, Debug)]
pub struct BodyPartNet {
    /// One stem per part, `|P_p|·3 → part_width`.
    pub stems: Vec<ConvBn>,
    /// Shared residual layers, `P·part_width → W`.
    pub trunk: Trunk,
    dropout: Dropout,
    /// `W → classes`.
    pub head: Linear,
    /// Input channels of each part (`3j, 3j+1, 3j+2` for each of its joints `j`).
    #[module(skip)]
    channels: Vec<Vec<i64>>,
}

impl BodyPartNet {
    /// The subnet with `config`'s sizes and parts.
    pub fn new(config: &EnsembleConfig, device: &Device) -> Self {
        let channels: Vec<Vec<i64>> = config
            .parts
            .iter()
            // Lossless: joint indices are far below i64::MAX.
            .map(|part| part.iter().flat_map(|&j| (0..3).map(move |c| (3 * j + c) as i64)).collect())
            .collect();
        let stems = channels.iter().map(|c| ConvBn::new(c.len(), config.part_width, config.kernel, device)).collect();
        let blocks = config.blocks.max(1);
        Self {
            stems,
            trunk: Trunk::new(config.parts.len() * config.part_width, config.width, blocks, config.kernel, device),
            dropout: DropoutConfig::new(config.dropout).init(),
            head: LinearConfig::new(config.width, config.classes).init(device),
            channels,
        }
    }

    /// The input channels of each part.
    pub fn part_channels(&self) -> &[Vec<i64>] {
        &self.channels
    }

    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let device = x.device();
        let parts = self
            .stems
            .iter()
            .zip(&self.channels)
            .map(|(stem, channels)| {
                let index = Tensor::<1, Int>::from_data(TensorData::new(channels.clone(), [channels.len()]), &device);
                stem.forward(x.clone().select(1, index))
            })
            .collect();
        let h = self.trunk.forward(Tensor::cat(parts, 1));
        self.head.forward(self.dropout.forward(time_mean(h)))
    }
}
