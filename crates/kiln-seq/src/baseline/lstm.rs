//! An LSTM forecaster (Hochreiter and Schmidhuber, 1997): the encoder reads `[x_t, time_t]`
//! for `t = 1 … L`; a Linear head maps the last hidden state `h_L` to all `H × C` values.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig, Lstm, LstmConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::{Forecaster, mse_step};
use crate::forecast::ForecastBatch;

/// LSTM encoder + Linear head.
#[derive(Module, Debug)]
pub struct LstmForecaster {
    /// The encoder.
    pub lstm: Lstm,
    /// `hidden → H·C`.
    pub head: Linear,
    #[module(skip)]
    pred_len: usize,
    #[module(skip)]
    channels: usize,
}

impl LstmForecaster {
    /// `channels + time_features` inputs per step, `hidden` units, horizon `pred_len`.
    pub fn new(channels: usize, time_features: usize, hidden: usize, pred_len: usize, device: &Device) -> Self {
        Self {
            lstm: LstmConfig::new(channels + time_features, hidden, true).init(device),
            head: LinearConfig::new(hidden, pred_len * channels).init(device),
            pred_len,
            channels,
        }
    }
}

impl Forecaster for LstmForecaster {
    fn forecast(&self, x: Tensor<3>, x_mark: Tensor<3>) -> Tensor<3> {
        let b = x.dims()[0];
        let (_, state) = self.lstm.forward(Tensor::cat(vec![x, x_mark], 2), None);
        let last = state.hidden;
        let hidden = last.dims()[1];
        self.head.forward(last.reshape([b, hidden])).reshape([b, self.pred_len, self.channels])
    }
}

impl TrainModel for LstmForecaster {
    type Batch = ForecastBatch;
    type Stage = ();

    fn step(&self, batch: ForecastBatch, _ctx: &StepContext) -> StepOutput {
        mse_step(self, batch)
    }
}
