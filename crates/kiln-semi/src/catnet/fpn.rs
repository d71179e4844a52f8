//! The plain FPN baseline (Lin et al., CVPR 2017, as in mmdet's `FPN`), for the ablation
//! against [`DenseFpn`](super::DenseFpn).
//!
//! Laterals `ℓ_i = W_i x_i` (1×1); top-down `m_{L'−1} = ℓ_{L'−1}`,
//! `m_i = ℓ_i + up(m_{i+1})` with nearest (mmdet's default) or bilinear upsampling; outputs
//! `p_i = 3×3(m_i)`. Extra levels (RetinaNet's `add_extra_convs='on_input'`): the first is a
//! stride-2 3×3 convolution of the last *input* map, each further one a stride-2 3×3
//! convolution of the previous extra level (no ReLU between them: mmdet's default
//! `relu_before_extra_convs=False`).

use burn::config::Config;
use burn::module::Module;
use burn::prelude::{Device, Tensor};

use super::layers::{ConvModule, resize_bilinear, resize_nearest};

/// Configuration of an [`Fpn`].
#[derive(Config, Debug)]
pub struct FpnConfig {
    /// Channels of the input maps, finest first.
    pub in_channels: Vec<usize>,
    /// Channels `C` of every output level.
    pub channels: usize,
    /// Output levels (≥ inputs); the ones past the inputs are extra stride-2 levels. Default: 5.
    #[config(default = 5)]
    pub levels: usize,
    /// Bilinear (`align_corners=False`) instead of nearest upsampling. Default: false.
    #[config(default = false)]
    pub bilinear: bool,
}

impl FpnConfig {
    /// Builds the neck on `device`.
    ///
    /// # Panics
    /// When there are more inputs than levels, or no input.
    pub fn init(&self, device: &Device) -> Fpn {
        let n = self.in_channels.len();
        assert!(n > 0 && n <= self.levels, "FPN: {n} inputs for {} levels", self.levels);
        let c = self.channels;
        Fpn {
            laterals: self.in_channels.iter().map(|&i| ConvModule::new(i, c, 1, 1, false, false, device)).collect(),
            outputs: (0..n).map(|_| ConvModule::new(c, c, 3, 1, false, false, device)).collect(),
            extras: (n..self.levels)
                .map(|l| {
                    ConvModule::new(if l == n { self.in_channels[n - 1] } else { c }, c, 3, 2, false, false, device)
                })
                .collect(),
            bilinear: self.bilinear,
        }
    }
}

/// The FPN neck.
#[derive(Module, Debug)]
pub struct Fpn {
    /// 1×1 laterals.
    pub laterals: Vec<ConvModule>,
    /// 3×3 output convolutions.
    pub outputs: Vec<ConvModule>,
    /// Stride-2 3×3 convolutions of the extra levels.
    pub extras: Vec<ConvModule>,
    #[module(skip)]
    bilinear: bool,
}

impl Fpn {
    /// The pyramid of `inputs` (finest first).
    ///
    /// # Shapes
    /// `[[n, c_i, h_i, w_i]; inputs] → [[n, C, h_i, w_i]; levels]`
    ///
    /// # Panics
    /// When the number of inputs differs from the configuration.
    pub fn forward(&self, inputs: Vec<Tensor<4>>) -> Vec<Tensor<4>> {
        assert_eq!(
            inputs.len(),
            self.laterals.len(),
            "FPN: {} inputs for {} laterals",
            inputs.len(),
            self.laterals.len()
        );
        let last_input = inputs.last().cloned().expect("at least one input");
        let mut merged: Vec<Tensor<4>> = inputs.into_iter().zip(&self.laterals).map(|(x, l)| l.forward(x)).collect();
        for i in (0..merged.len() - 1).rev() {
            let [_, _, h, w] = merged[i].dims();
            let coarse = merged[i + 1].clone();
            let up = if self.bilinear { resize_bilinear(coarse, [h, w]) } else { resize_nearest(coarse, [h, w]) };
            merged[i] = merged[i].clone() + up;
        }
        let mut outs: Vec<Tensor<4>> = merged.into_iter().zip(&self.outputs).map(|(m, conv)| conv.forward(m)).collect();
        let mut source = last_input;
        for extra in &self.extras {
            let next = extra.forward(source);
            outs.push(next.clone());
            source = next;
        }
        outs
    }
}
