//! Configuration of a [`PointerNet`](super::PointerNet): the paper's defaults (§4: one LSTM
//! layer of 256 units for the encoder and the decoder, weights uniform in `[−0.08, 0.08]`) and
//! a CPU preset.

use burn::config::Config;
use burn::module::Param;
use burn::nn::{Initializer, LinearConfig, LstmConfig};
use burn::prelude::{Device, Tensor};

use super::model::PointerNet;

/// Configuration of a [`PointerNet`].
#[derive(Config, Debug)]
pub struct PointerNetConfig {
    /// Features per input element (1 for the sorting task's numbers, 2 for planar points).
    pub input: usize,
    /// Units of the encoder and decoder LSTMs and of the attention. Default 256 (the paper
    /// reports 256 or 512).
    #[config(default = 256)]
    pub hidden: usize,
    /// Every weight is drawn uniformly in `[−init_scale, init_scale]`. Default 0.08.
    #[config(default = 0.08)]
    pub init_scale: f64,
}

impl PointerNetConfig {
    /// The CPU preset: 128 units (the research notes' CPU experiment), the paper's
    /// initialisation.
    pub fn small(input: usize) -> Self {
        Self::new(input).with_hidden(128)
    }

    /// Builds the network on `device`.
    pub fn init(&self, device: &Device) -> PointerNet {
        let s = self.init_scale;
        let init = Initializer::Uniform { min: -s, max: s };
        let lstm = |d_input| LstmConfig::new(d_input, self.hidden, true).with_initializer(init.clone()).init(device);
        let linear =
            |d_in, d_out| LinearConfig::new(d_in, d_out).with_bias(false).with_initializer(init.clone()).init(device);
        let vector = |n: usize| -> Param<Tensor<1>> { init.init([n], device) };
        PointerNet {
            encoder: lstm(self.input),
            decoder: lstm(self.input),
            w1: linear(self.hidden, self.hidden),
            w2: linear(self.hidden, self.hidden),
            v: linear(self.hidden, 1),
            start: vector(self.input),
            end_key: vector(self.hidden),
            hidden: self.hidden,
            input: self.input,
        }
    }
}
