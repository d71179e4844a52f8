//! MobileNetV3's activation choice and its squeeze-and-excitation (SE) module with elastic
//! width, as in Once-for-All's `DynamicSE`.
//!
//! SE (Hu et al., 2018; MobileNetV3, Howard et al., ICCV 2019, §5.3) rescales the hidden
//! channels of an inverted-residual block:
//! `s = mean_hw(h)`, `z = ReLU(W_r s + b_r)`, `g = h_sigmoid(W_e z + b_e)`, `h ← h ⊙ g`,
//! where `W_r` reduces `hidden` channels to `mid = make_divisible(hidden / 4, 8)` and
//! `h_sigmoid(x) = ReLU6(x + 3) / 6`. With elastic width only the first `hidden` input channels
//! and the first `mid(hidden)` reduced channels are active, so the SE of a narrow subnet is a
//! slice of the full one.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::{hard_sigmoid, hard_swish, relu};
use serde::{Deserialize, Serialize};

/// The nonlinearity of a block: MobileNetV3 uses ReLU in its early stages and h-swish
/// (`x · ReLU6(x + 3) / 6`, §5.2) in the later ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(0, x)`.
    #[default]
    Relu,
    /// `x · ReLU6(x + 3) / 6`.
    HSwish,
}

impl Activation {
    /// Applies the activation.
    pub fn forward<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Relu => relu(x),
            Self::HSwish => hard_swish(x),
        }
    }
}

/// `h_sigmoid(x) = ReLU6(x + 3) / 6 = clamp(x / 6 + 1/2, 0, 1)`.
pub fn h_sigmoid<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    hard_sigmoid(x, 1.0 / 6.0, 0.5)
}

/// Rounds `v` to the nearest multiple of `divisor`, never below `divisor` nor more than 10%
/// below `v` (MobileNet's `make_divisible`).
pub fn make_divisible(v: usize, divisor: usize) -> usize {
    let d = divisor.max(1);
    let rounded = ((v + d / 2) / d * d).max(d);
    if 10 * rounded < 9 * v { rounded + d } else { rounded }
}

/// Reduced width of the SE of `hidden` channels: `make_divisible(hidden / 4, 8)`.
pub fn se_mid(hidden: usize) -> usize {
    make_divisible(hidden / 4, 8)
}

/// Configuration of an [`ElasticSe`] over at most `max_channels` hidden channels.
#[derive(Config, Debug)]
pub struct ElasticSeConfig {
    /// Largest number of hidden channels.
    pub max_channels: usize,
}

impl ElasticSeConfig {
    /// Builds the module.
    pub fn init(&self, device: &Device) -> ElasticSe {
        let mid = se_mid(self.max_channels);
        ElasticSe {
            reduce: Conv2dConfig::new([self.max_channels, mid], [1, 1]).init(device),
            expand: Conv2dConfig::new([mid, self.max_channels], [1, 1]).init(device),
        }
    }
}

/// Squeeze-and-excitation with elastic width.
#[derive(Module, Debug)]
pub struct ElasticSe {
    /// `hidden_max → mid_max`, with bias.
    pub reduce: Conv2d,
    /// `mid_max → hidden_max`, with bias.
    pub expand: Conv2d,
}

/// The input channels of a 1×1 convolution weight `[out, in, 1, 1]` by importance, most
/// important first: the L1 norm of the weights leaving each input channel (OFA's
/// `re_organize_middle_weights`), ties by index.
pub(crate) fn input_channel_order(weight: Tensor<4>) -> Vec<usize> {
    let [out, inputs, _, _] = weight.dims();
    let values = kiln_core::tensor::to_vec(weight);
    let mut importance: Vec<(f32, usize)> =
        (0..inputs).map(|i| ((0..out).map(|o| values[o * inputs + i].abs()).sum::<f32>(), i)).collect();
    importance.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    importance.into_iter().map(|(_, i)| i).collect()
}

/// A `[1, n, 1, 1]` mask keeping the first `keep` of `n` channels.
pub fn channel_mask(n: usize, keep: usize, device: &Device) -> Tensor<4> {
    let values: Vec<f32> = (0..n).map(|c| if c < keep { 1.0 } else { 0.0 }).collect();
    Tensor::<1>::from_data(TensorData::new(values, [n]), device).reshape([1, n, 1, 1])
}

