//! A GRU forecaster (Cho et al., EMNLP 2014): the encoder reads `[x_t, time_t]` for
//! `t = 1 … L`; a Linear head maps the last hidden state `h_L` to all `H × C` values at once
//! (direct multi-step forecasting, as the RNN baselines of the PGN paper).

use burn::module::Module;
use burn::nn::{Gru, GruConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::{Forecaster, mse_step};
use crate::forecast::ForecastBatch;

/// GRU encoder + Linear head.
#[derive(Module, Debug)]
pub struct GruForecaster {
    /// The encoder.
    pub gru: Gru,
    /// `hidden → H·C`.
    pub head: Linear,
    #[module(skip)]
    pred_len: usize,
    #[module(skip)]
    channels: usize,
}

impl GruForecaster {
    /// `channels + time_features` inputs per step, `hidden` units, horizon `pred_len`.
    pub fn new(channels: usize, time_features: usize, hidden: usize, pred_len: usize, device: &Device) -> Self {
        Self {
            gru: GruConfig::new(channels + time_features, hidden, true).init(device),
            head: LinearConfig::new(hidden, pred_len * channels).init(device),
            pred_len,
            channels,
        }
    }
}

impl Forecaster for GruForecaster {
    fn forecast(&self, x: Tensor<3>, x_mark: Tensor<3>) -> Tensor<3> {
        let [b, l, _] = x.dims();
        let states = self.gru.forward(Tensor::cat(vec![x, x_mark], 2), None);
        let hidden = states.dims()[2];
        let last = states.narrow(1, l - 1, 1).reshape([b, hidden]);
        self.head.forward(last).reshape([b, self.pred_len, self.channels])
    }
}

impl TrainModel for GruForecaster {
    type Batch = ForecastBatch;
    type Stage = ();

    fn step(&self, batch: ForecastBatch, _ctx: &StepContext) -> StepOutput {
        mse_step(self, batch)
    }
}
