//! DLinear (Zeng et al., "Are Transformers Effective for Time Series Forecasting?", AAAI 2023):
//! `trend = AvgPool_k(pad(x))` (moving average of kernel 25, the ends replicated),
//! `seasonal = x − trend`, `ŷ = W_s · seasonal + W_t · trend` with two Linear layers over time,
//! shared by the channels (`individual = False`).

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::{Forecaster, mse_step};
use crate::forecast::ForecastBatch;

/// DLinear.
#[derive(Module, Debug)]
pub struct DLinear {
    /// `L → H` on the seasonal part.
    pub seasonal: Linear,
    /// `L → H` on the trend.
    pub trend: Linear,
    #[module(skip)]
    kernel: usize,
}

impl DLinear {
    /// `seq_len → pred_len` with a moving average of `kernel` steps (odd; 25 in the paper).
    pub fn new(seq_len: usize, pred_len: usize, kernel: usize, device: &Device) -> Self {
        Self {
            seasonal: LinearConfig::new(seq_len, pred_len).init(device),
            trend: LinearConfig::new(seq_len, pred_len).init(device),
            kernel: kernel.max(1) | 1,
        }
    }

    /// The moving average of `x` `[B, C, L]` over `kernel` steps, ends replicated.
    pub fn moving_average(&self, x: Tensor<3>) -> Tensor<3> {
        let l = x.dims()[2];
        let half = (self.kernel - 1) / 2;
        let front = x.clone().narrow(2, 0, 1).repeat_dim(2, half);
        let back = x.clone().narrow(2, l - 1, 1).repeat_dim(2, half);
        let padded = if half > 0 { Tensor::cat(vec![front, x, back], 2) } else { x };
        let mut sum = padded.clone().narrow(2, 0, l);
        for j in 1..self.kernel {
            sum = sum + padded.clone().narrow(2, j, l);
        }
        sum / self.kernel as f64
    }
}

impl Forecaster for DLinear {
    fn forecast(&self, x: Tensor<3>, _x_mark: Tensor<3>) -> Tensor<3> {
        let x = x.swap_dims(1, 2); // [B, C, L]
        let trend = self.moving_average(x.clone());
        let seasonal = x - trend.clone();
        (self.seasonal.forward(seasonal) + self.trend.forward(trend)).swap_dims(1, 2)
    }
}

impl TrainModel for DLinear {
    type Batch = ForecastBatch;
    type Stage = ();

    fn step(&self, batch: ForecastBatch, _ctx: &StepContext) -> StepOutput {
        mse_step(self, batch)
    }
}
