//! The frame-difference subnet: a Base-Net on the motion `d_t = x_{t+1} − x_t` instead of the
//! positions (Xu & Wang, arXiv 1801.01080). The difference removes the body's position and
//! keeps its velocity, so this subnet errs on other samples than the position-based ones.

use burn::module::Module;
use burn::prelude::{Device, Tensor};

use super::base::BaseNet;
use super::config::EnsembleConfig;

/// `d_t = x_{t+1} − x_t` along the last (time) axis. A single frame has no motion: its
/// difference is one frame of zeros.
///
/// # Shapes
/// `[B, C, T] → [B, C, max(T − 1, 1)]`
pub fn frame_difference(x: Tensor<3>) -> Tensor<3> {
    let [b, c, t] = x.dims();
    if t < 2 {
        return Tensor::zeros([b, c, 1], &x.device());
    }
    x.clone().slice([0..b, 0..c, 1..t]) - x.slice([0..b, 0..c, 0..t - 1])
}

/// The frame-difference subnet.
#[derive(Module, Debug)]
pub struct FrameDiffNet {
    /// The Base-Net on the differences.
    pub base: BaseNet,
}

impl FrameDiffNet {
    /// The subnet with `config`'s sizes.
    pub fn new(config: &EnsembleConfig, device: &Device) -> Self {
        Self { base: BaseNet::new(config.channels(), config, device) }
    }

    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        self.base.forward(frame_difference(x))
    }
}