impl ElasticSe {
    /// Largest reduced width.
    pub fn max_mid(&self) -> usize {
        self.reduce.weight.dims()[0]
    }

    /// Rescales `h` (whose channels past `hidden` are zero) with the SE of width `hidden`.
    ///
    /// # Shapes
    /// `[b, hidden_max, h, w] → [b, hidden_max, h, w]`
    pub fn forward(&self, h: Tensor<4>, hidden: usize) -> Tensor<4> {
        let mid = se_mid(hidden).min(self.max_mid());
        let s = h.clone().mean_dim(3).mean_dim(2);
        let z = relu(self.reduce.forward(s)) * channel_mask(self.max_mid(), mid, &h.device());
        h * h_sigmoid(self.expand.forward(z))
    }

    /// Permutes the hidden channels by `index` (reduce inputs, expand outputs), then sorts the
    /// reduced channels by importance (L1 norm of their expand weights), as OFA does before
    /// width shrinking. The function is unchanged.
    pub fn permute_hidden(mut self, index: &Tensor<1, Int>) -> Self {
        self.reduce.weight = self.reduce.weight.map(|w| w.select(1, index.clone()));
        self.expand.weight = self.expand.weight.map(|w| w.select(0, index.clone()));
        self.expand.bias = self.expand.bias.map(|b| b.map(|b| b.select(0, index.clone())));
        let order: Vec<i64> = input_channel_order(self.expand.weight.val()).into_iter().map(|m| m as i64).collect();
        let mid = order.len();
        let device = self.expand.weight.device();
        let mid_index = Tensor::<1, Int>::from_data(TensorData::new(order, [mid]), &device);
        self.reduce.weight = self.reduce.weight.map(|w| w.select(0, mid_index.clone()));
        self.reduce.bias = self.reduce.bias.map(|b| b.map(|b| b.select(0, mid_index.clone())));
        self.expand.weight = self.expand.weight.map(|w| w.select(1, mid_index.clone()));
        self
    }

    /// The weights of the SE of width `hidden`: `(reduce weight, reduce bias, expand weight,
    /// expand bias)` sliced to `mid(hidden)` and `hidden` channels.
    pub fn slice(&self, hidden: usize) -> StaticSe {
        let mid = se_mid(hidden).min(self.max_mid());
        let narrow =
            |p: &Option<Param<Tensor<1>>>, n: usize| p.as_ref().map(|b| Param::from_tensor(b.val().narrow(0, 0, n)));
        StaticSe {
            reduce: Param::from_tensor(self.reduce.weight.val().narrow(0, 0, mid).narrow(1, 0, hidden)),
            reduce_bias: narrow(&self.reduce.bias, mid),
            expand: Param::from_tensor(self.expand.weight.val().narrow(0, 0, hidden).narrow(1, 0, mid)),
            expand_bias: narrow(&self.expand.bias, hidden),
        }
    }
}

/// The SE of an extracted subnet: plain weights of fixed width.
#[derive(Module, Debug)]
pub struct StaticSe {
    reduce: Param<Tensor<4>>,
    reduce_bias: Option<Param<Tensor<1>>>,
    expand: Param<Tensor<4>>,
    expand_bias: Option<Param<Tensor<1>>>,
}

impl StaticSe {
    /// `h ⊙ h_sigmoid(W_e ReLU(W_r mean_hw(h) + b_r) + b_e)`.
    pub fn forward(&self, h: Tensor<4>) -> Tensor<4> {
        use burn::tensor::module::conv2d;
        use burn::tensor::ops::ConvOptions;
        let one = || ConvOptions::new([1, 1], [0, 0], [1, 1], 1);
        let s = h.clone().mean_dim(3).mean_dim(2);
        let z = relu(conv2d(s, self.reduce.val(), self.reduce_bias.as_ref().map(Param::val), one()));
        h * h_sigmoid(conv2d(z, self.expand.val(), self.expand_bias.as_ref().map(Param::val), one()))
    }

    /// Multiply-accumulates for one image: the two 1×1 convolutions on the pooled vector.
    pub fn macs(hidden: usize) -> u64 {
        (2 * hidden * se_mid(hidden)) as u64
    }
}
