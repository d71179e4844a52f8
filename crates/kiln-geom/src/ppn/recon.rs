//! The reconstruction net (Sah & Chinara, arXiv 2412.18165, §3.3): the same [`Encoder`] and a
//! transposed-convolution decoder **without** skips, distilled from the segmentation net.
//!
//! With `d_{S−1} = f_{S−1}` the encoder's coarsest features and, for `s = S−2 … 0`,
//!
//! `d_s = DoubleConv(ConvT_{2×2, stride 2}(d_{s+1}))` (`c_s → c_s → c_s`),
//!
//! the output is `r = softmax_c(Conv_{1×1}(d_0))`, `[B, 3, H, W]`. It is trained on the
//! segmentation net's output `p` (detached, eval mode) with
//! `MSSCE(r, p) = α(MSE + SmoothL1)(r, p) + (1−α)(MSE + SmoothL1)(S r, S p)`, α = 0.85, `S`
//! the Sobel operator ([`super::loss::mssce`]); Adam at 10⁻³, stopped once the loss is below
//! 0.1 ([`super::train`]). At inference it needs only the raw scans, so it can run beside the
//! segmentation net on another device ([`super::parallel`]).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::softmax;

use super::bev_stack::BevStack;
use super::config::{CLASSES, PpnConfig};
use super::encoder::{DoubleConv, Encoder};
use super::segnet::{crop_to, pad_to, up_conv};

/// The reconstruction net.
#[derive(Module, Debug)]
pub struct ReconNet {
    /// The shared encoder design (its own weights).
    pub encoder: Encoder,
    /// `ConvT: c_{s+1} → c_s`, for `s = S−2 … 0` (coarsest first).
    pub ups: Vec<ConvTranspose2d>,
    /// `DoubleConv: c_s → c_s`, in the same order.
    pub decoders: Vec<DoubleConv>,
    /// `Conv_{1×1}: c_0 → 3`.
    pub head: Conv2d,
    /// The BEV builder (the net makes its own input from raw scans).
    #[module(skip)]
    pub bev: BevStack,
    /// The side the net computes on (the grid padded to a multiple of `2^(S−1)`).
    pub padded: usize,
}

impl ReconNet {
    /// The net of `config` (validated by [`PpnConfig::init`]).
    pub(crate) fn new(config: &PpnConfig, bev: BevStack, device: &Device) -> Self {
        let widths = config.widths();
        let encoder = Encoder::new(config.frames, &widths, device);
        let mut ups = Vec::new();
        let mut decoders = Vec::new();
        for s in (0..widths.len().saturating_sub(1)).rev() {
            ups.push(up_conv(widths[s + 1], widths[s], device));
            decoders.push(DoubleConv::new(widths[s], widths[s], device));
        }
        let head = Conv2dConfig::new([widths[0], CLASSES], [1, 1]).init(device);
        Self { encoder, ups, decoders, head, bev, padded: config.padded_cells() }
    }

    /// Reconstruction logits (only the coarsest encoder stage reaches the decoder).
    ///
    /// # Shapes
    /// `[b, T, n, n] → [b, 3, n, n]`
    pub fn logits(&self, x: Tensor<4>) -> Tensor<4> {
        let [_, _, n, _] = x.dims();
        let Some(mut d) = self.encoder.forward(pad_to(x, self.padded)).pop() else {
            unreachable!("an encoder has at least one stage");
        };
        for (up, decoder) in self.ups.iter().zip(&self.decoders) {
            d = decoder.forward(up.forward(d));
        }
        crop_to(self.head.forward(d), n)
    }

    /// The reconstruction `r = softmax_c(logits)`.
    ///
    /// # Shapes
    /// `[b, T, n, n] → [b, 3, n, n]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        softmax(self.logits(x), 1)
    }
}
