//! The modular supernet: `layers` convolutions whose output channels form `modules` gated
//! modules each; a module's channels are multiplied by its gate after the ReLU, so an inactive
//! module contributes exact zeros downstream and can be cut out ([`super::CustomNet`]).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use burn::tensor::module::adaptive_avg_pool2d;

use super::config::FactoryConfig;

/// NN-Factory's modular supernet (reconstructed as a plain CNN: conv 3×3 + bias → ReLU → gate,
/// no batch normalisation, global average pooling, linear head over all classes).
#[derive(Module, Debug)]
pub struct ModularSupernet {
    /// The gated convolutions.
    pub convs: Vec<Conv2d>,
    /// Linear head over every class.
    pub head: Linear,
    /// Modules per layer.
    pub modules: usize,
    /// Channels per module.
    pub module_channels: usize,
}

/// A `k × k` convolution `c_in → c_out` with bias, stride `stride` and padding `k / 2`.
pub(crate) fn conv(c_in: usize, c_out: usize, kernel: usize, stride: usize, device: &Device) -> Conv2d {
    let pad = kernel / 2;
    Conv2dConfig::new([c_in, c_out], [kernel, kernel])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .init(device)
}

impl ModularSupernet {
    /// A freshly initialised supernet of `config`.
    pub fn new(config: &FactoryConfig, device: &Device) -> Self {
        let width = config.width();
        let mut in_ch = config.in_channels;
        let convs = config
            .strides
            .iter()
            .map(|&stride| {
                let layer = conv(in_ch, width, config.kernel, stride, device);
                in_ch = width;
                layer
            })
            .collect();
        Self {
            convs,
            head: LinearConfig::new(width, config.num_classes).init(device),
            modules: config.modules,
            module_channels: config.module_channels,
        }
    }

    /// Pooled features of the gated network.
    ///
    /// # Shapes
    /// x `[b, in_channels, h, w]`, gates `[b, layers, modules]` → `[b, modules · module_channels]`
    pub fn features(&self, x: Tensor<4>, gates: Tensor<3>) -> Tensor<2> {
        let [b, _, _, _] = x.dims();
        let (m, c) = (self.modules, self.module_channels);
        let mut h = x;
        for (l, conv) in self.convs.iter().enumerate() {
            let g = gates.clone().narrow(1, l, 1).reshape([b, m, 1]).repeat_dim(2, c).reshape([b, m * c, 1, 1]);
            h = relu(conv.forward(h)) * g;
        }
        adaptive_avg_pool2d(h, [1, 1]).flatten::<2>(1, 3)
    }

    /// Logits over every class of the gated network.
    ///
    /// # Shapes
    /// x `[b, in_channels, h, w]`, gates `[b, layers, modules]` → `[b, num_classes]`
    pub fn forward_gated(&self, x: Tensor<4>, gates: Tensor<3>) -> Tensor<2> {
        self.head.forward(self.features(x, gates))
    }

    /// The full network's logits (every module on).
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let [b, _, _, _] = x.dims();
        let gates = Tensor::ones([b, self.convs.len(), self.modules], &x.device());
        self.forward_gated(x, gates)
    }
}

/// The columns of `logits` `[b, num_classes]` of `classes`, in that order (the task-class head).
pub fn select_classes(logits: Tensor<2>, classes: &[usize]) -> Tensor<2> {
    let device = logits.device();
    let idx: Vec<i64> = classes.iter().map(|&c| c as i64).collect();
    logits.select(1, Tensor::<1, Int>::from_data(TensorData::new(idx, [classes.len()]), &device))
}
