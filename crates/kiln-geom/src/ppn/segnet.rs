//! The segmentation net (Sah & Chinara, arXiv 2412.18165, §3.2): the shared [`Encoder`] and
//! a transposed-convolution decoder with U-Net skips, predicting the next frame's class per
//! cell.
//!
//! With `f_s` the encoder's features (`s = 0 … S−1`), `d_{S−1} = f_{S−1}` and, for
//! `s = S−2 … 0`,
//!
//! `d_s = DoubleConv([ConvT_{2×2, stride 2}(d_{s+1}) ‖ f_s])` (`2 c_s → c_s → c_s`),
//!
//! the output is `p = softmax_c(Conv_{1×1}(d_0))`, `[B, 3, H, W]` probabilities of
//! {empty, wall, car}. The loss is `SmoothL1(p, y) + MSE(p, y)` against the one-hot target `y`
//! ([`super::loss::segmentation_loss`]); the paper trains it with Adam at 10⁻⁴, batch 1.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::softmax;
use burn::tensor::ops::PadMode;

use super::bev_stack::BevStack;
use super::config::{CLASSES, PpnConfig};
use super::encoder::{DoubleConv, Encoder};

/// A 2×2, stride-2 transposed convolution `c_in → c_out` (doubles the resolution).
pub fn up_conv(c_in: usize, c_out: usize, device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new([c_in, c_out], [2, 2]).with_stride([2, 2]).init(device)
}

/// `x` (`[b, c, n, n]`) zero-padded on its high side to `padded × padded`.
pub fn pad_to(x: Tensor<4>, padded: usize) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if h >= padded && w >= padded {
        return x;
    }
    x.pad([(0, padded.saturating_sub(h)), (0, padded.saturating_sub(w))], PadMode::Constant(0.0))
}

/// The top-left `cells × cells` of `x`.
pub fn crop_to(x: Tensor<4>, cells: usize) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if h == cells && w == cells { x } else { x.narrow(2, 0, cells.min(h)).narrow(3, 0, cells.min(w)) }
}

/// The segmentation net.
#[derive(Module, Debug)]
pub struct SegNet {
    /// The shared encoder design (its own weights).
    pub encoder: Encoder,
    /// `ConvT: c_{s+1} → c_s`, for `s = S−2 … 0` (coarsest first).
    pub ups: Vec<ConvTranspose2d>,
    /// `DoubleConv: 2 c_s → c_s`, in the same order.
    pub decoders: Vec<DoubleConv>,
    /// `Conv_{1×1}: c_0 → 3`.
    pub head: Conv2d,
    /// The BEV builder (the net makes its own input from raw scans).
    #[module(skip)]
    pub bev: BevStack,
    /// The side the net computes on (the grid padded to a multiple of `2^(S−1)`).
    pub padded: usize,
}

impl SegNet {
    /// The net of `config` (validated by [`PpnConfig::init`]).
    pub(crate) fn new(config: &PpnConfig, bev: BevStack, device: &Device) -> Self {
        let widths = config.widths();
        let encoder = Encoder::new(config.frames, &widths, device);
        let mut ups = Vec::new();
        let mut decoders = Vec::new();
        for s in (0..widths.len().saturating_sub(1)).rev() {
            ups.push(up_conv(widths[s + 1], widths[s], device));
            decoders.push(DoubleConv::new(2 * widths[s], widths[s], device));
        }
        let head = Conv2dConfig::new([widths[0], CLASSES], [1, 1]).init(device);
        Self { encoder, ups, decoders, head, bev, padded: config.padded_cells() }
    }

    /// Class logits.
    ///
    /// # Shapes
    /// `[b, T, n, n] → [b, 3, n, n]`
    pub fn logits(&self, x: Tensor<4>) -> Tensor<4> {
        let [_, _, n, _] = x.dims();
        let mut features = self.encoder.forward(pad_to(x, self.padded));
        let Some(mut d) = features.pop() else {
            unreachable!("an encoder has at least one stage");
        };
        for (up, decoder) in self.ups.iter().zip(&self.decoders) {
            let skip = features.pop().unwrap_or_else(|| unreachable!("one skip per decoder stage"));
            d = decoder.forward(Tensor::cat(vec![up.forward(d), skip], 1));
        }
        crop_to(self.head.forward(d), n)
    }

    /// Class probabilities `p = softmax_c(logits)`.
    ///
    /// # Shapes
    /// `[b, T, n, n] → [b, 3, n, n]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        softmax(self.logits(x), 1)
    }
}
